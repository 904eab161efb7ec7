"""The exhaustive reading decisions as they were before they were made fast (issue 12).

Kept as the reference of the A/B tests in ``test_read_ab.py``: header matching without
any cache (every user mapping normalised again, every cell matched again), the header
scan that scores every row, the DPPA row sort and sniff that rebuild the texts of a row
in each test, the penjabaran sniff that reads 500 rows before looking for the layout,
and ``conform`` as Series operations. Not used by the package.
"""

from __future__ import annotations

import pandas as pd

from efisiensi._money import MONEY
from efisiensi._schema import LINE_ITEM_COLUMNS, MONEY_COLUMNS
from efisiensi.read import columns as C
from efisiensi.read import dppa as D
from efisiensi.read import dppa_layout as L
from efisiensi.read.codes import normalize_code
from efisiensi.read.headers import (
    _AFTER_WORDS,
    _BEFORE_WORDS,
    _LOOKUP,
    _MONTH_ALIASES,
    _MONTHS,
    _NOT_AMOUNT,
    _WEAK_AFTER_WORDS,
    AMOUNT_ROLES,
    AMOUNT_WORDS,
    normalize_header,
)

# ------------------------------------------------------------------ headers


def match_header(text, user=None):
    key = normalize_header(text)
    if not key:
        return None
    if user:
        for src, dst in user.items():
            if normalize_header(src) == key:
                return dst
    if key in _LOOKUP:
        return _LOOKUP[key]
    for role in ("after", "before", "single"):
        if key in AMOUNT_ROLES[role] and not (role == "before" and key == "pagu"):
            return f"${role}"
    return None


def month_of(text):
    key = normalize_header(text)
    toks = key.split()
    if len(toks) == 2 and toks[0] == "bulan" and toks[1].isdigit() and 1 <= int(toks[1]) <= 12:
        return int(toks[1])
    if len(toks) == 1:
        if key in _MONTHS:
            return _MONTHS.index(key) + 1
        return _MONTH_ALIASES.get(key)
    return None


def guess_amount(text):
    toks = set(normalize_header(text).split())
    if not toks or toks & _NOT_AMOUNT or month_of(text):
        return None
    if toks & _BEFORE_WORDS:
        return "$before"
    if toks & _AFTER_WORDS or (toks & _WEAK_AFTER_WORDS and toks & AMOUNT_WORDS):
        return "$after"
    if "efisiensi" in toks:
        return None
    if toks & AMOUNT_WORDS:
        return "$single"
    return None


def cell_match(cell, user):
    m = match_header(cell, user)
    if m is not None:
        return m, True
    g = guess_amount(cell)
    if g is not None:
        return g, False
    if month_of(cell):
        return "_month", False
    return None, False


def _score(cells, user):
    n, has_amount = 0, False
    for c in cells:
        if c is None or c == "" or isinstance(c, (int, float)):
            continue
        m, _ = cell_match(c, user)
        if m:
            n += 1
            has_amount = has_amount or m.startswith("$") or m in ("anggaran", "anggaran_sebelum")
    return n, has_amount


def find(sheet, user=None):
    """Every one of the first rows scored, alone and joined with the next."""
    best = None
    rows = sheet.rows[:C.HEADER_SCAN_ROWS]
    for i, row in enumerate(rows):
        n, has_amount = _score(row, user)
        cand = []
        if has_amount and n >= 2:
            cand.append((n, i, [str(c).strip() if c is not None else "" for c in row]))
        if i + 1 < len(rows) and C._is_text_row(rows[i + 1]) and C._is_text_row(row):
            joined = C._joined(row, rows[i + 1])
            n2, has2 = _score(joined, user)
            if has2 and n2 >= 2 and n2 > n:
                cand.append((n2, i + 1, joined))
        for n_, idx, texts in cand:
            if best is None or n_ > best[1]:
                best = (idx, n_, texts)
    return best


# ------------------------------------------------------------------ DPPA


def texts(row):
    return [t for t in (L.cell_text(c) for c in row) if t]


def is_header_start(row):
    norm = {normalize_header(L.cell_text(c)) for c in row}
    return bool(norm & L._KODE) and "uraian" in norm


def classify(sheet):
    """The row sort, each test taking the texts of its row afresh."""
    events = []
    rows, state, hm, i = sheet.rows, "top", None, 0
    while i < len(rows):
        row = rows[i]
        if is_header_start(row) and (found := L.read_header(rows, i)) is not None:
            hm, state = found, "table"
            events.append(("header", i, hm))
            i += found.rows
            continue
        if (item := L.preamble_item(row)) is not None:
            events.append(("preamble", i, item))
            state = "preamble"
        elif (year := L.year_in(row)) is not None and not (state == "table" and D._is_line(row, hm, texts(row))):
            events.append(("preamble", i, ("tahun", str(year))))
        elif state == "end" and hm is not None and D._is_total(row, hm, texts(row)):
            events.append(("total", i, hm))
        elif state == "table" and hm is not None and texts(row):
            if L.is_end_of_table(row):
                state = "end"
            elif L.is_header_words(row) or L.is_column_numbers(row):
                pass
            elif D._is_total(row, hm, texts(row)):
                events.append(("total", i, hm))
                state = "end"
            else:
                events.append(("data", i, hm))
        i += 1
    return events


def sniff_score(sheet, limit=400):
    rows = sheet.rows[:limit]
    if rows:
        first = {normalize_header(t) for t in texts(rows[0])}
        if {"tahun", "pagu"} <= first and first & {"kode skpd", "kode urusan", "kode sub unit"}:
            return 0.05
    hm, start = None, 0
    for i, row in enumerate(rows):
        if is_header_start(row):
            hm, start = L.read_header(rows, i), i + 1
            break
    quantities = hm is not None and bool({"koefisien", "satuan", "harga"} & set(hm.after))
    marks = preamble = title = False
    for row in rows:
        t = texts(row)
        if not t:
            continue
        marks = marks or any(L.marker(x) or L.spec_text(x) is not None for x in t[:3])
        item = L.preamble_item(row)
        preamble = preamble or (item is not None and item[0] in ("sub_kegiatan", "skpd"))
        title = title or bool(L._TITLE.search(" ".join(t)))
    levels = set()
    for row in rows[start:] if hm is not None else []:
        code = normalize_code(L.cell_text(L._cell(row, hm.kode)))
        if code is not None:
            levels.add(code.code.count(".") + 1)
    score = (0.3 * (hm is not None) + 0.25 * quantities + 0.2 * marks + 0.1 * preamble
             + 0.1 * title + 0.05 * (len(levels) >= 3) + 0.05 * (quantities and bool(hm.before)))
    if hm is None or not (quantities or marks or preamble):
        return round(min(score, 0.2), 2)
    return round(min(score, 1.0), 2)


# ------------------------------------------------------------------ penjabaran


def penjabaran_sniff(reader, sheet):
    """500 rows made text first, then the layout looked for."""
    from efisiensi.read import penjabaran as P

    rows, _ = reader._rows(sheet, 500)
    lay = P.find_layout(rows)
    if lay is None:
        return 0.0
    codes = [P.parse_old_code(r[lay.code]) for r in rows[lay.header + 1: lay.header + 400]
             if len(r) > lay.code and P.is_code_like(r[lay.code])]
    prefixed = sum(1 for c in codes if P._prefixed(c))
    if len(lay.meta) >= 2 and codes and prefixed >= 0.3 * len(codes):
        return 0.9
    return 0.3 if lay.meta else 0.2


# ------------------------------------------------------------------ schema


def conform(frame):
    n = len(frame)
    out = {}
    for col in LINE_ITEM_COLUMNS:
        if col in MONEY_COLUMNS:
            s = frame[col] if col in frame else pd.Series([None] * n, index=frame.index)
            out[col] = s.astype(MONEY) if s.dtype != MONEY else s
        elif col in ("sumber_baris", "tahun"):
            s = frame[col] if col in frame else pd.Series([None] * n, index=frame.index)
            out[col] = s.astype("Int64")
        else:
            s = frame[col] if col in frame else pd.Series([""] * n, index=frame.index)
            out[col] = s.fillna("").astype(str)
    return pd.DataFrame(out, index=frame.index).reset_index(drop=True)
