"""Reader for older "Penjabaran APBD" CSVs (Permendagri 13/2006 chart, 2014-2016).

Layout (REFERENCE.md §5.4): a key/value preamble (Judul, Daerah, Tahun, Kode/Nama
Organisasi, Kolom), a header ``No. Rekening | Uraian | Sebelum | Sesudah | ...`` or
``... | Jumlah | Keterangan``, then one row per total, program, kegiatan and account,
interleaved, with uncoded detail lines under them.

What the reader does, and why:

* Only **leaves** become line items: an account row with no descendant account row
  in the same kegiatan. Parents (akun 5, kelompok 5.2, jenis 5.2.2, objek 5.2.2.15 and
  program/kegiatan rows) are used to *check* the leaves: a parent whose stated amount
  differs from the sum of its leaves gives a ``subtotal_mismatch`` finding.
* A kegiatan with no account row under it (Provinsi and Sleman files list belanja
  langsung per kegiatan only) is itself a leaf, with an empty ``kode_rekening``.
* Revenue (4.*) and financing (6.*) leaves are kept, with their own codes, so the
  frame adds up to the file; downstream keeps belanja by filtering on ``5.``.
  Accrual rows (roots 7-9, "PENDAPATAN - LO") are left out with a finding.
* Amounts are parsed per column; an unreadable cell keeps its row out of the frame
  with an ``unreadable_amount`` finding. An empty amount whose Penjelasan starts with
  a number (Gunungkidul 2015/2016) takes that number, with an ``ambiguous_amount``
  finding. Percentages are ignored: Kulon Progo's lost their decimal point.
* Nothing is merged or dropped unsaid (:mod:`efisiensi.read.penjabaran_checks`): a
  line printed again with one code, context, name and amount is counted once with a
  ``duplicate_row`` finding naming both rows; lines that only share code and amount
  stay; uncoded ``JUMLAH …`` / ``SURPLUS …`` rows are checked against the leaves; any
  other row with money that is not counted is a ``skipped_amount`` finding. Every
  check made is a record in ``meta["checks"]`` (held or not).
* Ringkasan files (codes without prefix) are read as pemda-level accounts; roots
  1/2/3 (pendapatan/belanja/pembiayaan) are mapped to 4/5/6. APBDes files keep their
  desa codes with an empty ``bagan_akun``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

import pandas as pd

from .._errors import Finding
from .._format import rupiah
from ._oldcodes import (
    BUDGET_ROOTS,
    LAYOUT_ROWS,
    OldCode,
    find_layout,
    is_code_like,
    organisation,
    parse_old_code,
    repair,
    unsplit_name,
)
from .base import ReadOptions, ReadResult
from .checkrec import check
from .grid import Sheet
from .numbers import AmountError, parse_amount, parse_column
from .penjabaran_checks import (
    check_detail_money,
    check_total_rows,
    roles,
    row_label,
    unique_leaves,
)

NAME = "penjabaran"
_ZERO = Decimal("0.00")
_WS = re.compile(r"\s+")
_SUMBER = re.compile(r"sumber\s*dana\s*:?\s*(.*?)\s*(?:lokasi\s*kegiatan\b.*)?$", re.I)
_LEAD_NUM = re.compile(r"^\s*(\(?[0-9][0-9.,^]*\)?)(?:\s|$)")
_TOTAL_LABEL = re.compile(r"^(jumlah|surplus|defisit|pembiayaan netto|sisa lebih)", re.I)
#: kegiatan-level leaves are belanja langsung (5.2); this pseudo-account sits below it
_KEGIATAN_ACCOUNT = (5, 2, 0)


def _cell(row: list[str], j: int | None) -> str:
    return row[j] if j is not None and j < len(row) else ""


def _text(cell: object) -> str:
    return "" if cell is None else str(cell)


def _clean(parts: list[str]) -> str:
    # broken conversions leave stray and doubled quotes around continuation lines
    text = " ".join(p.strip().strip('"') for p in parts).replace('""', '"')
    return _WS.sub(" ", text).strip()


# ------------------------------------------------------------------ rows


@dataclass
class _Row:
    idx: int
    code: OldCode
    name: str
    cells: dict[str, str]  # amount column name -> raw cell
    ket: list[str] = field(default_factory=list)
    kind: str = "account"  # account | kegiatan | program | nonkeg | structure | lo
    group: tuple = (None, None)  # ((urusan, bidang, program), kegiatan); None = any
    account: tuple[int, ...] = ()
    values: dict[str, Decimal | None] = field(default_factory=dict)
    context: _Row | None = None
    leaf: bool = False


def _classify(rows: list[_Row], org_len: int, account_only: bool) -> None:
    """Set each row's kind and (program, kegiatan) group from its own prefix."""
    for r in rows:
        if account_only:
            r.kind = "account" if r.code.account else "structure"
            r.account = r.code.account
            continue
        p = r.code.prefix
        prog = int(p[2 + org_len]) if len(p) > 2 + org_len else None
        keg = int(p[3 + org_len]) if len(p) > 3 + org_len else None
        # program numbers restart per urusan (Bantul: 2.07/1.15.01/15 vs 1.16/1.15.01/15)
        key = (*(int(x) for x in p[:2]), prog) if prog else None
        r.group = (key, (keg or None) if prog else None)
        if r.code.account:
            r.account = r.code.account
            r.kind = "account" if r.account[0] in BUDGET_ROOTS else "lo"
            if len(r.account) <= 2 and prog and not r.name.upper().startswith("BELANJA"):
                r.kind, r.account = ("kegiatan" if keg else "program"), ()  # Kota Yk "….5.2"
            elif len(r.account) <= 2:
                r.group = (None, None)  # akun/kelompok totals carry the first kegiatan's prefix
        elif prog is None:
            r.kind = "structure"  # urusan / organisation rows
        elif not prog:
            r.kind = "nonkeg"
        else:
            r.kind = "kegiatan" if keg else "program"


def _prefixed(code: OldCode | None) -> bool:
    """A code with an organisation prefix (ringkasan and APBDes codes have none)."""
    return code is not None and len(code.prefix) >= (5 if code.account else 6)


def _keys(group: tuple, account: tuple[int, ...]):
    """Every (program, kegiatan, account prefix) key a parent of this row can have."""
    p, k = group
    for n in range(len(account)):
        prefix = account[:n]
        yield (None, None, prefix)
        if p is not None:
            yield (p, None, prefix)
            if k is not None:
                yield (p, k, prefix)


def _parent_key(r: _Row) -> tuple:
    return (r.group[0], r.group[1], r.account) if r.kind == "account" else (r.group[0], r.group[1] if r.kind == "kegiatan" else None, ())


def _amount_cells(row: list[str], lay, label: str) -> dict[str, str]:
    """The amount cells of an uncoded row; a total written in the code cell with its
    amounts moved one column left (no Uraian) is read from where it sits."""
    shift = 0
    if label and _cell(row, lay.code).strip() == label and lay.uraian == lay.code + 1 \
            and _cell(row, lay.uraian).strip() and row_label([_cell(row, lay.uraian)], 0, 0) == "":
        shift = 1
    return {col: _cell(row, j - shift) for j, col in lay.amounts.items()}


def _parse(cells: dict[str, str], styles: dict[str, str | None], options: ReadOptions):
    out: dict[str, Decimal | None] = {}
    for col, cell in cells.items():
        try:
            value = parse_amount(cell, styles.get(col)) if cell.strip() else None
        except AmountError:
            value = None
        out[col] = value * options.unit if value is not None and options.unit else value
    return out


def _unchecked(r: _Row, find) -> None:
    """A coded row with money that is neither a line nor a checked subtotal is said.

    Urusan / organisation headings (``1 URUSAN WAJIB``) restate sums of the lines
    below them (``info``); an account row with money and nothing under it is a
    ``warning``: its rupiah are not in the table.
    """
    amount = next((v for v in r.values.values() if v), None)
    if amount is not None:
        heading = r.kind in ("structure", "nonkeg")
        find("skipped_amount", f"{r.code.raw.strip()} {r.name.strip()}: jumlah {rupiah(amount)} "
             + ("(baris judul urusan/organisasi) tidak dihitung dan tidak dapat diperiksa" if heading
                else "tidak dibaca sebagai rincian dan tidak ada rincian di bawahnya untuk memeriksanya"),
             r.idx, "info" if heading else "warning", amount=str(amount), kind=r.kind)


def role_of(recs: list[_Row], chart: str) -> dict[str, int]:
    """The roots of pendapatan, belanja and pembiayaan, by the names of the file's akun rows."""
    names: dict[int, set[str]] = defaultdict(set)
    for r in recs:
        if r.kind == "account" and len(r.account) == 1:
            names[r.account[0]].add(r.name.upper().strip())
    return roles(names, chart)


def _check_nonkeg(r: _Row, leaves: list[_Row], role: dict[str, int], rownum, where, find,
                  checks: list[dict]) -> None:
    """A "Non Kegiatan" row states the belanja tidak langsung below it (or all its lines)."""
    under = [x for x in leaves if x.context is r]
    spend = [x for x in under if x.account and x.account[0] == role.get("b")]
    for col, stated in r.values.items():
        if stated is None:
            continue
        sums = [sum((x.values.get(col) or _ZERO for x in xs), _ZERO) for xs in (spend, under)]
        got = stated if stated in sums else sums[0]
        checks.append(check("hierarchy_subtotal", where, rownum(r.idx), stated, got,
                            f"{r.code.raw.strip()} {r.name.strip()} ({col}): tertulis "
                            f"{rupiah(stated)}, jumlah rinciannya {rupiah(got)}"))
        if stated != got:
            find("subtotal_mismatch", f"{r.code.raw.strip()} {r.name}: tertulis {stated}, "
                 f"jumlah rinciannya {got}", r.idx, column=col, stated=str(stated), computed=str(got))


class PenjabaranReader:
    """Reader for old-chart penjabaran CSVs (see the module docstring)."""

    name = NAME

    def _rows(self, sheet: Sheet, limit: int | None = None) -> tuple[list[list[str]], int]:
        return self._rows_from(sheet.rows[:limit])

    def _rows_between(self, sheet: Sheet, start: int, stop: int) -> list[list[str]]:
        return self._rows_from(sheet.rows[start:stop])[0]

    @staticmethod
    def _rows_from(rows: list[list[object]]) -> tuple[list[list[str]], int]:
        out, fixed = [], 0
        for row in rows:
            cells = [_text(c) for c in row]
            rep = repair(cells)
            if rep is not None:
                cells, fixed = rep, fixed + 1
            out.append(cells)
        return out, fixed

    def sniff(self, sheet: Sheet, options: ReadOptions | None = None) -> float:
        rows, _ = self._rows(sheet, LAYOUT_ROWS)  # the layout is found in these; the rest only if it is
        lay = find_layout(rows)
        if lay is None:
            return 0.0
        rows = rows + self._rows_between(sheet, LAYOUT_ROWS, 500)
        codes = [parse_old_code(r[lay.code]) for r in rows[lay.header + 1: lay.header + 400]
                 if len(r) > lay.code and is_code_like(r[lay.code])]
        prefixed = sum(1 for c in codes if _prefixed(c))
        if len(lay.meta) >= 2 and codes and prefixed >= 0.3 * len(codes):
            return 0.9
        return 0.3 if lay.meta else 0.2

    def read(self, sheet: Sheet, options: ReadOptions) -> ReadResult:
        rows, fixed = self._rows(sheet)
        findings: list[Finding] = []

        def find(code: str, msg: str, idx: int | None = None, sev: str = "warning", **detail):
            row = sheet.row_numbers[idx] if idx is not None else None
            findings.append(Finding(code, msg, sheet.file, sheet.name or None, row, sev, detail))

        lay = find_layout(rows)
        empty = pd.DataFrame({"sumber_baris": pd.Series([], dtype="Int64"), "anggaran": []})
        meta = {"reader": NAME, "repaired_records": fixed}
        if lay is None:
            find("not_line_items", "baris judul kolom (No. Rekening | Uraian | Jumlah) tidak ditemukan")
            return ReadResult(empty, findings, meta)
        meta.update(preamble=dict(lay.meta), header_row=sheet.row_numbers[lay.header])
        if lay.economic or not lay.amounts:
            find("not_line_items", "tabel realisasi per kelompok belanja (PEGAWAI | BARANG&JASA | "
                 "MODAL), bukan rincian rekening; angka format AS tanpa kutip merusak kolom",
                 lay.header, "warning")
            return ReadResult(empty, findings, meta)
        kode_skpd, nama_skpd = organisation(lay.meta)
        tahun = re.search(r"(19|20)\d\d", lay.meta.get("tahun", ""))
        desa = "desa" in (lay.meta.get("judul", "") + lay.meta.get("daerah", "")).lower()

        # first pass: every code-like row with a parsable code, detail lines attached
        body = range(lay.header + 1, len(rows))
        codes = {i: parse_old_code(rows[i][lay.code]) for i in body
                 if len(rows[i]) > lay.code and is_code_like(rows[i][lay.code])}
        account_only = sum(1 for c in codes.values() if _prefixed(c)) < 3
        if account_only:
            codes = {i: parse_old_code(rows[i][lay.code], account_only=True) for i in codes}
        recs: list[_Row] = []
        last: _Row | None = None
        # uncoded rows that state an amount: totals (and rows outside any line), details
        loose: list[tuple[int, str, dict[str, str]]] = []
        details: list[tuple[int, _Row, dict[str, str]]] = []
        for i in body:
            row = rows[i]
            get = partial(_cell, row)
            code = codes.get(i)
            if code is None and i in codes:
                find("malformed_code", f"kode rekening tidak dikenali: {get(lay.code).strip()!r}", i)
            if code is not None:
                get = partial(_cell, unsplit_name(row, lay))
                last = _Row(i, code, get(lay.uraian).strip(),
                            {col: get(j) for j, col in lay.amounts.items()},
                            [get(lay.keterangan)])
                recs.append(last)
                continue
            texts = [c for c in row if c.strip()]
            if not texts:
                continue
            label = row_label(row, lay.code, lay.uraian)
            cells = _amount_cells(row, lay, label)
            if last is None or _TOTAL_LABEL.match(label):
                last = None  # stated totals and the signature block are not details
                if any(c.strip() for c in cells.values()):
                    loose.append((i, label, cells))
            elif texts == [get(lay.uraian)] and not last.code.account:
                last.name = _clean([last.name, texts[0]])  # wrapped program/kegiatan name
            else:
                last.ket.append(" ".join(c for j, c in enumerate(row) if c.strip()
                                         and j not in lay.amounts))
                if any(c.strip() for c in cells.values()):
                    details.append((i, last, cells))
        lengths = Counter(len(r.code.prefix) for r in recs if r.code.account)
        org_len = 4 if lengths and lengths.most_common(1)[0][0] == 8 else 3
        _classify(recs, org_len, account_only)
        roots: dict[int, set[str]] = defaultdict(set)
        for r in recs:
            if r.kind == "account":
                roots[r.account[0]].update([r.name.upper()] if len(r.account) == 1 else [])
        chart = "13/2006"
        if account_only and (desa or not set(roots) <= BUDGET_ROOTS):
            # roots 1/2/3 are the same chart shifted only when 1 is PENDAPATAN and 2 BELANJA
            remap = not desa and set(roots) <= {1, 2, 3} and all(
                n.startswith(w) for k, w in ((1, "PENDAPATAN"), (2, "BELANJA")) for n in roots[k])
            if remap:
                for r in recs:
                    r.account = (r.account[0] + 3, *r.account[1:])
            chart = "13/2006" if remap else ""
            find("malformed_code", "kode berakar 1/2/3 dipetakan ke 4/5/6 (bagan 13/2006)" if remap
                 else "kode bukan bagan APBD 13/2006 (APBDes atau penomoran sendiri): kode "
                 "dipertahankan, bagan_akun kosong", sev="info")
        lo = [r for r in recs if r.kind == "lo"]
        if lo:
            find("not_line_items", f"{len(lo)} baris akrual (LO, akar 7-9) tidak dibaca sebagai "
                 "rincian", lo[0].idx, "info", rows=[sheet.row_numbers[r.idx] for r in lo])

        # amounts, per column, over coded rows only (detail lines hold other numbers)
        styles: dict[str, str | None] = {}
        for col in lay.amounts.values():
            parsed = parse_column([r.cells[col] for r in recs])
            styles[col] = parsed.style
            for r, v in zip(recs, parsed.values, strict=True):
                r.values[col] = v * options.unit if v is not None and options.unit else v
            for pos, reason in parsed.errors.items():
                recs[pos].values[col] = AmountError(reason)  # type: ignore[assignment]
            for pos, txt in parsed.ambiguous.items():
                find("ambiguous_amount", f"angka {txt!r} dibaca sebagai {parsed.values[pos]}",
                     recs[pos].idx, column=col)
        for r in recs:
            bad = {c: v for c, v in r.values.items() if isinstance(v, AmountError)}
            if bad:
                r.kind = "bad" if r.kind == "account" else r.kind
                for c in bad:
                    r.values[c] = None
                find("unreadable_amount", f"{r.code.raw.strip()} {r.name}: "
                     + "; ".join(str(e) for e in bad.values()), r.idx, columns=sorted(bad))
            elif r.kind == "account" and r.values.get("anggaran") is None:
                m = _LEAD_NUM.match(r.ket[0] if r.ket else "")
                if m:  # Gunungkidul: the amount sits only in the Penjelasan text
                    try:
                        r.values["anggaran"] = parse_amount(m.group(1).replace("^", ","))
                        find("ambiguous_amount", f"Jumlah kosong; angka {m.group(1)} diambil dari "
                             "Penjelasan", r.idx, "info", source="keterangan")
                    except AmountError:
                        pass

        # context: nearest program/kegiatan row above, or the row of the same code
        by_code: dict[tuple, _Row] = {}
        ctx: _Row | None = None
        nonkeg: _Row | None = None
        for r in recs:
            if r.kind in ("kegiatan", "program"):
                ctx = by_code[r.group] = r
            elif r.kind == "nonkeg":
                nonkeg = r
            elif r.kind in ("account", "bad"):
                if r.group[0] is None:
                    r.context = nonkeg
                else:
                    r.context = by_code.get(r.group) or ctx

        # leaves: accounts with no descendant in their kegiatan; bare kegiatan rows
        accounts = [r for r in recs if r.kind in ("account", "bad")]
        # only where no belanja langsung account exists at all, so that a kegiatan whose
        # accounts carry a mistyped prefix is never counted twice
        bare = not any(r.group[0] for r in accounts)
        for r in recs:
            if bare and r.kind == "kegiatan" and r.values.get("anggaran") is not None:
                r.kind, r.account, r.leaf = "keg_leaf", _KEGIATAN_ACCOUNT, True
                r.context = r
                accounts.append(r)
        parents = set()
        for r in accounts:
            parents.update(_keys(r.group, r.account))
        for r in accounts:
            if r.kind == "account" and len(r.account) > 2:
                r.leaf = (r.group[0], r.group[1], r.account) not in parents
        checks: list[dict] = []
        rownum = sheet.row_numbers.__getitem__
        where = sheet.name or None
        leaves = unique_leaves((r for r in accounts if r.leaf and r.kind != "bad"), rownum, where,
                               find, checks)
        if len(leaves) < sum(1 for r in accounts if r.leaf and r.kind != "bad"):
            meta["merged_duplicates"] = sum(1 for r in accounts if r.leaf and r.kind != "bad") - len(leaves)
        if sum(1 for r in recs if r.kind == "keg_leaf"):
            find("not_line_items", f"{sum(1 for r in leaves if r.kind == 'keg_leaf')} kegiatan "
                 "tanpa rincian rekening dibaca di tingkat kegiatan", sev="info")

        # checks: every stated parent against the sum of its leaves
        sums: dict[tuple, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for r in leaves:
            for key in set(_keys(r.group, r.account)):
                for col, v in r.values.items():
                    sums[key][col] += v or _ZERO
        bad_rows = {r.idx for r in recs if r.kind == "bad"}
        for r in recs:
            if r.leaf or r.kind not in ("account", "kegiatan", "program") or not r.values:
                continue
            key = _parent_key(r)
            if r.kind == "account" and (r.group[0], r.group[1], r.account) not in parents:
                _unchecked(r, find)
                continue
            for col, stated in r.values.items():
                got = sums.get(key, {}).get(col, _ZERO)
                if stated is None:
                    continue
                checks.append(check("hierarchy_subtotal", where, rownum(r.idx), stated, got,
                                    f"{r.code.raw.strip()} {r.name.strip()} ({col}): tertulis "
                                    f"{rupiah(stated)}, jumlah rinciannya {rupiah(got)}"))
                if stated != got:
                    find("subtotal_mismatch", f"{r.code.raw.strip()} {r.name}: tertulis {stated}, "
                         f"jumlah rinciannya {got}", r.idx, column=col, stated=str(stated),
                         computed=str(got), partial=bool(bad_rows))
        for r in recs:
            if r.kind == "nonkeg" and any(x.context is r for x in leaves):
                _check_nonkeg(r, leaves, role_of(recs, chart), rownum, where, find, checks)
            elif r.kind in ("structure", "nonkeg"):
                _unchecked(r, find)
        role = role_of(recs, chart)
        check_total_rows([(i, label, _parse(cells, styles, options)) for i, label, cells in loose],
                         leaves, role, rownum, where, find, checks)
        check_detail_money([(i, owner, v) for i, owner, cells in details
                            if any((v := _parse(cells, styles, options)).values())],
                           rownum, where, find, checks)
        meta["checks"] = checks

        records = []
        for r in leaves:
            c = r.context
            prog = by_code.get((c.group[0], None)) if c is not None and c.group[0] else None
            in_keg = c is not None and c.kind in ("kegiatan", "keg_leaf")
            ket_ctx = _clean(c.ket) if c is not None else ""
            m = _SUMBER.search(ket_ctx)
            rec = {
                "sumber_baris": sheet.row_numbers[r.idx], "tata_letak": NAME,
                "tahun": int(tahun.group(0)) if tahun else None,
                "kode_skpd": kode_skpd or ".".join(r.code.prefix[:2 + org_len][2:]),
                "nama_skpd": nama_skpd,
                "kode_program": ".".join(c.code.prefix[:3 + org_len]) if c and c.group[0] else "",
                "nama_program": prog.name if prog else "",
                "kode_kegiatan": ".".join(c.code.prefix) if in_keg else "",
                "nama_kegiatan": c.name if in_keg else "",
                "nama_sub_kegiatan": c.name if c is not None and c.kind != "nonkeg" else "",
                "sumber_dana": m.group(1).strip(" .,;") if m else "",
                "kode_rekening": "" if r.kind == "keg_leaf" else ".".join(
                    str(s).zfill(w if chart else 1)
                    for s, w in zip(r.account, (1, 1, 1, 2, 2, 4), strict=False)),
                "bagan_akun": "" if r.kind == "keg_leaf" else chart,
                "kode_rekening_asli": r.code.raw, "nama_rekening": "" if r.kind == "keg_leaf" else r.name,
                "keterangan": _clean(r.ket),
                "anggaran": r.values.get("anggaran") or _ZERO,
            }
            if "anggaran_sebelum" in lay.amounts.values():
                rec["anggaran_sebelum"] = r.values.get("anggaran_sebelum") or _ZERO
            records.append(rec)
        if not records:
            find("no_line_items", "tabel dikenali tetapi tidak ada baris rincian rekening")
        frame = pd.DataFrame.from_records(records) if records else empty
        meta.update(rows=len(recs), leaves=len(records), account_only=account_only, org_len=org_len)
        return ReadResult(frame, findings, meta)


READER = PenjabaranReader()
