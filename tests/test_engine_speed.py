"""The audit's hot paths give what the plain code they replaced gives (issue 12).

Each fast path is checked against the straightforward computation on generated data
full of the spelling noise the keys must absorb (case, NBSP, zero-width, leading zeros).
"""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from efisiensi.compliance._compare import LINE_KEY, key_codes, key_column, line_keys, provenance

#: a few spellings of a few values, so rows often share a key only after normalization
names = st.sampled_from(["A", "a", " a", "a\u00a0", "a\u200b", "a  b", "A\tB", "b", "ß", "SS", "ss", ""])
codes = st.sampled_from(["1.02", "1.2", " 1 . 02", "1.02\u200b", "1.02.0", "X.01", "x.01", ""])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(codes, names, codes, names), max_size=40))
def test_key_codes_group_as_the_key_columns(rows):
    """One integer per row, equal exactly where every key column (:func:`key_column`)
    is equal, numbered in the order of first appearance: the grouping of the lines."""
    n = len(rows)
    t = pd.DataFrame({c: pd.Series([""] * n, dtype="str") for c in LINE_KEY})
    for j, c in enumerate(("kode_skpd", "nama_sub_kegiatan", "kode_rekening", "uraian")):
        t[c] = pd.Series([r[j] for r in rows], dtype="str")
    got = key_codes(t, LINE_KEY)
    keys = line_keys(t)
    want = pd.factorize(pd.Series(list(keys.itertuples(index=False, name=None)), dtype=object))[0]
    assert got.tolist() == want.tolist()


def test_key_column_once_per_distinct_value_and_same_values():
    t = pd.DataFrame({"kode_skpd": pd.Series(["1.02.0.00", " 1 . 2 .0.0\u200b", "X.01", "1.02.0.00"] * 3,
                                             dtype="str")})
    got = key_column(t, "kode_skpd")
    assert got.tolist() == ["1.2.0.0", "1.2.0.0", "x.01", "1.2.0.0"] * 3
    assert got.index.equals(t.index)


def test_provenance_names_the_file_sheet_and_row():
    t = pd.DataFrame({"sumber_file": pd.Series(["C:\\data\\a.xlsx", "/x/b.csv"], dtype="str"),
                      "sumber_sheet": pd.Series(["S1", ""], dtype="str"),
                      "sumber_baris": pd.array([7, 12], dtype="Int64")})
    assert provenance(t).tolist() == ["a.xlsx:S1:7", "b.csv:12"]
