"""The columnar fast paths give exactly what the per-cell code gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from efisiensi._schema import LineItems, _schema
from efisiensi.read.numbers import parse_column
from efisiensi.read.tabular import _text, _text_column, money_column

cells = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.floats(min_value=-1e13, max_value=1e13).map(lambda x: round(x, 3)),
    st.integers(min_value=-(10**19), max_value=10**19),
    st.decimals(min_value=-10**9, max_value=10**9, places=3).map(lambda d: float(d) + 0.005),
    st.sampled_from(["", "-", "1.234.567,89", "1,965,699,630", "#REF!", "Rp. 15.000,-", "770.322.000.00",
                     "(1.234,00)", "abc", None, True]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(cells, max_size=40))
def test_money_column_equals_parse_column(values):
    arr, errors, ambiguous = money_column(values)
    ref = parse_column(values)
    assert arr.to_pylist() == ref.values
    assert errors == ref.errors
    assert ambiguous == ref.ambiguous


def test_half_sen_and_float_noise_round_like_the_decimal_text():
    vals = [1.005, 2.675, 0.125, 24597416.009999998, 7244849.01, -0.005, 999999999999.995]
    assert money_column(vals)[0].to_pylist() == parse_column(vals).values


@given(st.lists(st.one_of(st.text(max_size=5), st.floats(), st.integers(-3, 3), st.none(), st.booleans()),
                max_size=30))
def test_text_column_equals_text(values):
    assert _text_column(values).values().tolist() == _text(values)


def test_hand_built_schema_equals_the_model():
    a, b = _schema(), LineItems.to_schema()
    assert list(a.columns) == list(b.columns)
    assert (a.strict, a.ordered) == (b.strict, b.ordered)
    for name in a.columns:
        x, y = a.columns[name], b.columns[name]
        assert str(x.dtype) == str(y.dtype), name
        assert (x.nullable, x.coerce, x.unique, x.required) == (y.nullable, y.coerce, y.unique, y.required), name
        assert [str(c) for c in x.checks] == [str(c) for c in y.checks], name
        assert [c.statistics for c in x.checks] == [c.statistics for c in y.checks], name


def test_unit_multiplies_like_before():
    arr, errors, _ = money_column([1.5, "2,5", "x"], unit=1000)
    assert arr.to_pylist()[:2] == [v * 1000 for v in parse_column([1.5, "2,5", "x"]).values[:2]]
    assert sorted(errors) == [2]


# ------------------------------------------------------------------ the audit's hot paths

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.text(max_size=8),
              st.floats(allow_nan=False, allow_infinity=False)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=20)


@given(json_values, st.sampled_from([2, 4]))
def test_json_writer_equals_json_dumps(doc, indent):
    import json

    from efisiensi.compliance._jsonout import dumps

    assert dumps(doc, indent=indent) == json.dumps(doc, indent=indent, ensure_ascii=False)


keys = st.sampled_from(["", "a", "b", "1.02", "Dinas Ä"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(keys, keys, st.integers(-10**6, 10**6), st.booleans(), st.one_of(st.none(), keys)),
                max_size=40))
def test_line_aggregation_equals_a_per_group_join(rows):
    """aggregate_lines joins provenance without a Python call per group; same result as
    the per-group ``"; ".join`` it replaced (order of first appearance, row order inside)."""
    from decimal import Decimal

    import pandas as pd

    from efisiensi._money import MONEY
    from efisiensi.compliance._compare import LINE_KEY, aggregate_lines

    n = len(rows)
    t = pd.DataFrame({c: pd.Series([""] * n, dtype="str") for c in LINE_KEY})
    t["kode_skpd"] = pd.Series([r[0] for r in rows], dtype="str")
    t["uraian"] = pd.Series([r[1] for r in rows], dtype="str")
    t["anggaran"] = pd.Series([Decimal(r[2]) / 100 for r in rows], dtype=MONEY)
    t["_src"] = pd.Series([f"f.xlsx:{i + 2}" for i in range(n)], dtype="str")
    t["rapat"] = [r[3] for r in rows]
    t["kategori_alasan"] = pd.Series([r[4] for r in rows], dtype="str")
    got = aggregate_lines(t, ["rapat"])
    ref = t.groupby(LINE_KEY, sort=False, dropna=False).agg(
        {"anggaran": "sum", "_src": lambda s: "; ".join(s), "rapat": "max", "kategori_alasan": "first"}).reset_index()
    assert list(got.columns) == list(ref.columns)
    for c in ref.columns:
        assert got[c].tolist() == ref[c].tolist(), c
