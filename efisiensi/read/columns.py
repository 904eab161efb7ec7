"""Which column of a flat table is what: by the words of its header, then by its content.

The header row is the row (within the first :data:`HEADER_SCAN_ROWS`, under any title
block) with the most recognised cells; a header merged over two rows is read as one
(``Anggaran`` over ``Sebelum | Sesudah``). A header cell is recognised by the synonym
table (:mod:`.headers`), else by its words (pagu, nilai, anggaran, jumlah, total, rp,
sebelum/sesudah/setelah, murni/perubahan ...), letter-spaced or not. Amount columns found
by words must hold money-like values; a column of account codes is found by its content
when no header names it, and the names beside it. Every choice is explained in
:attr:`Columns.why` (shown in the load summary).
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from functools import lru_cache

from .codes import normalize_code
from .grid import Sheet
from .headers import (
    guess_key,
    match_key,
    month_key,
    month_of,
    normalize_header,
    stage_of,
    user_keys,
)

HEADER_SCAN_ROWS = 40
_SAMPLE = 400


@dataclass
class Amount:
    """An amount column that could hold the line amount (or a stage of it)."""

    col: int
    header: str
    role: str  # "$before", "$after" or "$single"
    exact: bool  # named by the synonym table (or the user), not guessed from words
    stage: str = ""


@dataclass
class Columns:
    header_idx: int  # index in sheet.rows of the last header row
    texts: list[str]  # header text per column (two rows joined when merged)
    mapped: dict[str, int] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)
    amounts: list[Amount] = field(default_factory=list)
    months: dict[int, int] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)


def _cell_match(cell: object, user: dict[str, str] | None) -> tuple[str | None, bool]:
    """What a header cell names and whether by spelling (``exact``) rather than by words."""
    key = normalize_header(cell)
    if not key:
        return None, False
    if user:
        mine = user_keys(user)
        if key in mine:
            return mine[key], True
    return _key_match(key)


@lru_cache(maxsize=1 << 16)
def _key_match(key: str) -> tuple[str | None, bool]:
    m = match_key(key)
    if m is not None:
        return m, True
    g = guess_key(key)
    if g is not None:
        return g, False
    if month_key(key):
        return "_month", False
    return None, False


def _skipped(c: object) -> bool:
    """A cell that is never a header: empty or a number."""
    return c is None or c == "" or isinstance(c, (int, float))


def _score(cells: list[object], user: dict[str, str] | None) -> tuple[int, bool]:
    n, has_amount = 0, False
    for c in cells:
        if _skipped(c):
            continue
        m, _ = _cell_match(c, user)
        if m:
            n += 1
            has_amount = has_amount or m.startswith("$") or m in ("anggaran", "anggaran_sebelum")
    return n, has_amount


_NUMBERLIKE = re.compile(r"^[\d.,\s()+-]+$")


def _is_text_row(row: list[object]) -> bool:
    cells = [c for c in row if c is not None and str(c).strip()]
    return bool(cells) and not any(isinstance(c, (int, float)) or _NUMBERLIKE.match(str(c)) for c in cells)


def _joined(top: list[object], below: list[object]) -> list[str]:
    """Two header rows as one: a label merged across columns is carried to the right."""
    width = max(len(top), len(below))
    out, carry = [], ""
    for j in range(width):
        t = str(top[j]).strip() if j < len(top) and top[j] is not None else ""
        b = str(below[j]).strip() if j < len(below) and below[j] is not None else ""
        if t:
            carry = t
        elif not b:
            carry = ""
        out.append(f"{t or carry} {b}".strip() if b else t)
    return out


#: the last header found: (sheet, user mapping, the rows it was found in, the answer); every
#: reader sniffing a sheet, then the one reading it, asks for the same header
_LAST: list[tuple] = []


def find(sheet: Sheet, user: dict[str, str] | None = None) -> tuple[int, int, list[str]] | None:
    """The header: index of its last row, number of recognised cells, text per column."""
    rows = sheet.rows[:HEADER_SCAN_ROWS]
    key = tuple(user.items()) if user else ()
    if _LAST:
        ref, was_key, was_rows, hit = _LAST[0]
        if ref() is sheet and was_key == key and was_rows == rows:
            return None if hit is None else (hit[0], hit[1], list(hit[2]))
    hit = _find(rows, user)
    _LAST[:] = [(weakref.ref(sheet), key, [list(r) for r in rows], hit)]
    return None if hit is None else (hit[0], hit[1], list(hit[2]))


def _find(rows: list[list[object]], user: dict[str, str] | None) -> tuple[int, int, list[str]] | None:
    best: tuple[int, int, list[str]] | None = None
    # a row scores at most its text cells (joined with the next row: both rows' text cells),
    # and only a higher score replaces the best: rows that cannot win are not scored
    room = [sum(1 for c in row if not _skipped(c)) for row in rows] + [0]
    for i, row in enumerate(rows):
        if best is not None and room[i] <= best[1]:
            if room[i] + room[i + 1] <= best[1] or not (_is_text_row(row) and _is_text_row(rows[i + 1])):
                continue
        n, has_amount = _score(row, user)
        cand = []
        if has_amount and n >= 2:
            cand.append((n, i, [str(c).strip() if c is not None else "" for c in row]))
        if i + 1 < len(rows) and _is_text_row(rows[i + 1]) and _is_text_row(row):
            joined = _joined(row, rows[i + 1])
            n2, has2 = _score(joined, user)
            if has2 and n2 >= 2 and n2 > n:
                cand.append((n2, i + 1, joined))
        for n_, idx, texts in cand:
            if best is None or n_ > best[1]:
                best = (idx, n_, texts)
    return best


def _numeric_share(sheet: Sheet, start: int, col: int) -> float:
    from .numbers import parse_amount

    seen = num = 0
    for row in sheet.rows[start : start + _SAMPLE]:
        if col >= len(row):
            continue
        v = row[col]
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        seen += 1
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            num += 1
        elif isinstance(v, str):
            try:
                num += parse_amount(v) is not None
            except Exception:  # noqa: BLE001 - any unreadable text is simply not money
                pass
    return num / seen if seen else 0.0


def _code_share(sheet: Sheet, start: int, col: int) -> float:
    seen = hit = 0
    for row in sheet.rows[start : start + _SAMPLE]:
        if col >= len(row) or not isinstance(row[col], str) or not row[col].strip():
            continue
        seen += 1
        c = normalize_code(row[col].strip())
        hit += c is not None and len(c.segments) >= 4 and "." in row[col]
    return hit / seen if seen >= 3 else 0.0


def _text_share(sheet: Sheet, start: int, col: int) -> float:
    seen = hit = 0
    for row in sheet.rows[start : start + _SAMPLE]:
        if col >= len(row) or row[col] is None or not str(row[col]).strip():
            continue
        seen += 1
        v = row[col]
        hit += isinstance(v, str) and len(v.strip()) >= 8 and normalize_code(v.strip()) is None
    return hit / seen if seen >= 3 else 0.0


def recognise(sheet: Sheet, user: dict[str, str] | None = None) -> Columns | None:
    """The columns of a sheet, or ``None`` when it has no header with an amount."""
    hit = find(sheet, user)
    if hit is None:
        return None
    idx, _, texts = hit
    cols = Columns(idx, texts)
    seen_amount_names: set[str] = set()
    for j, cell in enumerate(texts):
        m, exact = _cell_match(cell, user)
        if m is None:
            continue
        if m == "_month":
            cols.months.setdefault(month_of(cell), j)
            continue
        if m.startswith("$"):
            key = normalize_header(cell)
            if key in seen_amount_names:
                cols.duplicates.append(cell)
                continue
            if not exact and _numeric_share(sheet, idx + 1, j) < 0.5:
                continue  # words of an amount but no money below: not an amount column
            seen_amount_names.add(key)
            cols.roles[j] = m
            cols.amounts.append(Amount(j, cell, m, exact, stage_of(cell)))
        elif m in cols.mapped:
            cols.duplicates.append(cell)
        else:
            cols.mapped[m] = j
            cols.why[m] = f"{cell!r} (nama kolom)"
    taken = set(cols.mapped.values()) | set(cols.roles)
    width = max((len(r) for r in sheet.rows[idx + 1 : idx + 1 + _SAMPLE]), default=len(texts))
    if "kode_rekening" not in cols.mapped:
        shares = [(_code_share(sheet, idx + 1, j), j) for j in range(width) if j not in taken]
        share, j = max(shares, default=(0.0, -1))
        if share >= 0.5:
            cols.mapped["kode_rekening"] = j
            cols.why["kode_rekening"] = f"kolom {j + 1} (isinya kode rekening, {share:.0%} sel)"
            taken.add(j)
            if "nama_rekening" not in cols.mapped and "uraian" not in cols.mapped:
                for k in range(j + 1, min(width, j + 4)):
                    if k in taken:
                        break
                    if _text_share(sheet, idx + 1, k) >= 0.7:
                        cols.mapped["nama_rekening"] = k
                        cols.why["nama_rekening"] = f"kolom {k + 1} (teks di samping kode rekening)"
                        break
    return cols
