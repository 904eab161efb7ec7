"""Cell columns of flat tables: amounts as exact ``decimal128`` arrays, texts factorized.

Shared by the flat-table reader and the checks; vectorised so that a million-row export
reads in seconds.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._money import MONEY_TYPE
from .numbers import parse_column, parse_distinct

ZERO_MONEY = pa.scalar(Decimal("0.00"), type=MONEY_TYPE)


#: Numeric cells below this magnitude are rounded to the sen in numpy (see money_column).
_FAST_LIMIT = 1e12
_BIG_INT = 2**63  # beyond it an int is not even a float: parse_column says it is too large


def money_column(cells: list[object], unit: int | None = None) -> tuple[pa.Array, dict[int, str], dict[int, str]]:
    """An amount column as ``decimal128(20, 2)``, with unreadable and ambiguous cells.

    The same values as :func:`efisiensi.read.numbers.parse_column` cell by cell, but
    numeric cells (what xlsx exports hold) that are a sen amount up to binary-float noise
    (``x * 100`` within 16 ulp of an integer, ``|x| < 10^12``) are rounded in numpy. Every other cell (text, half-sen floats, huge or
    non-finite numbers, booleans) goes through :func:`~efisiensi.read.numbers.parse_distinct`,
    once per distinct cell, with the style decided on the whole column.

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
    types = set(map(type, cells))
    if float in types or int in types:
        isnum = np.fromiter(((type(v) is float or (type(v) is int and -_BIG_INT < v < _BIG_INT)) for v in cells),
                            dtype=bool, count=n)
        num_idx = np.flatnonzero(isnum)
    else:  # a text column (CSV): no numeric cell to round
        num_idx = np.zeros(0, dtype=np.int64)
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
    slow = np.flatnonzero(~fast)
    errors: dict[int, str] = {}
    ambiguous: dict[int, str] = {}
    if not len(slow):
        return _decimal_from_cents(cents, fast), errors, ambiguous
    # every other cell: once per distinct cell, the style decided on the column's texts
    # (only slow cells can be texts)
    slow_cells = cells if len(slow) == n else [cells[i] for i in slow.tolist()]
    d = parse_distinct(slow_cells)
    errors = {int(slow[k]): why for k, why in d.errors().items()}
    ambiguous = {int(slow[k]): txt for k, txt in d.ambiguous().items()}
    cents[slow] = d.cents[d.codes]
    valid = fast
    valid[slow] = d.valid[d.codes]
    huge = {k: v for k, v in d.exact.items() if not d.valid[k]}
    if huge:  # beyond int64 cents: build from Decimal objects (rare)
        vals: list[Decimal | None] = [None] * n
        for i in np.flatnonzero(valid).tolist():
            vals[i] = Decimal(int(cents[i])).scaleb(-2)
        for k in np.flatnonzero(np.isin(d.codes, list(huge))).tolist():
            vals[int(slow[k])] = huge[int(d.codes[k])]
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
    if types and types <= {str, type(None)}:
        out = _dictionary(values)
        if out is not None:
            return out
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


def _dictionary(values: list[object]) -> _Text | None:
    """Texts and empty cells factorized in Arrow (the codes ``pd.factorize`` gives: distinct
    texts in order of first occurrence, every ``None`` one code after them); None when a
    text cannot go to Arrow (a lone surrogate)."""
    try:
        enc = pa.array(values, type=pa.string()).dictionary_encode()
    except (pa.ArrowException, UnicodeError):
        return None
    uniques = enc.dictionary.to_pylist()
    texts = [_text_one(u) for u in uniques]
    indices = enc.indices
    if indices.null_count:
        indices = pc.fill_null(indices, len(texts))
        texts.append("")
    out = np.empty(len(texts), dtype=object)
    out[:] = texts
    return _Text(indices.to_numpy().astype(np.int64), out)
