"""How much each pattern of a rule pack does on a table: its footprint.

A pattern's footprint is the number of distinct normalised texts on which it, and no other
pattern of the same list of the same rule, decides the outcome, counted on the rows inside
the rule's scope:

* a ``words`` pattern: the texts it matches (after ``mask``, not vetoed by ``unless``) that
  no other word of the rule matches;
* a ``mask`` pattern: the texts the rule's words would match without it and do not match
  with it (the other masks applied either way);
* an ``unless`` pattern: the texts the rule's words match that it alone vetoes;
* a scope's ``except_names`` pattern: the account names inside the scope's codes it alone
  removes.

A footprint of 0 is a dead or redundant pattern; 1 is a pattern that decides one text only
(a patch for one row, unless it is a named term). ``pattern_footprint`` reports the
footprint and up to three example texts per pattern.

>>> import pandas as pd
>>> items = pd.DataFrame({"kode_rekening": ["5.1.02.99.99.9999"] * 3,
...                       "uraian": ["Fotocopy dokumen", "Foto copy laporan", "Cetak spanduk"]})
>>> fp = pattern_footprint(items).set_index(["rule", "list", "pattern"])
>>> int(fp.loc[("kata-cetak", "words", "foto ?copy"), "footprint"])
2
>>> int(fp.loc[("kata-cetak", "words", "pencetakan"), "footprint"])  # in none of these texts
0
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from efisiensi.categories._engine import Engine, _accounts_matching, distinct
from efisiensi.categories._load import PackSource, load_pack
from efisiensi.categories._rules import RulePack, words_regex

_COLUMNS = ["rule", "category", "list", "pattern", "footprint", "fires", "examples"]


def _match(text: pa.Array, patterns: Iterable[str]) -> np.ndarray:
    pats = list(patterns)
    if not pats or len(text) == 0:
        return np.zeros(len(text), dtype=bool)
    hit = pc.match_substring_regex(text, pattern=words_regex(pats))
    return np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)


def _mask(text: pa.Array, patterns: Iterable[str]) -> pa.Array:
    pats = list(patterns)
    return pc.replace_substring_regex(text, pattern=words_regex(pats), replacement=" ") if pats else text


def _rows(rule, lst: str, patterns, decided: dict[str, set[str]], fires: dict[str, set[str]]
          ) -> list[dict]:
    return [{"rule": rule.id, "category": rule.category, "list": lst, "pattern": p,
             "footprint": len(decided[p]), "fires": len(fires[p]),
             "examples": " | ".join(sorted(decided[p])[:3])} for p in patterns]


def _rule_footprint(rule, engine: Engine) -> list[dict]:
    d = engine.d
    scope = np.logical_or.reduce([engine.scope_mask(s) for s in rule.scope])
    lists = {"words": rule.words, "mask": rule.mask, "unless": rule.unless}
    decided: dict[str, dict[str, set[str]]] = {k: {p: set() for p in v} for k, v in lists.items()}
    fires: dict[str, dict[str, set[str]]] = {k: {p: set() for p in v} for k, v in lists.items()}
    for name in rule.fields:
        used = np.zeros(len(d.uniques[name]), dtype=bool)
        used[d.combo_codes[name][scope]] = True
        if not used.any():
            continue
        idx = np.flatnonzero(used)
        norm = d.normalized(name).take(pa.array(idx))
        texts = np.asarray(norm.to_numpy(zero_copy_only=False), dtype=object)
        masked = _mask(norm, rule.mask)
        veto = {p: _match(norm, [p]) for p in rule.unless}
        any_veto = np.logical_or.reduce([*veto.values(), np.zeros(len(idx), dtype=bool)])
        word_hits = {p: _match(masked, [p]) for p in rule.words}
        n_words = np.sum([*word_hits.values(), np.zeros(len(idx), dtype=int)], axis=0)
        fired = (n_words > 0) & ~any_veto
        for p, h in word_hits.items():
            decided["words"][p].update(texts[h & (n_words == 1) & ~any_veto])
            fires["words"][p].update(texts[h & ~any_veto])
        for p in rule.mask:
            others = _mask(norm, [m for m in rule.mask if m != p])
            would = _match(others, rule.words) & ~any_veto
            decided["mask"][p].update(texts[would & ~fired])
            fires["mask"][p].update(texts[_match(norm, [p]) & (_match(norm, rule.words))])
        n_veto = np.sum([*veto.values(), np.zeros(len(idx), dtype=int)], axis=0)
        for p, v in veto.items():
            decided["unless"][p].update(texts[(n_words > 0) & v & (n_veto == 1)])
            fires["unless"][p].update(texts[(n_words > 0) & v])
    out = []
    for lst, pats in lists.items():
        out += _rows(rule, lst, pats, decided[lst], fires[lst])
    return out


def _scope_footprint(pack: RulePack, engine: Engine) -> list[dict]:
    d = engine.d
    out = []
    for sc in pack.scopes:
        if not sc.except_names:
            continue
        inside, _ = _accounts_matching(d, sc.codes)
        outside, _ = _accounts_matching(d, sc.except_codes)
        combos = (inside & ~outside)[d.combo_account]
        used = np.zeros(len(d.uniques["nama_rekening"]), dtype=bool)
        used[d.combo_codes["nama_rekening"][combos]] = True
        idx = np.flatnonzero(used)
        norm = d.normalized("nama_rekening").take(pa.array(idx))
        texts = np.asarray(norm.to_numpy(zero_copy_only=False), dtype=object)
        hits = {p: _match(norm, [p]) for p in sc.except_names}
        n = np.sum([*hits.values(), np.zeros(len(idx), dtype=int)], axis=0)
        for p, h in hits.items():
            found = set(texts[h & (n == 1)])
            out.append({"rule": f"scope.{sc.name}", "category": "", "list": "except_names",
                        "pattern": p, "footprint": len(found), "fires": int(h.sum()),
                        "examples": " | ".join(sorted(found)[:3])})
    return out


def pattern_footprint(items: pd.DataFrame, rules: PackSource = "inpres-1-2025", *,
                      extra_rules: PackSource | Iterable[PackSource] | None = None) -> pd.DataFrame:
    """Per pattern of a pack: its footprint on ``items`` (see the module docstring).

    The rows are read as :func:`efisiensi.categorize` reads them (a whole-activity row's name
    is its line text). Returns one row per (rule, list, pattern) with ``footprint`` and
    ``examples`` (up to three of the texts it decides).
    """
    from efisiensi.categories import _activity_rows_as_lines, _finest_activity

    pack = load_pack(rules, extra_rules)
    engine = Engine(pack, distinct(_activity_rows_as_lines(_finest_activity(items))))
    rows = []
    for rule in pack.rules:
        if rule.words:
            rows += _rule_footprint(rule, engine)
    rows += _scope_footprint(pack, engine)
    return pd.DataFrame(rows, columns=_COLUMNS)
