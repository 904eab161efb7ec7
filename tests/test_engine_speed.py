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


words = st.lists(st.sampled_from(["rapat", "honor", "perjalanan dinas", "dinas", "x", "rapat koordinasi", ""]),
                 max_size=4).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(words, min_size=1, max_size=30))
def test_words_hit_equals_one_capture_over_every_value(texts):
    """The rule matcher runs a plain match first and captures only where it hit: the
    same hits and matched words as one capture over every value, with the veto."""
    import numpy as np
    import pyarrow.compute as pc

    from efisiensi.categories._engine import _Distinct, _words_hit
    from efisiensi.categories._rules import words_regex

    d = _Distinct(np.zeros(0, dtype=np.intp), {"uraian": np.arange(len(texts))},
                  {"uraian": np.asarray(texts, dtype=object)})
    rule, unless = ("rapat", "perjalanan dinas", "honor"), ("koordinasi",)
    hit, got = _words_hit(d, "uraian", rule, (), unless)
    text = d.normalized("uraian")
    found = pc.extract_regex(text, pattern="(?P<m>" + words_regex(rule) + ")")
    want_hit = np.asarray(found.is_valid()) & ~np.asarray(
        pc.match_substring_regex(text, pattern=words_regex(unless)).to_numpy(zero_copy_only=False), dtype=bool)
    want = pc.struct_field(found, [0]).fill_null("").to_pylist()
    assert hit.tolist() == want_hit.tolist()
    assert [w for w, h in zip(got, hit, strict=True) if h] == [w for w, h in zip(want, want_hit, strict=True) if h]


def test_batches_are_even_and_share_small_folders(tmp_path):
    """Map tasks: at most BATCH_FILES files, at least MIN_TASKS tasks for a folder of
    small files, sizes differing by at most one (the workers finish together)."""
    from efisiensi.compliance import _distributed
    from efisiensi.compliance._engine import context

    ctx = context()
    for n, tasks in ((3, 3), (40, 8), (100, 8), (300, 10), (2000, 63)):
        folder = tmp_path / str(n)
        folder.mkdir()
        for i in range(n):
            (folder / f"f{i:04d}.csv").write_text("a\n")
        sizes = [len(j["files"]) for j in _distributed.plan(folder, ctx, None)]
        assert len(sizes) == tasks and sum(sizes) == n, (n, sizes)
        assert max(sizes) <= _distributed.BATCH_FILES and max(sizes) - min(sizes) <= 1, sizes


def test_json_records_equal_pandas_records():
    """The JSON view converts a column at a time; the same records as ``to_dict``."""
    from decimal import Decimal

    from efisiensi._money import MONEY
    from efisiensi.compliance._result import _records

    frame = pd.DataFrame({
        "s": pd.Series(["a", None, "c"], dtype="str"), "m": pd.Series([Decimal("1.50"), None, Decimal("0.00")],
                                                                       dtype=MONEY),
        "i": pd.array([1, None, 3], dtype="Int64"), "f": pd.array([0.5, None, -16.6], dtype="Float64"),
        "b": [True, False, True], "o": [None, 2, "x"], "n": [1, 2, 3], "x": [0.1, float("nan"), 2.0]})
    got, want = _records(frame), frame.to_dict("records")
    assert len(got) == len(want) == 3
    for g, w in zip(got, want, strict=True):
        assert list(g) == list(w)
        for k in w:
            assert (g[k] is w[k]) or (g[k] == w[k] and type(g[k]) is type(w[k])) or (w[k] != w[k] and g[k] != g[k]), \
                (k, g[k], w[k])
    assert _records(frame.iloc[:0]) == []
