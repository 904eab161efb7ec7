"""Flat tables with one line item per row: SIPD rekap and rincian exports, Pantau.

The header row is found by its known column names (not assumed to be row 1), columns
are mapped through the synonym table, and rows without an account code are sorted
into sub kegiatan header rows (no amount: skipped, as SIPD writes them), stated total
rows (checked against the sum of the lines) and lines without a code (kept, with a
finding). A flat summary such as a DJPK portal table is recognised and not mistaken
for line items.
"""

from __future__ import annotations

import re
from decimal import Decimal
from operator import itemgetter

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._errors import Finding
from .._format import rupiah
from .._money import MONEY, MONEY_TYPE
from .base import ReadOptions, ReadResult
from .codes import CHART_2006, CHART_2019, normalize_code, split_code_and_name
from .grid import Sheet
from .headers import header_score, match_header, normalize_header, resolve_amounts
from .numbers import detect_style, parse_column

HEADER_SCAN_ROWS = 40
_TOTAL_WORDS = re.compile(r"^\s*(jumlah|total|grand total|sub ?total|jumlah total)\b", re.I)
_LAYOUT_BY_COLUMN = {"uraian": "sipd_rincian", "kelompok": "sipd_rekap"}
ZERO_MONEY = pa.scalar(Decimal("0.00"), type=MONEY_TYPE)


def find_header(sheet: Sheet, user: dict[str, str] | None = None) -> tuple[int, int] | None:
    """Index of the best header row within the first rows and its number of known cells."""
    best: tuple[int, int] | None = None
    for i, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        n, has_amount = header_score(row, user)
        if has_amount and n >= 2 and (best is None or n > best[1]):
            best = (i, n)
    return best


class TabularReader:
    """SIPD-RI rekap (21/23 columns), SIPD rincian (API/RKA) and other flat tables."""

    name = "tabular"

    def sniff(self, sheet: Sheet, options: ReadOptions | None = None) -> float:
        user = options.columns if options else None
        hit = find_header(sheet, user)
        if hit is None:
            return 0.0
        idx, n = hit
        header = [match_header(c, user) for c in sheet.rows[idx]]
        if any(_is_hierarchical(sheet, idx, j) for j in range(min(len(sheet.rows[idx]), 4))):
            return 0.2  # parents and children interleaved: a hierarchical reader must keep the leaves only
        score = 0.4 + min(n, 8) * 0.05
        if "kode_rekening" in header and ("kode_sub_kegiatan" in header or "kode_skpd" in header):
            score += 0.2
        if "nama_kegiatan" in header or "nama_skpd" in header:
            score += 0.05
        return min(score, 0.95)

    def read(self, sheet: Sheet, options: ReadOptions) -> ReadResult:
        hit = find_header(sheet, options.columns)
        findings: list[Finding] = []
        if hit is None:
            return ReadResult(pd.DataFrame(), findings)
        hidx = hit[0]
        header_row = sheet.rows[hidx]
        mapped: dict[str, int] = {}
        roles: dict[int, str] = {}
        names: dict[int, str] = {}
        for j, cell in enumerate(header_row):
            m = match_header(cell, options.columns)
            if m is None:
                continue
            if m.startswith("$"):
                if normalize_header(cell) in names.values():
                    findings.append(Finding("duplicate_column", f"kolom '{cell}' muncul dua kali; yang pertama "
                                            "dipakai", sheet.file, sheet.name, sheet.row_numbers[hidx]))
                    continue
                roles[j], names[j] = m, normalize_header(cell)
            elif m in mapped:
                findings.append(Finding("duplicate_column", f"kolom '{cell}' muncul dua kali; yang pertama dipakai",
                                        sheet.file, sheet.name, sheet.row_numbers[hidx]))
            else:
                mapped[m] = j
        for j, canon in resolve_amounts(roles, names).items():
            mapped.setdefault(canon, j)
        if "anggaran" not in mapped:
            return ReadResult(pd.DataFrame(), findings)
        if {"kode_rekening", "kode_skpd", "nama_skpd"}.isdisjoint(mapped) and "_realisasi" in mapped \
                and "nama_kegiatan" not in mapped:
            findings.append(Finding("not_line_items",
                                    "tabel ringkasan (tanpa kode rekening atau SKPD, mis. portal DJPK), "
                                    "bukan rincian belanja; tidak dimasukkan ke tabel", sheet.file, sheet.name))
            return ReadResult(pd.DataFrame(), findings, {"layout": "ringkasan"})

        body = sheet.rows[hidx + 1 :]
        rownums = sheet.row_numbers[hidx + 1 :]
        width = len(header_row)
        if any(len(r) < width for r in body):
            body = [r + [""] * (width - len(r)) if len(r) < width else r for r in body]
        n = len(body)
        ncols = min((len(r) for r in body), default=width)

        def col(name: str) -> list[object]:
            j = mapped.get(name)
            return list(map(itemgetter(j), body)) if j is not None and j < ncols else [""] * n

        # text columns: each distinct cell is turned into text once (columnar, see _text_column)
        data: dict[str, _Text] = {c: _text_column(col(c)) for c in mapped if not c.startswith("_")
                                  and c not in ("anggaran", "anggaran_sebelum", "harga_satuan")}
        amounts: dict[str, pa.Array] = {}
        bad_rows: dict[int, str] = {}
        guessed: dict[int, list[str]] = {}
        for name in ("anggaran", "anggaran_sebelum", "harga_satuan", "_tambah", "_kurang"):
            if name not in mapped:
                continue
            vals, errors, ambiguous = money_column(col(name), options.unit)
            amounts[name] = vals
            if name in ("anggaran", "anggaran_sebelum"):
                for i, why in errors.items():
                    bad_rows.setdefault(i, f"{header_row[mapped[name]]}: {why}")
                    if getattr(why, "candidates", ()):  # ambiguous: not taken, said with its readings
                        guessed.setdefault(i, [str(c) for c in why.candidates])
                for i, txt in ambiguous.items():
                    findings.append(Finding("ambiguous_amount", f"format angka {txt!r} ambigu; dibaca sebagai "
                                            f"{rupiah(vals[i].as_py())}", sheet.file, sheet.name, rownums[i]))
        empty = _Text(np.zeros(n, dtype=np.int64), np.array([""], dtype=object))
        codes_raw = data.get("kode_rekening", empty).values()
        codes_changed = False
        # a code may sit inside the name column ("5.1.02.01.01.0052 Belanja Mamin Rapat")
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
        distinct_codes = set(codes_raw.tolist()) - {""}
        chart = options.chart or _file_chart(distinct_codes)
        norm = {c: normalize_code(c, chart) for c in distinct_codes}
        if "_spek" in mapped:
            spek = _text_column(col("_spek")).values()
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
        if has_code_column:
            no_code = codes_raw == ""
            unknown = np.array([norm.get(c) is None for c in codes_raw], dtype=bool) & ~no_code \
                if any(v is None for v in norm.values()) else np.zeros(n, dtype=bool)
            special |= money & (no_code | unknown)
        keep_mask = money & ~bad
        stated_totals: list[tuple[int, Decimal]] = []
        for i in np.flatnonzero(special).tolist():
            code = codes_raw[i]
            if bad[i]:
                code_, detail = ("ambiguous_amount", {"kode_rekening": code, "candidates": guessed[i]}) \
                    if i in guessed else ("unreadable_amount", {"kode_rekening": code})
                findings.append(Finding(code_, f"jumlah tidak terbaca ({bad_rows[i]}); baris tidak dihitung",
                                        sheet.file, sheet.name, rownums[i], "error", detail))
                continue
            if not code:
                label = " ".join(str(x) for x in body[i] if isinstance(x, str) and x.strip())
                if _TOTAL_WORDS.match(label) or _is_blank_except_amounts(body[i], mapped):
                    a = anggaran[i].as_py()
                    stated_totals.append((i, a if a is not None else Decimal(0)))
                    keep_mask[i] = False
                    continue
                findings.append(Finding("malformed_code", "baris beranggaran tanpa kode rekening; tetap dihitung",
                                        sheet.file, sheet.name, rownums[i]))
            else:
                findings.append(Finding("malformed_code", f"kode rekening {code!r} tidak dikenal; tetap dihitung",
                                        sheet.file, sheet.name, rownums[i]))
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
            nc = [norm.get(c) for c in kr.texts]
            code_txt = _Text(kr.codes, np.array([c.code if c else "" for c in nc], dtype=object))
            chart_txt = _Text(kr.codes, np.array([c.chart if c else "" for c in nc], dtype=object))
            frame["kode_rekening_asli"] = pd.Series(kr.arrow(keep), dtype="str")
            frame["kode_rekening"] = pd.Series(code_txt.arrow(keep), dtype="str")
            frame["bagan_akun"] = pd.Series(chart_txt.arrow(keep), dtype="str")
        if "tahun" in frame:
            frame["tahun"] = pd.to_numeric(frame["tahun"], errors="coerce").astype("Int64")
        layout = "kegiatan" if not has_code_column else next(
            (v for k, v in _LAYOUT_BY_COLUMN.items() if k in mapped), "sipd_rekap")
        findings += _check_totals(sheet, stated_totals, frame, rownums)
        if {"_tambah", "_kurang", "anggaran_sebelum"} <= amounts.keys():
            findings += _check_arithmetic(sheet, {k: v.to_pylist() for k, v in amounts.items()},
                                          keep.tolist(), rownums)
        return ReadResult(frame, findings, {"layout": layout, "header_row": sheet.row_numbers[hidx]})


#: Numeric cells below this magnitude are rounded to the sen in numpy (see money_column).
_FAST_LIMIT = 1e12
_BIG_INT = 2**63  # beyond it an int is not even a float: parse_column says it is too large


def money_column(cells: list[object], unit: int | None = None) -> tuple[pa.Array, dict[int, str], dict[int, str]]:
    """An amount column as ``decimal128(20, 2)``, with unreadable and ambiguous cells.

    The same values as :func:`efisiensi.read.numbers.parse_column` cell by cell, but
    numeric cells (what xlsx exports hold) that are a sen amount up to binary-float noise
    (``x * 100`` within 16 ulp of an integer, ``|x| < 10^12``) are rounded in numpy. Every other cell (text, half-sen floats, huge or
    non-finite numbers, booleans) goes through :func:`parse_column`, once per
    distinct text, with the style decided on the whole column.

    >>> vals, errors, amb = money_column([1.25, "1.234,50", 24597416.009999998, "", "#REF!", 7, 1.005])
    >>> vals.to_pylist(), sorted(errors), amb
    ([Decimal('1.25'), Decimal('1234.50'), Decimal('24597416.01'), None, None, Decimal('7.00'), None], [4, 6], {})
    >>> errors[6].code  # 1.005 is finer than the sen: not rounded, said
    'ambiguous_amount'
    """
    n = len(cells)
    if unit is not None:
        parsed = parse_column(cells)
        vals = [None if v is None else v * unit for v in parsed.values]
        return pa.array(vals, type=MONEY_TYPE), parsed.errors, parsed.ambiguous
    isnum = np.fromiter(((type(v) is float or (type(v) is int and -_BIG_INT < v < _BIG_INT)) for v in cells),
                        dtype=bool, count=n)
    num_idx = np.flatnonzero(isnum)
    cents = np.zeros(n, dtype=np.int64)
    fast = np.zeros(n, dtype=bool)
    if len(num_idx):
        x = np.array([float(cells[i]) for i in num_idx.tolist()], dtype=np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            ok = np.isfinite(x) & (np.abs(x) < _FAST_LIMIT)
            y = np.where(ok, x, 0.0) * 100.0
            r = np.round(y)
            # only binary-float noise is rounded here; a real fraction of a sen goes to parse_column
            ok &= np.abs(y - r) <= 16 * np.spacing(np.abs(y))
        ints = [i for i in num_idx.tolist() if type(cells[i]) is int]
        if ints:  # an int beyond 2**53 is not exact as a float
            big = np.array([abs(cells[i]) >= _FAST_LIMIT for i in ints], dtype=bool)
            ok[np.searchsorted(num_idx, np.array(ints)[big])] = False
        cents[num_idx[ok]] = r[ok].astype(np.int64)
        fast[num_idx[ok]] = True
    slow_idx = np.flatnonzero(~fast).tolist()
    errors: dict[int, str] = {}
    ambiguous: dict[int, str] = {}
    if slow_idx:
        slow_cells = [cells[i] for i in slow_idx]
        style = detect_style(c for c in cells if isinstance(c, str))
        parsed = parse_column(slow_cells, style)
        errors = {slow_idx[k]: why for k, why in parsed.errors.items()}
        ambiguous = {slow_idx[k]: txt for k, txt in parsed.ambiguous.items()}
        slow_vals = parsed.values
    else:
        slow_vals = []
    valid = fast.copy()
    big: list[tuple[int, Decimal]] = []
    for i, v in zip(slow_idx, slow_vals, strict=True):
        if v is None:
            continue
        c = int(v.scaleb(2))
        if -(2**63) < c < 2**63:
            cents[i] = c
            valid[i] = True
        else:
            big.append((i, v))
    if big:  # beyond int64 cents: build from Decimal objects (rare)
        vals = [None] * n
        for i in np.flatnonzero(valid).tolist():
            vals[i] = Decimal(int(cents[i])).scaleb(-2)
        for i, v in big:
            vals[i] = v
        return pa.array(vals, type=MONEY_TYPE), errors, ambiguous
    return _decimal_from_cents(cents, valid), errors, ambiguous


def _decimal_from_cents(cents: np.ndarray, valid: np.ndarray) -> pa.Array:
    """int64 cents (and a validity mask) as decimal128(20, 2), without Python objects."""
    n = len(cents)
    words = np.empty((n, 2), dtype="<i8")
    words[:, 0] = cents
    words[:, 1] = cents >> 63  # sign extension to 128 bits, little-endian two's complement
    arr = pa.Array.from_buffers(MONEY_TYPE, n, [None, pa.py_buffer(words.tobytes())])
    if valid.all():
        return arr
    return pc.if_else(pa.array(valid), arr, pa.scalar(None, type=MONEY_TYPE))


def _text_one(v: object) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _text(values: list[object]) -> list[str]:
    return [_text_one(v) for v in values]


class _Text:
    """A text column, factorized: ``texts[codes]`` is the cell text of every row."""

    __slots__ = ("codes", "texts")

    def __init__(self, codes: np.ndarray, texts: np.ndarray) -> None:
        self.codes, self.texts = codes, texts

    def values(self) -> np.ndarray:
        return self.texts[self.codes]

    def arrow(self, rows: np.ndarray) -> pa.Array:
        return pa.array(self.texts, type=pa.string()).take(pa.array(self.codes[rows]))


def _text_column(values: list[object]) -> _Text:
    """Cells as text, each distinct cell converted once (what ``_text`` does per cell).

    Cells whose equality could merge values that print differently (``True == 1 ==
    1.0``) take the per-cell path; ``None`` and NaN are placed one by one.

    >>> _text_column([2025.0, " Dinas ", None, 2025.0, 1.5]).values().tolist()
    ['2025', 'Dinas', '', '2025', '1.5']
    """
    types = set(map(type, values))
    if not types <= {str, float, int, type(None)}:
        values = _text(values)
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    texts = [_text_one(u) for u in uniques]
    missing = np.flatnonzero(codes == -1)
    if len(missing):
        if float in types:  # None -> "", NaN -> "nan"
            for i in missing.tolist():
                codes[i] = len(texts)
                texts.append(_text_one(values[i]))
        else:
            codes[missing] = len(texts)
            texts.append("")
    out = np.empty(len(texts), dtype=object)
    out[:] = texts
    return _Text(codes.astype(np.int64, copy=False), out)


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


def _check_totals(sheet: Sheet, stated: list[tuple[int, Decimal]], frame: pd.DataFrame,
                  rownums: list[int]) -> list[Finding]:
    out = []
    if not stated or frame.empty:
        return out
    computed = sum(frame["anggaran"], Decimal("0.00"))
    for i, value in stated:
        if value != computed:
            out.append(Finding("total_mismatch", f"total tertulis {rupiah(value)} berbeda dari jumlah rincian {rupiah(computed)}",
                               sheet.file, sheet.name, rownums[i], "error",
                               {"stated": str(value), "computed": str(computed)}))
    return out


def _check_arithmetic(sheet: Sheet, amounts: dict, keep: list[int], rownums: list[int]) -> list[Finding]:
    """pagu + tambah - kurang = hasil, where a source states all four (Pantau)."""
    if not {"_tambah", "_kurang", "anggaran_sebelum"} <= amounts.keys():
        return []
    out = []
    a, b, t, k = (amounts[x] for x in ("anggaran", "anggaran_sebelum", "_tambah", "_kurang"))
    for i in keep:
        if None in (a[i], b[i], t[i], k[i]):
            continue
        expected = b[i] + t[i] - k[i]
        diff = a[i] - expected
        if diff:
            # a one-rupiah gap is a rounding artefact of the source; still shown, at lower severity
            rounding = abs(diff) <= 1
            out.append(Finding("row_arithmetic",
                               f"pagu + tambah - kurang = {rupiah(expected)} tetapi hasil tertulis {rupiah(a[i])}"
                               + (" (selisih pembulatan)" if rounding else ""),
                               sheet.file, sheet.name, rownums[i], "info" if rounding else "warning",
                               {"expected": str(expected), "stated": str(a[i]), "difference": str(diff)}))
    return out


READER = TabularReader()
