"""A/B: the columnar reading core gives exactly what the scalar reference gives.

The reference is the general path cell by cell: :func:`parse_amount` and
:func:`is_ambiguous` on every cell, with the style of :func:`detect_style` (what
``parse_column`` did before it was made columnar). The columnar path (``parse_distinct``:
factorized, plain texts read in Arrow) must give the same value, the same unreadable and
ambiguous cells and the same reasons, on every amount cell of every real file and on
generated columns.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from efisiensi._errors import LoadError
from efisiensi.read.cells import _text_column, _text_one, money_column
from efisiensi.read.columns import recognise
from efisiensi.read.grid import read_grids
from efisiensi.read.numbers import (
    AmountError,
    Reason,
    detect_style,
    is_ambiguous,
    parse_amount,
    parse_column,
    parse_distinct,
)
from efisiensi.read.tabular import _NUMBERLIKE, _flag_cells, _numbering_candidate
from tests.conftest import REAL

AMOUNT_NAMES = ("anggaran", "anggaran_sebelum", "harga_satuan", "_tambah", "_kurang", "_selisih", "_pajak",
                "_realisasi")


def reference(cells: list[object], style: str | None = None):
    """The scalar general path, cell by cell (no cache, no fast path)."""
    style = style or detect_style(cells)
    values: list[Decimal | None] = []
    errors: dict[int, Reason] = {}
    ambiguous: dict[int, str] = {}
    for i, cell in enumerate(cells):
        try:
            v = parse_amount(cell, style)
        except AmountError as err:
            values.append(None)
            errors[i] = Reason.of(err)
            continue
        except Exception as err:  # noqa: BLE001 - as parse_column: an odd cell is a finding
            values.append(None)
            errors[i] = Reason.of(AmountError(f"bukan angka: {type(err).__name__}"))
            continue
        values.append(v)
        if is_ambiguous(cell, style):
            ambiguous[i] = str(cell)
    return style, values, errors, ambiguous


def _same_value(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is b
    return a == b and a.as_tuple().exponent == b.as_tuple().exponent


def _reasons(errors: dict) -> dict:
    return {i: (str(r), r.code, tuple(r.candidates)) for i, r in errors.items()}


def assert_same(cells: list[object], style: str | None = None) -> None:
    ref_style, ref_values, ref_errors, ref_ambiguous = reference(cells, style)
    got = parse_column(cells, style)
    assert got.style == ref_style
    bad = [i for i, (a, b) in enumerate(zip(got.values, ref_values, strict=True)) if not _same_value(a, b)]
    assert not bad, [(cells[i], got.values[i], ref_values[i]) for i in bad[:5]]
    assert _reasons(got.errors) == _reasons(ref_errors)
    assert got.ambiguous == ref_ambiguous
    if style is None:  # money_column: numeric cells rounded in numpy, the rest through parse_distinct
        vals, errors, ambiguous = money_column(cells)
        as_py = vals.to_pylist()
        bad = [i for i, (a, b) in enumerate(zip(as_py, ref_values, strict=True)) if a != b]
        assert not bad, [(cells[i], as_py[i], ref_values[i]) for i in bad[:5]]
        assert _reasons(errors) == _reasons(ref_errors)
        assert ambiguous == ref_ambiguous


# ------------------------------------------------------------------ real files


@lru_cache(maxsize=1)
def _real_columns() -> list[tuple[str, int, list[object]]]:
    out = []
    for path in sorted(p for p in REAL.rglob("*") if p.is_file() and p.suffix.lower() in
                       (".csv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods")):
        try:
            sheets = read_grids(path)
        except LoadError:
            continue
        for sheet in sheets:
            cols = recognise(sheet)
            if cols is None:
                continue
            wanted = {a.col for a in cols.amounts} | set(cols.months) | \
                {cols.mapped[k] for k in AMOUNT_NAMES if k in cols.mapped}
            body = sheet.rows[cols.header_idx + 1:]
            for j in sorted(wanted):
                out.append((f"{path.name}:{sheet.name}", j, [r[j] if j < len(r) else None for r in body]))
    return out


def test_every_amount_cell_of_every_real_file_reads_as_the_scalar_path():
    if not REAL.exists():
        pytest.skip(f"{REAL} is absent (../shared sits beside the checkout in CI)")
    columns = _real_columns()
    assert len(columns) >= 50  # the real files hold hundreds of amount columns: the scan found them
    cells = 0
    for where, j, col in columns:
        try:
            assert_same(col)
        except AssertionError as err:
            raise AssertionError(f"{where} column {j}: {err}") from None
        cells += len(col)
    assert cells >= 100_000


# ------------------------------------------------------------------ generated columns

_digits = st.integers(min_value=0, max_value=10**16).map(str)


@st.composite
def _amount_text(draw) -> str:
    whole = draw(st.integers(min_value=0, max_value=10**17))
    sep = draw(st.sampled_from(["", ".", ",", " ", "\u00a0"]))
    text = f"{whole:,}".replace(",", sep) if sep else str(whole)
    mark = draw(st.sampled_from(["", ",", ".", "^"]))
    if mark:
        text += mark + draw(st.text(alphabet="0123456789", min_size=0, max_size=4))
    sign = draw(st.sampled_from(["", "-", "()", "+", "\u2212", "trail"]))
    if sign == "()":
        text = f"({text})"
    elif sign == "trail":
        text += "-"
    else:
        text = sign + text
    text = draw(st.sampled_from(["", "Rp", "Rp.", "Rp ", "IDR ", "rp. "])) + text
    text += draw(st.sampled_from(["", "", ",-", ".-", " M", "jt", " juta", "T", " miliar"]))
    return draw(st.sampled_from(["", " ", "  "])) + text + draw(st.sampled_from(["", " ", "\t"]))


_cell = st.one_of(
    _amount_text(),
    _digits,
    st.sampled_from(["", " ", "-", "\u2013", "1.234", "1,234", "12.50", "1.234,5", "1,234.50", "770.322.000.00",
                     "17 580000.00", "3.000 000", "1 234 567", "#REF!", "#N/A", "0", "00", "-0", "0,00", "1.234-",
                     "\u0661\u0662\u0663", "1.000", "1,000", "999.999.999.999.999", "1.000.000.000.000.000,00",
                     "123456789012345", "1234567890123456", "9" * 19, "abc", "Rp. 15.000.000,-", "2.402,58 M",
                     "545.000.000^00", "(1.234,00)", "1,965,699,630", "0.005", "1,005", "\ud800"]),
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.integers(min_value=-(10**19), max_value=10**19),
    st.booleans(),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-10**6, max_value=10**6),
    st.text(max_size=8),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_cell, max_size=30), st.sampled_from([None, "id", "us", "plain"]))
def test_generated_columns_read_as_the_scalar_path(cells, style):
    assert_same(cells, style)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["1.234", "12.500.000", "1.234,50", "1,234", "1,234.5", "700", "0", "",
                                 "Rp 1.000", "(2.000)", "1 000", None, "7.5"]), max_size=60))
def test_repeated_plain_texts_vote_and_read_as_the_scalar_path(cells):
    # few distinct texts repeated: the style is voted by count, the plain ones take the Arrow path
    assert_same(cells)


def test_the_fast_path_is_taken_and_matches_on_a_large_id_column():
    rng = np.random.default_rng(7)
    wholes = rng.integers(0, 10**12, size=5000)
    cells = [f"{w:,}".replace(",", ".") + ("" if k % 3 else f",{k % 100:02d}") for k, w in enumerate(wholes)]
    d = parse_distinct(cells)
    assert d.style == "id" and not d.exact and d.valid.all()  # all read in Arrow, none by parse_amount
    assert_same(cells)


def test_huge_and_odd_cells_keep_their_exact_decimal():
    cells = ["-0", "1.000.000.000.000.000,00", "999.999.999.999.999.999", "0,001", Decimal("-0.00"), 2**70]
    assert_same(cells)
    # the general path's reading, not one rebuilt from cents
    assert str(parse_column(cells).values[4]) == "-0.00"
    assert parse_column(cells).values[2] == Decimal(10) ** 18 - 1 and sorted(parse_column(cells).errors) == [3, 5]


# ------------------------------------------------------------------ text columns and body rows


def _text_column_reference(values: list[object]):
    """The pandas factorize path (what _text_column did for every column)."""
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    texts = [_text_one(u) for u in uniques]
    if (codes == -1).any():
        codes[codes == -1] = len(texts)
        texts.append("")
    return codes.tolist(), texts


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=6),
                          st.sampled_from(["", " a", "a", "a ", "\x1c", "\u3000x", "\u0085", "A"])), max_size=40))
def test_text_columns_factorize_as_pandas(values):
    got = _text_column(values)
    codes, texts = _text_column_reference(values)
    assert got.codes.tolist() == codes
    assert got.texts.tolist() == texts


def _flag_reference(c: object) -> bool:
    return bool((isinstance(c, str) and c.strip() and not _NUMBERLIKE.match(c)) or _numbering_candidate([c]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=4), st.integers(-5, 200), st.floats(-5, 200),
                          st.booleans(), st.sampled_from(["1", " 3 ", "(4)", "12", "100", "1.000", "JUMLAH",
                                                          "\u00b2", "\u0661", "007", "0", "00", "99", "1.5",
                                                          "12,", "3\n", ",", "5.0"])), max_size=30))
def test_body_row_flags_as_the_per_row_test(col):
    assert _flag_cells(col).tolist() == [_flag_reference(c) for c in col]
