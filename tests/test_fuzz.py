"""Fuzzing the parsers with hypothesis: numbers, account codes, headers, CSV text.

Short in ``make test``; ``HYPOTHESIS_PROFILE=long`` runs 25 times more examples.
Every crash found here became a regression test at the bottom of this file.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from efisiensi import LoadError
from efisiensi.read.codes import AccountCode, normalize_code, split_code_and_name
from efisiensi.read.grid import Sheet, decode_text, parse_csv_text
from efisiensi.read.headers import SYNONYMS, header_score, match_header, normalize_header
from efisiensi.read.numbers import (
    MAX_ABS,
    AmbiguousAmount,
    AmountError,
    detect_style,
    parse_amount,
    parse_column,
)
from efisiensi.read.tabular import find_header

settings.register_profile("ci", deadline=None, database=None, derandomize=True)
settings.register_profile("long", deadline=None, database=None)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)
N = (25 if PROFILE == "long" else 1) * 150

D = Decimal
NUMBERISH = st.text(alphabet="0123456789.,-()Rp M^ \u00a0+eE#!", max_size=30)
ANY_TEXT = st.one_of(NUMBERISH, st.text(max_size=40))
CELLS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
                  st.floats(allow_nan=True, allow_infinity=True), ANY_TEXT,
                  st.decimals(allow_nan=True, allow_infinity=True))


# ------------------------------------------------------------------ numbers


def _check_amount(value):
    assert value is None or (isinstance(value, Decimal) and value.is_finite()
                             and value == value.quantize(D("0.01")) and abs(value) <= MAX_ABS)


def id_text(d: Decimal) -> str:
    """The formatter the parser is checked against: id-ID digits, sen after the comma."""
    whole, sen = f"{abs(d):.2f}".split(".")
    return ("-" if d < 0 else "") + f"{int(whole):,}".replace(",", ".") + "," + sen


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text).strip("0")


AMOUNTS = st.decimals(min_value=-D("1e15"), max_value=D("1e15"), places=2, allow_nan=False)
#: (cell, the amount it must read as, or None for a cell that may be anything)
CASES = st.one_of(st.tuples(CELLS, st.none()), AMOUNTS.map(lambda d: (id_text(d), d)),
                  AMOUNTS.map(lambda d: (float(d), d)).filter(lambda c: abs(c[1]) < 10**12),
                  st.integers(-10**17, 10**17).map(lambda i: (i, D(i))))


@settings(max_examples=N)
@given(CASES, st.sampled_from([None, "id", "us", "plain"]))
@example(("1" * 400, None), None)
@example(("9" * 19 + "M", None), "id")
@example(("1e999999999", None), "plain")
@example(("3.000 000", None), "id")
@example(("1,234", None), "id")
def test_parse_amount_returns_the_amount_or_says_why(case, style):
    """What is accepted is checked for its value: formatted amounts read back exactly (so this
    fails if parse_amount always raises), numbers keep their value, text keeps its digits and
    round-trips through the formatter."""
    cell, expected = case
    if expected is not None:
        use = "id" if isinstance(cell, str) else style
        assert parse_amount(cell, use) == expected
        return
    try:
        value = parse_amount(cell, style)
    except AmountError as err:
        assert str(err) and "\n" not in str(err)
        return
    _check_amount(value)
    if value is None:
        assert cell is None or (isinstance(cell, str) and cell.strip() in ("", "-", "\u2013"))
    elif isinstance(cell, (int, Decimal)) and not isinstance(cell, bool):
        assert value == cell  # never rounded: a finer value is ambiguous
    elif isinstance(cell, float):
        assert abs(float(value) - cell) <= 64 * math.ulp(cell) + 1e-9
    else:
        assert _digits(cell) == _digits(f"{value:f}")  # no digit lost, none invented
        assert parse_amount(id_text(value), "id") == value


@settings(max_examples=N)
@given(st.decimals(min_value=D("0.001"), max_value=D("1e12"), places=3), st.sampled_from(["id", "us"]))
def test_an_amount_finer_than_the_sen_is_never_rounded(d, style):
    if d == d.quantize(D("0.01")):
        return
    whole, frac = f"{d:.3f}".split(".")
    text = (f"{int(whole):,}".replace(",", ".") + "," if style == "id" else f"{int(whole):,}.") + frac
    with pytest.raises(AmbiguousAmount) as err:
        parse_amount(text, style)
    assert d in err.value.candidates
    if int(whole) < 1000:  # "1,234" in an id column also reads as 1234
        assert D(whole + frac) in err.value.candidates


@settings(max_examples=N)
@given(st.integers(min_value=1000, max_value=10**15), st.sampled_from([" ", "\u00a0", "\u202f"]))
def test_spaces_that_group_thousands_read_exactly(n, space):
    text = f"{n:,}".replace(",", space)
    assert parse_amount(text, "id") == n and parse_amount("Rp " + text + ",50", "id") == n + D("0.5")
    odd = text[:-2] + space + text[-2:]  # the last group cut in two: "1 234 5 67"
    try:
        value = parse_amount(odd, "id")
    except AmbiguousAmount as err:
        assert n in err.candidates  # the digits joined are one of the readings
    else:  # one reading only: taken, and said
        assert value == n and list(parse_column([odd], "id").ambiguous) == [0]


@settings(max_examples=N)
@given(st.lists(CELLS, max_size=20), st.sampled_from([None, "id", "us", "plain"]))
def test_parse_column_never_crashes(cells, style):
    col = parse_column(cells, style)
    assert len(col.values) == len(cells) and col.style in ("id", "us", "plain")
    assert set(col.errors) <= set(range(len(cells)))
    for i, v in enumerate(col.values):
        _check_amount(v)
        assert (i in col.errors) <= (v is None)
        if i not in col.errors:  # the column reads each cell as parse_amount does in its style
            assert v == parse_amount(cells[i], col.style)


@settings(max_examples=N)
@given(st.lists(CELLS, max_size=20))
def test_detect_style_is_one_of_three(cells):
    assert detect_style(cells) in ("id", "us", "plain")


GROUPED = st.decimals(min_value=D("1000.01"), max_value=D("1e15"), places=2).filter(lambda d: d % 1 != 0)


@settings(max_examples=N)
@given(st.lists(GROUPED, min_size=1, max_size=10), st.lists(CELLS, max_size=3))
def test_detect_style_reads_grouped_amounts_with_sen(values, noise):
    """A column of amounts with thousands groups and sen is unambiguous, whatever text is beside it."""
    text = [c for c in noise if not isinstance(c, (str, int, float, Decimal)) or isinstance(c, bool)]
    assert detect_style([id_text(v) for v in values] + text) == "id"
    assert detect_style([f"{v:,.2f}" for v in values] + text) == "us"


@settings(max_examples=N)
@given(st.decimals(min_value=-D("1e15"), max_value=D("1e15"), places=2))
def test_every_written_format_reads_back_exactly(d):
    whole, sen = f"{abs(d):.2f}".split(".")
    idn = f"{int(whole):,}".replace(",", ".") + "," + sen
    sign = "-" if d < 0 else ""
    assert parse_amount(sign + idn, "id") == d
    assert parse_amount(f"({idn})" if d < 0 else idn, "id") == d
    assert parse_amount(f"{sign}Rp. {idn}", "id") == d
    assert parse_amount(f"{d:,.2f}", "us") == d
    assert parse_amount(f"{d:.2f}", "plain") == d


# ------------------------------------------------------------------ account codes

CODEISH = st.text(alphabet="0123456789. ", max_size=40)


@settings(max_examples=N)
@given(st.one_of(CODEISH, st.text(max_size=40), st.integers(), st.floats(), st.none()),
       st.sampled_from([None, "90/2019", "13/2006"]))
def test_normalize_code_is_idempotent(text, chart):
    code = normalize_code(text, chart)
    if code is None:
        return
    assert isinstance(code, AccountCode) and code.code[0] in "456"
    assert normalize_code(code.code, code.chart) == code


@settings(max_examples=N)
@given(st.one_of(st.builds(lambda c, n: f"{c} {n}", CODEISH, st.text(max_size=20)), st.text(max_size=40)))
def test_split_code_and_name_never_loses_the_code(text):
    code, rest = split_code_and_name(text)
    assert isinstance(rest, str)
    if code is not None:
        assert normalize_code(code) is not None


# ------------------------------------------------------------------ headers

KNOWN = [n for names in SYNONYMS.values() for n in names]
HEADER_CELL = st.one_of(st.sampled_from(KNOWN + ["PAGU", "Jumlah", "Sebelum", "Sesudah"]),
                        st.text(max_size=15), st.none(), st.integers())


@settings(max_examples=N)
@given(st.one_of(st.text(max_size=40), st.sampled_from(KNOWN), st.none(), st.integers(), st.floats()))
def test_match_header_is_total(text):
    key = normalize_header(text)
    assert normalize_header(key) == key
    m = match_header(text)
    assert m is None or m in SYNONYMS
    if text in KNOWN:  # every synonym names its own column
        assert m == next(canon for canon, names in SYNONYMS.items() if text in names)


@settings(max_examples=N)
@given(st.lists(st.lists(HEADER_CELL, max_size=8), max_size=50))
def test_find_header_on_random_grids(rows):
    sheet = Sheet("x.xlsx", "S", rows, list(range(1, len(rows) + 1)))
    hit = find_header(sheet)
    if hit is not None:
        i, n = hit
        assert 0 <= i < len(rows) and n >= 2
        assert header_score(rows[i])[1]


# ------------------------------------------------------------------ CSV text and bytes

CSV_TEXT = st.text(alphabet=st.sampled_from(list("ab1.,;\t\"\n\r -'") + ["é", "–"]), max_size=200)


@settings(max_examples=N)
@given(st.one_of(CSV_TEXT, st.text(max_size=200)))
@example('"')
@example('"a""b";;"')
@example(';;;;\n,,,,')
def test_parse_csv_text_never_crashes(text):
    try:
        rows, notes = parse_csv_text(text)
    except LoadError as err:
        assert str(err) and "\n" not in str(err)
        return
    assert all(isinstance(r, list) and all(isinstance(c, str) for c in r) for r in rows)
    assert all(isinstance(n, str) for n in notes)
    # what is accepted keeps the text's letters and digits, in order: none lost to a cell, none invented
    def alnum(t: str) -> str:
        return "".join(ch for ch in t if ch.isalnum())

    got, it = alnum("".join(c for r in rows for c in r)), iter(alnum(text))
    assert all(ch in it for ch in got)  # a subsequence of the text


@settings(max_examples=N)
@given(st.binary(max_size=300))
@example(b"\xff\xfe\x00")
@example(b"\x81\x8d\x8f\x90\x9d")
def test_random_bytes_decode_and_parse(data):
    text, encoding = decode_text(data)
    assert isinstance(text, str) and encoding
    try:
        utf8 = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        utf8 = None
    if utf8 is not None and encoding.startswith("utf-8"):
        assert text == utf8  # valid UTF-8 read as UTF-8 is read exactly
    try:
        parse_csv_text(text)
    except LoadError:
        pass


FIELD = st.text(alphabet="abcXYZ019 .", min_size=1, max_size=8).map(str.strip).filter(bool)


@settings(max_examples=N)
@given(st.integers(min_value=2, max_value=6).flatmap(
    lambda w: st.lists(st.lists(FIELD, min_size=w, max_size=w), min_size=1, max_size=12)),
    st.sampled_from([",", ";", "\t"]))
def test_well_formed_csv_round_trips(rows, sep):
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\n").writerows(rows)
    parsed, _ = parse_csv_text(buf.getvalue())
    assert parsed == rows


# ------------------------------------------------------------------ regressions found by fuzzing


@pytest.mark.parametrize("cell", [float("nan"), float("-inf"), D("NaN"), D("-Infinity"), D("sNaN"), "1e400",
                                  True, "(-)", "Rp", "M", ",-", "^", "1" * 400])
def test_regressions_odd_cells_are_amount_errors(cell):
    with pytest.raises(AmountError) as err:
        parse_amount(cell)
    assert str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(("cell", "value"), [("-", None), ("", None), (None, None), ("Rp 0", D("0.00")),
                                             ("1.000", D("1000")), ("(1.000,50)", D("-1000.50"))])
def test_regressions_dash_and_empty_read_as_no_amount(cell, value):
    assert parse_amount(cell, "id") == value
