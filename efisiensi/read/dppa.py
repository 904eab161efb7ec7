"""Printed RKA/DPA/DPPA-SKPD "Rincian Belanja" sheets (REFERENCE §5.3).

Every level of such a sheet repeats the sum of its children: akun ``5`` → …
→ sub rincian objek ``5.1.02.04.01.0001`` → ``[#]`` group → ``[-]`` note →
components. Only the finest rows are line items; each carries down the context
above it (rekening, group, note, and the sub kegiatan / organisation / sumber dana
of the preamble). Every stated subtotal and ``JUMLAH`` row is checked against the
sum of its leaves, Sebelum and Sesudah separately, and each difference becomes a
finding. Each component row proves itself too: per stage, Koefisien × Harga (+ PPN,
printed as a rate or an amount) = Jumlah, and Bertambah/(Berkurang) = Sesudah −
Sebelum (:mod:`efisiensi.read.dppa_checks`). A Pemda's own print may repeat the
header, the parent codes and a ``JUMLAH``/``Jumlah <sumber dana>`` row per funding
source: each block is read and checked on its own. Every check made is a record in
``meta["checks"]`` (held or not). The tree walk lives in
:mod:`efisiensi.read.dppa_tree`, the row vocabulary in :mod:`efisiensi.read.dppa_layout`.

Reading happens in three passes: rows are classified (header, preamble, data,
JUMLAH, ignored), each amount column is parsed as a whole (the number style is a
property of a column, not of a cell), then the account tree is walked.

>>> from efisiensi.read.grid import Sheet
>>> rows = [
...     ["Sub Kegiatan", ": 1.01.01.2.01.0001 - Penyusunan Dokumen Perencanaan", "", ""],
...     ["Kode Rekening", "Uraian", "Koefisien", "Jumlah"],
...     ["5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa", "", "2.280.000,00"],
...     ["", "[#] Konsultasi ke Provinsi", "", "2.280.000,00"],
...     ["", "Uang Harian", "2 Orang x 3 Hari", "2.280.000,00"],
...     ["", "Spesifikasi : Luar kota", "", ""],
...     ["JUMLAH", "", "", "2.280.000,00"],
... ]
>>> res = READER.read(Sheet("dpa.xlsx", "Rincian", rows, list(range(1, 8))), ReadOptions())
>>> leaf = res.frame.iloc[0]
>>> int(leaf.sumber_baris), leaf.kelompok, leaf.uraian, leaf.anggaran
(5, 'Konsultasi ke Provinsi', 'Uang Harian | Spesifikasi: Luar kota', Decimal('2280000.00'))
>>> res.findings, res.meta["stated_total"]["anggaran"]
([], Decimal('2280000.00'))
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

import pandas as pd

from .._errors import Finding
from .._money import to_money_series
from .base import ReadOptions, ReadResult
from .codes import normalize_code, split_code_and_name
from .dppa_checks import check_rows
from .dppa_layout import (
    AFTER,
    BEFORE,
    HeaderMap,
    cell_text,
    is_column_numbers,
    is_end_of_table,
    is_header_start,
    is_header_words,
    is_total_label,
    marker,
    preamble_item,
    read_header,
    sniff_score,
    starts_total,
    texts,
    year_in,
)
from .dppa_tree import ZERO, Walk, uraian_text
from .grid import Sheet
from .numbers import parse_column

_TEXT = ("kode_skpd", "nama_skpd", "kode_sub_unit", "nama_sub_unit", "kode_program", "nama_program",
         "kode_kegiatan", "nama_kegiatan", "kode_sub_kegiatan", "nama_sub_kegiatan",
         "kode_sumber_dana", "sumber_dana", "kode_rekening", "bagan_akun", "kode_rekening_asli",
         "nama_rekening", "kelompok", "keterangan", "uraian", "koefisien", "satuan")
_Event = tuple[str, int, object]


def classify(sheet: Sheet) -> list[_Event]:
    """Sort the rows of a sheet into header, preamble, data and JUMLAH events.

    Rows above the first header, repeated page headers, column-number rows and the
    signature block after a JUMLAH are not events, so they can never become data.
    """
    events: list[_Event] = []
    rows, state, hm, i = sheet.rows, "top", None, 0
    while i < len(rows):
        row = rows[i]
        t = texts(row)  # once per row: every test below reads the same texts
        if is_header_start(row, t) and (found := read_header(rows, i)) is not None:
            hm, state = found, "table"
            events.append(("header", i, hm))
            i += found.rows
            continue
        if (item := preamble_item(row, t)) is not None:
            events.append(("preamble", i, item))
            state = "preamble"
        elif (year := year_in(row, t)) is not None and not (state == "table" and _is_line(row, hm, t)):
            # "[#] Rapat … Tahun Anggaran 2025" is a line of the table, not the year
            events.append(("preamble", i, ("tahun", str(year))))
        elif state == "end" and hm is not None and _is_total(row, hm, t):
            events.append(("total", i, hm))  # a sheet-wide total after the last JUMLAH
        elif state == "table" and hm is not None and t:
            if is_end_of_table(row, t):
                state = "end"
            elif is_header_words(row, t) or is_column_numbers(row, t):
                pass  # the header's second row or "1 | 2 | 3" repeated on a new page
            elif _is_total(row, hm, t):
                events.append(("total", i, hm))
                state = "end"
            else:
                events.append(("data", i, hm))
        i += 1
    return events


def _is_total(row: Sequence[object], hm: HeaderMap, t: list[str]) -> bool:
    """A closing total: ``JUMLAH``, ``Jumlah Total`` … or any uncoded ``Jumlah …`` row
    without quantities (``Jumlah Sumber Dana DAU``); the walk checks it against the
    lines it closes, so a wrong guess is a finding, never a line counted twice."""
    label = cell_text(_at(row, hm.kode)) or cell_text(_at(row, hm.uraian)) or next(iter(t), "")
    cols = [hm.after["jumlah"], *([hm.before["jumlah"]] if "jumlah" in hm.before else [])]
    if not any(cell_text(_at(row, c)) for c in cols):
        return False
    if is_total_label(label):
        return True
    if not starts_total(label) or marker(label) is not None:
        return False  # most rows: the quantities below need not be read
    return not any(cell_text(hm.get(row, s, f)) for s in (AFTER, BEFORE) for f in ("koefisien", "harga"))


def _is_line(row: Sequence[object], hm: HeaderMap | None, t: list[str]) -> bool:
    """A row of the table itself: a ``[#]``/``[-]`` marker or an amount under Jumlah."""
    if hm is None:
        return False
    if any(marker(x) for x in t[:2]):
        return True
    return any(cell_text(_at(row, c)) for c in (hm.after.get("jumlah"), hm.before.get("jumlah"))
               if c is not None)


def _at(row: Sequence[object], col: int) -> object:
    return row[col] if col < len(row) else ""


def parse_amounts(sheet: Sheet, events: list[_Event], unit: int | None):
    """Parse every amount column as a whole; returns (values, unreadable keys, findings).

    Keys are ``(row index, side, field)``; fields are ``jumlah``, ``harga`` and
    ``selisih`` (the Bertambah/(Berkurang) column, side ``""``).
    """
    cells: dict[tuple[str, str], list[tuple[int, object]]] = {}
    for kind, i, hm in events:
        if kind not in ("data", "total"):
            continue
        row = sheet.rows[i]
        for side, cols in ((AFTER, hm.after), (BEFORE, hm.before)):
            for name in ("jumlah", "harga"):
                if name in cols:
                    cells.setdefault((side, name), []).append((i, _at(row, cols[name])))
        if hm.selisih is not None:
            cells.setdefault(("", "selisih"), []).append((i, _at(row, hm.selisih)))
    values: dict[tuple[int, str, str], Decimal | None] = {}
    bad: set[tuple[int, str, str]] = set()
    findings: list[Finding] = []
    for (side, name), col in cells.items():
        parsed = parse_column([c for _, c in col])
        for pos, ((i, cell), value) in enumerate(zip(col, parsed.values, strict=True)):
            if pos in parsed.errors:
                bad.add((i, side, name))
                findings.append(Finding(
                    "unreadable_amount", f"{name} {_label(side)}: {parsed.errors[pos]}",
                    sheet.file, sheet.name, sheet.row_numbers[i],
                    detail={"column": name, "side": side, "text": cell_text(cell)}))
            elif value is not None:
                values[(i, side, name)] = value * unit if unit else value
    return values, bad, findings


def _label(side: str) -> str:
    return {AFTER: "(Sesudah)", BEFORE: "(Sebelum)"}.get(side, "")


def _chart(sheet: Sheet, events: list[_Event], forced: str | None) -> str | None:
    """One chart for the whole sheet: ``5.1`` alone looks like 13/2006, ``5.1.02`` does not."""
    if forced:
        return forced
    votes: Counter[str] = Counter()
    for kind, i, hm in events:
        if kind == "data":
            raw = split_code_and_name(cell_text(_at(sheet.rows[i], hm.kode)))[0]
            code = normalize_code(raw) if raw and raw.count(".") >= 2 else None
            if code is not None:
                votes[code.chart] += 1
    return votes.most_common(1)[0][0] if votes else None


def _frame(leaves: list[dict[str, object]], sides: set[str]) -> pd.DataFrame:
    n = len(leaves)
    data: dict[str, object] = {
        "sumber_baris": pd.array([r["sumber_baris"] for r in leaves], dtype="Int64"),
        "tahun": pd.array([r.get("tahun") for r in leaves], dtype="Int64"),
    }
    for col in _TEXT:
        data[col] = [str(r.get(col) or "") for r in leaves] if n else pd.Series([], dtype=str)
    data["uraian"] = [uraian_text(r) for r in leaves] if n else pd.Series([], dtype=str)
    data["harga_satuan"] = to_money_series([r.get("harga_satuan") for r in leaves])
    data["anggaran"] = to_money_series([r.get("anggaran", ZERO) for r in leaves])
    before = [r.get("anggaran_sebelum") for r in leaves] if BEFORE in sides else [None] * n
    data["anggaran_sebelum"] = to_money_series(before)
    frame = pd.DataFrame(data)
    return frame.sort_values("sumber_baris", kind="stable").reset_index(drop=True)


class DppaReader:
    """Reader for printed RKA/DPA/DPPA "Rincian Belanja" sheets."""

    name = "dppa"

    def sniff(self, sheet: Sheet, options: ReadOptions | None = None) -> float:
        """≥ 0.8 for a printed Rincian Belanja, ≤ 0.2 for flat or penjabaran tables.

        Evidence: a ``Kode Rekening``/``Uraian`` header with Koefisien/Satuan/Harga
        columns, ``[#]``/``[-]``/``Spesifikasi`` rows, a ``Sub Kegiatan :`` or
        ``Organisasi :`` preamble, a DPA/DPPA/RKA title, account codes of three or
        more levels under the header. A header without components, markers or such a
        preamble stays at 0.2, as does a rekap with TAHUN … PAGU in row 1.
        """
        return sniff_score(sheet)

    def read(self, sheet: Sheet, options: ReadOptions) -> ReadResult:
        """Read the line items (the finest rows) and check every stated subtotal."""
        events = classify(sheet)
        if not any(kind == "header" for kind, _, _ in events):
            return ReadResult(_frame([], set()), [Finding(
                "sheet_skipped", "tidak ada baris judul tabel (Kode Rekening | Uraian | … | Jumlah)",
                sheet.file, sheet.name)], {"layout": self.name})
        values, bad, findings = parse_amounts(sheet, events, options.unit)
        walk = Walk(sheet, values, bad, _chart(sheet, events, options.chart))
        for kind, i, payload in events:
            if kind == "preamble":
                walk.preamble(*payload)
            elif kind == "data":
                walk.data(i, payload)
            elif kind == "total":
                walk.total(i, payload)
        walk.end_block()
        row_findings, row_checks = check_rows(sheet, events, values, bad, options.unit)
        findings += walk.findings + row_findings
        if not walk.leaves:
            findings.append(Finding("no_line_items", "tabel Rincian Belanja tanpa baris rincian",
                                    sheet.file, sheet.name))
        findings.sort(key=lambda f: (f.row or 0, f.code))
        meta = {"layout": self.name, "stated_totals": [], "header_rows": [
            sheet.row_numbers[i] for kind, i, _ in events if kind == "header"],
            "checks": sorted(walk.checks + row_checks, key=lambda c: (c["row"] or 0, c["check"]))}
        for t in walk.totals:
            meta["stated_totals"].append({
                "row": sheet.row_numbers[t.i], "scope": t.scope,
                **{("anggaran" if s == AFTER else "anggaran_sebelum"): t.stated[s] or ZERO for s in t.stated},
                "computed": {("anggaran" if s == AFTER else "anggaran_sebelum"): v
                             for s, v in t.computed.items()}})
        if walk.totals:
            # a sheet-wide total states everything; otherwise the block totals add up
            whole = [t for t in meta["stated_totals"] if t["scope"] == "lembar"]
            chosen = whole[-1:] or meta["stated_totals"]
            stated = {"row": chosen[-1]["row"]}
            for col in ("anggaran", "anggaran_sebelum"):
                if col in chosen[-1]:
                    stated[col] = sum((t[col] for t in chosen), ZERO)
            meta["stated_total"] = stated
        return ReadResult(_frame(walk.leaves, walk.sides), findings, meta)


READER = DppaReader()
