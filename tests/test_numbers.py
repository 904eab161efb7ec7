from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from efisiensi.read.numbers import AmountError, detect_style, parse_amount, parse_column

D = Decimal


@pytest.mark.parametrize(
    ("cell", "style", "expected"),
    [
        ("1.234.567,00", None, D("1234567.00")),
        ("Rp 1.234.567", "id", D("1234567")),
        ("Rp. 15.000.000,-", None, D("15000000")),
        ("(1.234,00)", None, D("-1234")),
        ("-1.234", "id", D("-1234")),
        ("1,965,699,630", None, D("1965699630")),
        (" 23,308,998,703 ", None, D("23308998703")),
        ("(115,888,860,874.61)", None, D("-115888860874.61")),
        ("2.402,58 M", None, D("2402580000000")),
        ("545.000.000^00", None, D("545000000")),
        ("1\u00a0234\u00a0567", "id", D("1234567")),
        ("7.244.849,01", None, D("7244849.01")),
        ("116600000.00", None, D("116600000")),
        ("0,00", "plain", D("0")),
        (24597416.009999998, None, D("24597416.01")),
        (1700000000, None, D("1700000000")),
    ],
)
def test_formats_seen_in_real_files(cell, style, expected):
    assert parse_amount(cell, style) == expected


@pytest.mark.parametrize("cell", ["#REF!", "#VALUE!", "abc", "1.2.3,4,5", float("nan"), float("-inf"), True])
def test_not_amounts_raise(cell):
    with pytest.raises(AmountError):
        parse_amount(cell, "id")


def test_beyond_int64_is_refused_not_wrapped():
    with pytest.raises(AmountError):
        parse_amount("99999999999999999999999", "plain")


def test_style_is_decided_per_column():
    # "1.234" is one thousand two hundred thirty-four in an Indonesian column
    assert detect_style(["1.234", "2.500.000", "12,5"]) == "id"
    assert detect_style(["1,234", "2,500,000"]) == "us"
    col = parse_column(["1.234", "2.500.000,50", "", "#REF!"])
    assert col.values[:3] == [D("1234"), D("2500000.50"), None]
    assert 3 in col.errors and "REF" in col.errors[3]


def test_ambiguous_dots_are_flagged():
    col = parse_column(["770.322.000.00", "1.000.000,00"])
    assert col.values[0] == D("770322000.00")
    assert 0 in col.ambiguous


@given(st.decimals(min_value=D("-1e15"), max_value=D("1e15"), places=2, allow_nan=False))
def test_round_trip_every_supported_format(value):
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{abs(value):.2f}".partition(".")
    id_text = sign + f"{int(whole):,}".replace(",", ".") + "," + frac
    us_text = sign + f"{int(whole):,}" + "." + frac
    paren = f"({id_text[1:]})" if sign else id_text
    assert parse_amount(id_text, "id") == value
    assert parse_amount(us_text, "us") == value
    assert parse_amount(f"Rp {paren}", "id") == value
    assert parse_amount(f"{abs(value):.2f}", "plain") == abs(value)
