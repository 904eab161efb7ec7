"""General rules only: every pattern of the built-in packs earns its place on the real data.

A pattern stays when it alone decides more than one distinct real text (its footprint, see
``efisiensi.categories._footprint``), or when its rule lists it in ``named_terms`` with the
source of the term (a regulation's own word, a nomenclature sub kegiatan or account name, an
exclusion CATEGORIES.md names). A one-row patch or a dead pattern fails here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import efisiensi as ef
from efisiensi.categories import RuleError, load_pack
from efisiensi.categories._footprint import pattern_footprint
from tests.conftest import REAL, need


@pytest.fixture(scope="module")
def real_footprint() -> pd.DataFrame:
    """Footprints of the default pack (it includes the S-37 pack) on every real file."""
    need(REAL)
    return pattern_footprint(ef.load(REAL, errors="finding"))


def _named(pack) -> set[tuple[str, str]]:
    out = {(r.id, p) for r in pack.rules for p, _ in r.named_terms}
    return out | {(f"scope.{s.name}", p) for s in pack.scopes for p, _ in s.named_terms}


def test_every_pattern_decides_more_than_one_real_text_or_is_a_named_term(real_footprint):
    fp = real_footprint
    pack = load_pack()
    n_patterns = sum(len(r.words) + len(r.mask) + len(r.unless) for r in pack.rules)
    assert len(fp) == n_patterns + sum(len(s.except_names) for s in pack.scopes)
    assert {r.id for r in pack.rules if r.id.startswith("s37-") and r.words} <= set(fp["rule"])
    named = _named(pack)
    unlisted = np.array([(r, p) not in named for r, p in zip(fp["rule"], fp["pattern"], strict=True)])
    weak = fp[(fp["footprint"] <= 1).to_numpy() & unlisted]
    assert weak.empty, "patterns deciding <= 1 real text:\n" + weak[
        ["rule", "list", "pattern", "footprint", "fires"]].to_string()


def test_named_terms_have_a_source_and_are_needed(real_footprint):
    pack = load_pack()
    fp = real_footprint.set_index(["rule", "pattern"])
    entries = [(r.id, p, s) for r in pack.rules for p, s in r.named_terms]
    entries += [(f"scope.{sc.name}", p, s) for sc in pack.scopes for p, s in sc.named_terms]
    assert entries
    for rule, pattern, source in entries:
        assert len(source) > 10, (rule, pattern)
        # a named term that earns its place anyway does not belong on the list
        assert fp.loc[(rule, pattern), "footprint"].max() <= 1, (rule, pattern)


def test_footprint_counts_only_what_a_pattern_alone_decides():
    items = pd.DataFrame({
        "kode_rekening": ["5.1.02.99.99.9999"] * 4 + ["5.2.02.01.01.0001"],
        "uraian": ["Fotocopy materi", "Foto copy laporan", "Foto copy dan jilid", "Honor kader",
                   "Foto copy modal"],  # the last is capital spending: outside the rule's scope
    })
    fp = pattern_footprint(items).set_index(["rule", "list", "pattern"])
    assert fp.loc[("kata-cetak", "words", "foto ?copy"), "footprint"] == 3
    assert fp.loc[("kata-cetak", "words", "foto ?copy"), "fires"] == 3
    assert fp.loc[("kata-honorarium", "words", "honor"), "footprint"] == 1


def test_named_terms_must_be_patterns_of_their_rule():
    bad = {"rule": [{"id": "x", "category": "seremonial", "words": ["kenduri"],
                     "named_terms": {"selamatan": "adat"}}]}
    with pytest.raises(RuleError, match="named_terms"):
        load_pack(extra_rules=bad)
    ok = {"rule": [{"id": "x", "category": "seremonial", "words": ["kenduri"],
                    "named_terms": {"kenduri": "adat setempat"}}]}
    assert load_pack(extra_rules=ok).rule("x").named_terms == (("kenduri", "adat setempat"),)
