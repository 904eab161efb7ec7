"""Flat tables with one line item per row: SIPD rekap and rincian exports, Pantau, and the
flat tables Pemda make themselves.

The header is found under any title block and its columns recognised by their words and
content (:mod:`.columns`). Rows are then sorted by what the file's own arithmetic says
(:mod:`efisiensi.verify`): a row whose code is a prefix of other codes is a stated
subtotal; a row without a code that closes the rows above it is a stated total; a column
that repeats group totals is not the line amount; repeated page headers and column-number
rows are not lines. Every check made is recorded in ``meta["checks"]``.

Stages: a row may carry several stage columns (murni, setelah efisiensi, P-APBD ...). The
first two in the file's order are the pair the two-stage audit uses (``anggaran_sebelum``
and ``anggaran``; the stage of ``anggaran`` is in the ``tahap`` column); every further stage
column is kept exactly, with its rows, in ``meta["stages"]`` and read in long form with
:func:`efisiensi.stages`. A file with one stage has it in ``anggaran``.
"""

from __future__ import annotations

import re
from operator import itemgetter
from time import perf_counter

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._errors import Finding
from .._format import rupiah
from .._money import MONEY
from ..verify import groups, hierarchy, totals
from ..verify._cents import cents
from .base import ReadOptions, ReadResult
from .cells import ZERO_MONEY, _decimal_from_cents, _Text, _text, _text_column, money_column  # noqa: F401
from .codes import CHART_2006, CHART_2019, normalize_code, split_code_and_name
from .columns import HEADER_SCAN_ROWS, Amount, Columns, recognise  # noqa: F401
from .columns import find as _find
from .grid import Sheet
from .headers import match_header, normalize_header, resolve_amounts
from .realisasi import line_realisasi
from .tabular_checks import _check_arithmetic, _drop_derived_blocks, _months, _row_arithmetic

_TOTAL_WORDS = re.compile(r"^\s*(jumlah|total|grand total|sub ?total|jumlah total)\b", re.I)
#: rows that state a balance (revenue minus spending), neither a line nor a total of lines
_BALANCE_WORDS = re.compile(r"^\s*(surplus|defisit|pembiayaan neto|sisa lebih)", re.I)
_LAYOUT_BY_COLUMN = {"uraian": "sipd_rincian", "kelompok": "sipd_rekap"}
_GROUP_CONTEXT = ("kode_skpd", "kode_sub_unit", "kode_program", "kode_kegiatan", "kode_sub_kegiatan",
                  "nama_sub_kegiatan")


def find_header(sheet: Sheet, user: dict[str, str] | None = None) -> tuple[int, int] | None:
    """Index of the best header row within the first rows and its number of known cells."""
    hit = _find(sheet, user)
    return None if hit is None else (hit[0], hit[1])


class TabularReader:
    """SIPD-RI rekap (21/23 columns), SIPD rincian (API/RKA) and other flat tables."""

    name = "tabular"

    def sniff(self, sheet: Sheet, options: ReadOptions | None = None) -> float:
        user = options.columns if options else None
        hit = _find(sheet, user)
        if hit is None:
            return 0.0
        idx, n, texts = hit
        header = [match_header(c, user) for c in texts]
        if any(_is_hierarchical(sheet, idx, j) for j in range(min(len(texts), 4))):
            # parents and children interleaved: a hierarchical reader (tried first) keeps the leaves only;
            # when none claims the sheet, the code hierarchy is checked here (verify.hierarchy)
            return 0.3
        score = 0.4 + min(n, 8) * 0.05
        if "kode_rekening" in header and ("kode_sub_kegiatan" in header or "kode_skpd" in header):
            score += 0.2
        if "nama_kegiatan" in header or "nama_skpd" in header:
            score += 0.05
        return min(score, 0.95)

    def read(self, sheet: Sheet, options: ReadOptions) -> ReadResult:
        cols = recognise(sheet, options.columns)
        findings: list[Finding] = []
        if cols is None:
            return ReadResult(pd.DataFrame(), findings)
        hidx = cols.header_idx
        for cell in cols.duplicates:
            findings.append(Finding("duplicate_column", f"kolom '{cell}' muncul dua kali; yang pertama dipakai",
                                    sheet.file, sheet.name, sheet.row_numbers[hidx]))
        mapped = cols.mapped
        if "anggaran" not in mapped and not cols.amounts:
            return ReadResult(pd.DataFrame(), findings)
        body, rownums, skipped = _body(sheet, cols)
        width = len(cols.texts)
        if min(map(len, body), default=width) < width:
            body = [r + [""] * (width - len(r)) if len(r) < width else r for r in body]
        n = len(body)
        ncols = min(map(len, body), default=width)

        def cells(j: int | None) -> list[object]:
            return list(map(itemgetter(j), body)) if j is not None and j < ncols else [""] * n

        data: dict[str, _Text] = {c: _text_column(cells(j)) for c, j in mapped.items() if not c.startswith("_")
                                  and c not in ("anggaran", "anggaran_sebelum", "harga_satuan")}
        parsed: dict[int, tuple] = {}
        for a in cols.amounts:
            parsed[a.col] = money_column(cells(a.col), options.unit)
        for name in ("anggaran", "anggaran_sebelum", "harga_satuan", "_tambah", "_kurang", "_selisih", "_pajak"):
            if name in mapped and mapped[name] not in parsed:
                parsed[mapped[name]] = money_column(cells(mapped[name]), options.unit)
        checks: list[dict] = []
        t0 = perf_counter()
        chosen, extras, why_amount = _choose_amounts(cols, parsed, data, checks, rownums, sheet.name)
        spent = perf_counter() - t0
        if "anggaran" not in chosen:
            return ReadResult(pd.DataFrame(), findings)
        mapped = {**mapped, **chosen}
        if {"kode_rekening", "kode_skpd", "nama_skpd"}.isdisjoint(mapped) and "_realisasi" in mapped \
                and "nama_kegiatan" not in mapped:
            findings.append(Finding("not_line_items",
                                    "tabel ringkasan (tanpa kode rekening atau SKPD, mis. portal DJPK), "
                                    "bukan rincian belanja; tidak dimasukkan ke tabel", sheet.file, sheet.name))
            return ReadResult(pd.DataFrame(), findings, {"layout": "ringkasan"})
        amounts: dict[str, pa.Array] = {}
        bad_rows: dict[int, str] = {}
        guessed: dict[int, list[str]] = {}
        for name in ("anggaran", "anggaran_sebelum", "harga_satuan", "_tambah", "_kurang", "_selisih", "_pajak"):
            if name not in mapped:
                continue
            vals, errors, ambiguous = parsed[mapped[name]]
            amounts[name] = vals
            if name in ("anggaran", "anggaran_sebelum"):
                for i, why in errors.items():
                    bad_rows.setdefault(i, f"{cols.texts[mapped[name]]}: {why}")
                    if getattr(why, "candidates", ()):  # ambiguous: not taken, said with its readings
                        guessed.setdefault(i, [str(c) for c in why.candidates])
                for i, txt in ambiguous.items():
                    findings.append(Finding("ambiguous_amount", f"format angka {txt!r} ambigu; dibaca sebagai "
                                            f"{rupiah(vals[i].as_py())}", sheet.file, sheet.name, rownums[i]))
        empty = _Text(np.zeros(n, dtype=np.int64), np.array([""], dtype=object))
        codes_raw = data.get("kode_rekening", empty).values()
        codes_changed = False
        # a code may sit inside the name column ("5.1.02.01.01.0052 Belanja Mamin Rapat")
        if "nama_rekening" not in data and "uraian" in data and "kode_rekening" not in mapped and \
                any(split_code_and_name(u)[0] for u in data["uraian"].texts):
            data["nama_rekening"] = data.pop("uraian")  # codes written inside the only text column
        if "nama_rekening" in data:
            nm = data["nama_rekening"]
            split = [split_code_and_name(u) for u in nm.texts]
            has = np.array([c is not None for c, _ in split], dtype=bool)
            rows_with_code = np.flatnonzero(has[nm.codes]) if len(split) else []
            if len(rows_with_code):
                names = nm.values()
                for i in rows_with_code.tolist():
                    c = codes_raw[i]
                    code, rest = split[nm.codes[i]]
                    if not c or normalize_code(c) == normalize_code(code):
                        codes_changed = codes_changed or not c
                        codes_raw[i] = c or code
                        names[i] = rest
                data["nama_rekening"] = _text_column(list(names))
        if codes_changed or ("kode_rekening" not in data and any(codes_raw)):
            data["kode_rekening"] = _text_column(list(codes_raw))
        has_code_column = "kode_rekening" in data
        if has_code_column and "kode_rekening" in mapped:
            _names_beside_codes(data, body, mapped, cols, codes_raw)
        distinct_codes = set(codes_raw.tolist()) - {""}
        chart = options.chart or _file_chart(distinct_codes)
        norm = {c: normalize_code(c, chart) for c in distinct_codes}
        if "_spek" in mapped:
            spek = _text_column(cells(mapped["_spek"])).values()
            base = data.get("uraian", empty).values()
            data["uraian"] = _text_column([f"{u} | Spesifikasi: {s}" if s and u else (u or s)
                                           for u, s in zip(base, spek, strict=True)])

        # which rows are line items: vectorised, then the few special rows one by one in row order
        anggaran = amounts["anggaran"]
        sebelum = amounts.get("anggaran_sebelum")
        money = anggaran.is_valid().to_numpy(zero_copy_only=False)
        if sebelum is not None:
            money = money | sebelum.is_valid().to_numpy(zero_copy_only=False)
        bad = np.zeros(n, dtype=bool)
        bad[list(bad_rows)] = True
        special = bad.copy()
        no_code = codes_raw == ""
        if has_code_column:
            unknown = np.array([norm.get(c) is None for c in codes_raw], dtype=bool) & ~no_code \
                if any(v is None for v in norm.values()) else np.zeros(n, dtype=bool)
            special |= money & (no_code | unknown)
        else:
            special |= money & _total_label_rows(body, n)
        keep_mask = money & ~bad
        stage_cents = [cents(anggaran)[0]] + ([cents(sebelum)[0]] if sebelum is not None else [])
        covered = np.zeros(n, dtype=bool)

        # hierarchy by code: parents are stated subtotals, repeated leaves are not counted again
        t0 = perf_counter()
        if has_code_column and len(distinct_codes) > 1:
            seg_by_code = {c: (v.segments if v else None) for c, v in norm.items()}
            segs = [seg_by_code.get(c) if m else None for c, m in zip(codes_raw.tolist(), keep_mask.tolist(),
                                                                      strict=True)]
            kind, parent = hierarchy.classify(segs)
            if (kind != hierarchy.LEAF).any():
                for k, stage in enumerate(stage_cents):
                    what = "anggaran" if k == 0 else "anggaran_sebelum"
                    recs, cov = hierarchy.check(kind, parent, stage, keep_mask, segs, rownums, sheet.name, what,
                                                [norm[c].code if norm.get(c) else c for c in codes_raw])
                    checks += recs
                    covered |= cov if k == 0 else np.zeros(n, dtype=bool)
                outside = (kind == hierarchy.LEAF) & (parent < 0) & keep_mask & (kind != hierarchy.REPEAT)
                if (kind == hierarchy.REPEAT).any() and outside.any():
                    findings.append(Finding("outside_hierarchy", f"{int(outside.sum())} baris berkode di luar "
                                            "hierarki tanpa padanan di dalamnya (Rp "
                                            f"{rupiah(groups.dec(int(stage_cents[0][outside].sum())))}); tetap "
                                            "dihitung", sheet.file, sheet.name, severity="warning"))
                keep_mask &= kind == hierarchy.LEAF
        spent += perf_counter() - t0

        candidates: list[tuple[int, bool]] = []
        for i in np.flatnonzero(special).tolist():
            code = codes_raw[i]
            if bad[i]:
                code_, detail = ("ambiguous_amount", {"kode_rekening": code, "candidates": guessed[i]}) \
                    if i in guessed else ("unreadable_amount", {"kode_rekening": code})
                findings.append(Finding(code_, f"jumlah tidak terbaca ({bad_rows[i]}); baris tidak dihitung",
                                        sheet.file, sheet.name, rownums[i], "error", detail))
                continue
            texts = [normalize_header(x) for x in body[i] if isinstance(x, str) and x.strip()]
            says = any(_TOTAL_WORDS.match(t) for t in texts)
            if any(_BALANCE_WORDS.match(t) for t in texts) and (not code or norm.get(code) is None):
                keep_mask[i] = False
                findings.append(Finding("balance_row", "baris surplus/defisit atau pembiayaan neto: selisih, "
                                        "bukan belanja; tidak dihitung", sheet.file, sheet.name, rownums[i], "info"))
                continue
            if says and (not code or norm.get(code) is None):
                candidates.append((i, True))
                continue
            if not code:
                if _is_blank_except_amounts(body[i], mapped):
                    candidates.append((i, False))
                    continue
                findings.append(Finding("malformed_code", "baris beranggaran tanpa kode rekening; tetap dihitung",
                                        sheet.file, sheet.name, rownums[i]))
            else:
                findings.append(Finding("malformed_code", f"kode rekening {code!r} tidak dikenal; tetap dihitung",
                                        sheet.file, sheet.name, rownums[i]))
        t0 = perf_counter()
        if candidates:
            says = dict(candidates)
            cand_rows = np.array([i for i, _ in candidates])
            keep_mask[cand_rows] = False
            lines = np.flatnonzero(keep_mask)
            held, kinds, cov = totals.total_rows(candidates, lines, stage_cents)
            covered[lines[cov]] = True
            checks += totals.total_records(held, kinds, says, stage_cents, lines, rownums, sheet.name)
            merged = [i for i, _ in candidates if not held[i] and not says[i]]
            for i in [i for i, s in candidates if s and not held[i]]:
                findings.append(Finding("total_mismatch", f"total tertulis {rupiah(anggaran[i].as_py() or 0)} "
                                        "tidak sama dengan jumlah rincian yang ditutupnya", sheet.file, sheet.name,
                                        rownums[i], "error"))
            for i in merged:
                keep_mask[i] = True
                findings.append(Finding("merged_text_line", "baris beranggaran tanpa teks (sel teksnya mungkin "
                                        "digabung dengan baris di atas) dan bukan jumlah dari baris di atasnya; "
                                        "tetap dihitung", sheet.file, sheet.name, rownums[i], "warning"))
            if merged:
                _inherit_text(data, merged, keep_mask)
                codes_raw = data["kode_rekening"].values() if "kode_rekening" in data else codes_raw
            _drop_derived_blocks(held, kinds, keep_mask, codes_raw, stage_cents, rownums, sheet.name, checks)
        spent += perf_counter() - t0
        keep = np.flatnonzero(keep_mask)
        take = pa.array(keep, type=pa.int64())

        frame = pd.DataFrame({k: pd.Series(v.arrow(keep), dtype="str") for k, v in data.items()})
        frame["sumber_baris"] = pd.array(np.asarray(rownums, dtype=np.int64)[keep], dtype="Int64")
        frame["anggaran"] = pd.Series(pc.fill_null(anggaran.take(take), ZERO_MONEY), dtype=MONEY)
        if sebelum is not None:
            frame["anggaran_sebelum"] = pd.Series(pc.fill_null(sebelum.take(take), ZERO_MONEY), dtype=MONEY)
        if "harga_satuan" in amounts:
            frame["harga_satuan"] = pd.Series(amounts["harga_satuan"].take(take), dtype=MONEY)
        if has_code_column:
            kr = data["kode_rekening"]
            nc = [norm.get(c) or normalize_code(c, chart) for c in kr.texts]
            code_txt = _Text(kr.codes, np.array([c.code if c else "" for c in nc], dtype=object))
            chart_txt = _Text(kr.codes, np.array([c.chart if c else "" for c in nc], dtype=object))
            frame["kode_rekening_asli"] = pd.Series(kr.arrow(keep), dtype="str")
            frame["kode_rekening"] = pd.Series(code_txt.arrow(keep), dtype="str")
            frame["bagan_akun"] = pd.Series(chart_txt.arrow(keep), dtype="str")
        if "tahun" in frame:
            frame["tahun"] = pd.to_numeric(frame["tahun"], errors="coerce").astype("Int64")
        anggaran_col = next(a for a in cols.amounts + [Amount(mapped["anggaran"], "", "", True)]
                            if a.col == mapped["anggaran"])
        frame["tahap"] = anggaran_col.stage
        layout = "kegiatan" if not has_code_column else next(
            (v for k, v in _LAYOUT_BY_COLUMN.items() if k in mapped), "sipd_rekap")
        if {"_tambah", "_kurang", "anggaran_sebelum"} <= amounts.keys():
            found, recs = _check_arithmetic(sheet, {k: v.to_pylist() for k, v in amounts.items()},
                                            keep.tolist(), rownums)
            findings += found
            checks += recs
        t0 = perf_counter()
        covered |= _row_arithmetic(amounts, data, stage_cents, keep, rownums, sheet.name, checks)
        months_cov = _months(cols, cells, stage_cents[0], keep_mask, rownums, sheet.name, checks,
                             cols.texts[mapped["anggaran"]], options.unit)
        covered |= months_cov
        spent += perf_counter() - t0
        if skipped:
            findings.append(Finding("repeated_header", f"{skipped} baris judul kolom berulang atau nomor kolom "
                                    "(1 2 3 ...) dilewati", sheet.file, sheet.name, severity="info"))
        stages = _stages(cols, mapped, extras, parsed, keep, rownums)
        realised, found = line_realisasi(cols.texts, sheet.rows[hidx + 1] if hidx + 1 < len(sheet.rows) else [],
                                      cols.months, cells, keep, rownums, options.unit, sheet.file, sheet.name)
        if realised is not None:  # realisasi beside the lines: a stage apart, never a budget amount
            stages.append(realised)
            findings += found
        others = why_amount.pop("_ambiguous", None)
        if others and not covered[keep].any():
            chosen_name = cols.texts[mapped["anggaran"]]
            findings.append(Finding("ambiguous_amount_column", f"kolom {chosen_name!r} dibaca sebagai anggaran, tetapi "
                                    f"{others} juga bisa; tidak ada jumlah di berkas yang memastikannya. Tentukan "
                                    f"dengan columns={{{chosen_name!r}: 'anggaran'}}", sheet.file, sheet.name,
                                    sheet.row_numbers[hidx], "warning"))
        meta = {"layout": layout, "header_row": sheet.row_numbers[hidx], "checks": checks,
                "covered": covered[keep],
                "columns": {**{k: v for k, v in cols.why.items() if k in mapped}, **why_amount},
                "stages": stages, "check_seconds": spent}
        return ReadResult(frame, findings, meta)


def _body(sheet: Sheet, cols: Columns) -> tuple[list[list[object]], list[int], int]:
    """Rows under the header, without repeated header rows and column-number rows."""
    start = cols.header_idx + 1
    body = sheet.rows[start:]
    rownums = sheet.row_numbers[start:]
    header_keys = {j: normalize_header(t) for j, t in enumerate(cols.texts) if t}
    amount_cols = [a.col for a in cols.amounts] or list(header_keys)
    # cheap test first, per distinct cell: only rows whose amount cells are text can be
    # headers, only rows with a small whole number can be numbering
    look = np.zeros(len(body), dtype=bool)
    for j in amount_cols:
        look |= _flag_cells(_column(body, j))
    drop = []
    for i in np.flatnonzero(look).tolist():
        row = body[i]
        if _is_numbering(row) or sum(1 for j, k in header_keys.items()
                                     if j < len(row) and isinstance(row[j], str) and
                                     normalize_header(row[j]) == k) >= 2:
            drop.append(i)
    if not drop:
        return body, rownums, 0
    dropset = set(drop)
    return ([r for i, r in enumerate(body) if i not in dropset],
            [x for i, x in enumerate(rownums) if i not in dropset], len(drop))


_NUMBERLIKE = re.compile(r"^[\d.,\s()+-]*$")
_BARE_NUMBER = re.compile(r"[0-9.,]+")
_SMALL_WHOLE = re.compile(r"0*[1-9][0-9]?")


def _column(body: list[list[object]], j: int) -> list[object]:
    """Cell ``j`` of every row (None where a row is shorter)."""
    if min(map(len, body), default=j + 1) > j:
        return list(map(itemgetter(j), body))
    return [r[j] if j < len(r) else None for r in body]


def _flag_cells(col: list[object]) -> np.ndarray:
    """Per cell: a text that is not number-like, or a whole number 1..99 (a column number);
    each distinct cell (of its own type: ``1``, ``1.0`` and ``True`` apart) tested once."""
    try:
        memo = {k: _flag_cell(k[1]) for k in set(zip(map(type, col), col, strict=True))}
        flags = map(memo.__getitem__, zip(map(type, col), col, strict=True))
    except TypeError:  # an unhashable cell: one by one
        flags = map(_flag_cell, col)
    return np.fromiter(flags, dtype=bool, count=len(col))


def _flag_cell(c: object) -> bool:
    if type(c) is str and _BARE_NUMBER.fullmatch(c):  # number-like; a column number when a whole 1..99
        return _SMALL_WHOLE.fullmatch(c) is not None
    if isinstance(c, str) and c.strip() and not _NUMBERLIKE.match(c):
        return True
    return _numbering_candidate([c])


def _numbering_candidate(cells_: list[object]) -> bool:
    for c in cells_:
        if isinstance(c, str) and c.strip().strip("()").isdecimal():
            c = int(c.strip().strip("()"))
        if isinstance(c, (int, float)) and not isinstance(c, bool) and 0 < c < 100 and float(c).is_integer():
            return True
    return False


def _is_numbering(row: list[object]) -> bool:
    """A column-number row: 1 2 3 ... k (k >= 3), nothing else."""
    vals = []
    for c in row:
        if c is None or (isinstance(c, str) and not c.strip()):
            continue
        try:
            f = float(str(c).strip().strip("()"))
        except ValueError:
            return False
        if not f.is_integer():
            return False
        vals.append(int(f))
    return len(vals) >= 3 and vals == list(range(vals[0], vals[0] + len(vals))) and vals[0] in (0, 1)


def _choose_amounts(cols: Columns, parsed: dict, data: dict, checks: list[dict], rownums: list[int],
                    sheet: str | None) -> tuple[dict[str, int], list[Amount], dict[str, str]]:
    """``anggaran`` / ``anggaran_sebelum`` columns, further stage columns, and why."""
    why: dict[str, str] = {}
    fixed = {k: cols.mapped[k] for k in ("anggaran", "anggaran_sebelum") if k in cols.mapped}
    pool = [a for a in cols.amounts if a.col not in fixed.values()]
    group_level: set[int] = set()
    if len(pool) >= 2 and not fixed:
        cent = {a.col: cents(parsed[a.col][0]) for a in pool}
        context = [data[c].codes for c in _GROUP_CONTEXT if c in data]
        for x in pool:
            for y in pool:
                if x is y or x.col in group_level or y.col in group_level:
                    continue
                (cx, vx), (cy, vy) = cent[x.col], cent[y.col]
                rows = np.flatnonzero(vx & vy)
                ok, res = groups.is_group_total(cx[rows], cy[rows], [c[rows] for c in context])
                if not ok:
                    continue
                group_level.add(x.col)
                sub = [rownums[i] for i in rows.tolist()]
                checks += groups.group_records(x.header, y.header, res, sub, sheet, cx[rows], cy[rows])
                why[f"({x.header})"] = (f"bukan nilai baris: total per kelompok yang diulang di setiap baris "
                                        f"(= jumlah {y.header!r} per kelompok)")
                for z in pool:
                    if z.col not in (x.col, y.col) and z.col not in group_level and \
                            groups.constant_on(cent[z.col][0][rows], res[3]):
                        group_level.add(z.col)
                        why[f"({z.header})"] = f"bukan nilai baris: tetap dalam kelompok yang sama dengan {x.header!r}"
    remaining = [a for a in pool if a.col not in group_level]
    exact = [a for a in remaining if a.exact]
    # a guessed stage column joins the named ones (PAGU MURNI | Setelah Efisiensi); a guessed plain
    # amount only counts when no column is named
    use = exact + [a for a in remaining if not a.exact and a.role != "$single"] if exact else remaining
    use.sort(key=lambda a: a.col)
    out = dict(fixed)
    if "anggaran" not in out and use:
        resolved = resolve_amounts({a.col: a.role for a in use}, {a.col: normalize_header(a.header) for a in use})
        for j, canon in resolved.items():
            out.setdefault(canon, j)
    for canon, j in out.items():
        a = next((a for a in cols.amounts if a.col == j), None)
        if canon in fixed and a is None:
            why[canon] = f"{cols.texts[j]!r} (pemetaan columns=)"
        elif a is not None:
            how = "nama kolom" if a.exact else "kata pada judul kolom dan isinya berupa angka"
            why[canon] = f"{a.header!r} ({how}{', tahap ' + a.stage if a.stage else ''})"
    extras = [a for a in use if a.col not in out.values() and a.role in ("$before", "$after")]
    if "anggaran" in out and "anggaran" not in fixed:
        others = [a.header for a in use if a.role == "$single" and a.col not in out.values()]
        if others:
            why["_ambiguous"] = ", ".join(repr(h) for h in others)
    return out, extras, why


def _names_beside_codes(data: dict, body: list[list[object]], mapped: dict[str, int], cols: Columns,
                        codes_raw: np.ndarray) -> None:
    """A coded row whose name column is empty takes the text written between its code and
    the amounts (blocks of one report that put the name one column off)."""
    name_col = "nama_rekening" if "nama_rekening" in data else ("uraian" if "uraian" in data else None)
    if name_col is None:
        return
    names = data[name_col].values()
    empty = np.flatnonzero((names == "") & (codes_raw != ""))
    if not len(empty):
        return
    lo = mapped["kode_rekening"] + 1
    hi = min((a.col for a in cols.amounts), default=lo + 3)
    changed = False
    for i in empty.tolist():
        row = body[i]
        for j in range(lo, min(hi, len(row))):
            v = row[j]
            if isinstance(v, str) and len(v.strip()) >= 3 and normalize_code(v.strip()) is None:
                names[i] = v.strip()
                changed = True
                break
    if changed:
        data[name_col] = _text_column(list(names))


def _stages(cols: Columns, mapped: dict[str, int], extras: list[Amount], parsed: dict, keep: np.ndarray,
            rownums: list[int]) -> list[dict]:
    """Every stage column: the pair the audit uses, and further stages with their values."""
    out = []
    for canon in ("anggaran_sebelum", "anggaran"):
        if canon in mapped:
            a = next((a for a in cols.amounts if a.col == mapped[canon]), None)
            out.append({"column": cols.texts[mapped[canon]], "tahap": a.stage if a else "", "role": canon})
    rows = np.asarray(rownums, dtype=np.int64)[keep].tolist()
    for a in extras:
        vals = parsed[a.col][0].take(pa.array(keep, type=pa.int64())).to_pylist()
        out.append({"column": a.header, "tahap": a.stage, "role": "tambahan",
                    "values": {str(r): (None if v is None else str(v)) for r, v in zip(rows, vals, strict=True)}})
    return out


def _inherit_text(data: dict, rows: list[int], keep: np.ndarray) -> None:
    """A line whose text cells are merged with the line above takes that line's texts."""
    for name, col in list(data.items()):
        vals = col.values()
        for i in rows:
            if vals[i] == "" and i > 0:
                vals[i] = vals[i - 1]
        data[name] = _text_column(list(vals))


def _total_label_rows(body: list[list[object]], n: int) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    for i, row in enumerate(body):
        for x in row:
            if isinstance(x, str) and x.strip():
                out[i] = bool(_TOTAL_WORDS.match(normalize_header(x)))
                break
    return out


def _is_hierarchical(sheet: Sheet, header_idx: int, col: int, sample: int = 2000) -> bool:
    """True when many codes are parents of other codes (4, 4.1, 4.1.1 ... in one column).

    A flat export (SIPD rekap) lists sub rincian objek only; a printed or penjabaran
    table repeats every level, and adding all its rows would count money twice.
    """
    codes = set()
    for row in sheet.rows[header_idx + 1 : header_idx + 1 + sample]:
        if col < len(row) and isinstance(row[col], str):
            # any dotted numeric code counts, whatever its chart (desa and summary tables too)
            parts = str(row[col]).replace(" ", "").strip(".").split(".")
            if parts and all(p.isdigit() for p in parts):
                codes.add(tuple(int(p) for p in parts))
    if len(codes) < 3:
        return False
    parents = {seg[:k] for seg in codes for k in range(1, len(seg))}
    hit = len(codes & parents)
    return hit >= 3 and hit >= 0.05 * len(codes)


def _is_blank_except_amounts(row: list[object], mapped: dict[str, int]) -> bool:
    amount_cols = {mapped.get("anggaran"), mapped.get("anggaran_sebelum")}
    return all((c is None or str(c).strip() == "") for j, c in enumerate(row) if j not in amount_cols)


def _file_chart(codes) -> str | None:
    charts = [c.chart for c in (normalize_code(x) for x in set(codes) if x) if c]
    if not charts:
        return None
    return CHART_2019 if charts.count(CHART_2019) >= charts.count(CHART_2006) else CHART_2006


READER = TabularReader()
