"""Matching engine: every rule runs on distinct values, never row by row.

The input is first reduced to its distinct combinations of (account code, chart, text
fields); each distinct text of each field is normalised and matched once per rule with
RE2 (pyarrow.compute), each distinct account code is normalised once, and the results
are mapped back with integer ``take``. Python loops run over rules and distinct values only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from efisiensi.categories._rules import (
    CHARTS,
    CONTEXT_FIELDS,
    FIELD_GROUPS,
    LEVELS,
    TEXT_FIELDS,
    CodeSpec,
    Rule,
    RulePack,
    Scope,
    words_regex,
)
from efisiensi.categories._text import factorize_column, normalize_text
from efisiensi.read.codes import normalize_code

_KEY_FIELDS = ("kode_rekening", "bagan_akun") + TEXT_FIELDS
_LEVEL_OF_GROUP = {"account": "account", "line": "line", "context": "context"}


def _group_of(field_name: str) -> str:
    for group, names in FIELD_GROUPS.items():
        if field_name in names:
            return group
    return "line"


@dataclass
class _Distinct:
    """The distinct combinations of the key fields and the per-field distinct values."""

    row_combo: np.ndarray                     # row -> combo
    combo_codes: dict[str, np.ndarray]        # field -> combo -> distinct-value index
    uniques: dict[str, np.ndarray]            # field -> distinct values
    accounts: list = field(default_factory=list)  # distinct account -> AccountCode | None
    combo_account: np.ndarray | None = None   # combo -> distinct account
    _norm: dict = field(default_factory=dict)
    _masked: dict = field(default_factory=dict)
    _account_keys: list | None = None

    @property
    def n(self) -> int:
        return len(next(iter(self.combo_codes.values())))

    def normalized(self, name: str) -> pa.Array:
        if name not in self._norm:
            self._norm[name] = normalize_text(self.uniques[name])
        return self._norm[name]

    def masked(self, name: str, mask: tuple[str, ...]) -> pa.Array:
        key = (name, mask)
        if key not in self._masked:
            text = self.normalized(name)
            if mask:
                text = pc.replace_substring_regex(text, pattern=words_regex(mask), replacement=" ")
            self._masked[key] = text
        return self._masked[key]


def distinct(items: pd.DataFrame) -> _Distinct:
    """Factorize the key fields and reduce the rows to distinct combinations."""
    codes, uniques = {}, {}
    for name in _KEY_FIELDS:
        codes[name], uniques[name] = factorize_column(items, name)
    key = np.zeros(len(items), dtype=np.int64)
    for name in _KEY_FIELDS:  # pairwise re-factorisation keeps the key below n_rows
        key = pd.factorize(key * len(uniques[name]) + codes[name])[0].astype(np.int64)
    _, first = np.unique(key, return_index=True)
    order = np.argsort(key[first], kind="stable")
    first = first[order]
    d = _Distinct(key.astype(np.intp), {k: v[first] for k, v in codes.items()}, uniques)
    # One normalize_code call per distinct (code, chart) pair.
    n_chart = len(uniques["bagan_akun"])
    pair = d.combo_codes["kode_rekening"].astype(np.int64) * n_chart + d.combo_codes["bagan_akun"]
    pair_idx, pair_uniq = pd.factorize(pair)
    for p in pair_uniq:
        kode = uniques["kode_rekening"][p // n_chart]
        chart = str(uniques["bagan_akun"][p % n_chart]).strip()
        d.accounts.append(normalize_code(kode, chart if chart in CHARTS else None) if kode else None)
    d.combo_account = pair_idx.astype(np.intp)
    return d


#: Per tuple of code specs: (chart, segments) -> the text of the first spec that
#: matches, or "" (kept for the process: every file of a run shares one chart of accounts).
_ACCOUNT_MEMO: dict[tuple[CodeSpec, ...], dict[tuple[str, tuple[int, ...]], str]] = {}


def _account_keys(d: _Distinct) -> list[tuple[str, tuple[int, ...]] | None]:
    """(chart, segments) of each distinct account, computed once per table."""
    if d._account_keys is None:
        d._account_keys = [None if acc is None else (acc.chart, acc.segments) for acc in d.accounts]
    return d._account_keys


def _accounts_matching(d: _Distinct, specs: tuple[CodeSpec, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Per distinct account: does a spec match, and the text of the first one that does."""
    hit = np.zeros(len(d.accounts), dtype=bool)
    what = np.full(len(d.accounts), "", dtype=object)
    if not specs:
        return hit, what
    memo = _ACCOUNT_MEMO.get(specs)
    if memo is None:
        if len(_ACCOUNT_MEMO) > 4096:
            _ACCOUNT_MEMO.clear()
        memo = _ACCOUNT_MEMO[specs] = {}
    for i, key in enumerate(_account_keys(d)):
        if key is None:
            continue
        text = memo.get(key)
        if text is None:
            chart, segs = key
            text = next((spec.text for spec in specs if spec.matches(chart, segs)), "")
            memo[key] = text
        if text:
            hit[i], what[i] = True, text
    return hit, what


def _words_hit(d: _Distinct, name: str, rule_words: tuple[str, ...], mask: tuple[str, ...],
               unless: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Per distinct value of ``name``: hit flag and the matched words."""
    text = d.masked(name, mask)
    pattern = words_regex(rule_words)
    # a plain match (RE2's fast automaton) over every value; the capture only where it hit
    hit = np.asarray(pc.match_substring_regex(text, pattern=pattern).to_numpy(zero_copy_only=False), dtype=bool)
    words = np.full(len(hit), "", dtype=object)
    if not hit.any():
        return hit, words
    where = np.flatnonzero(hit)
    found = pc.extract_regex(text.take(pa.array(where)), pattern="(?P<m>" + pattern + ")")
    words[where] = np.asarray(pc.struct_field(found, [0]).to_numpy(zero_copy_only=False), dtype=object)
    if unless:
        veto = pc.match_substring_regex(d.normalized(name).take(pa.array(where)), pattern=words_regex(unless))
        hit[where[np.asarray(veto.to_numpy(zero_copy_only=False), dtype=bool)]] = False
    return hit, words


class Engine:
    """Evaluate a :class:`RulePack` over the distinct combinations of a table."""

    def __init__(self, pack: RulePack, d: _Distinct) -> None:
        self.pack, self.d = pack, d
        self.cat_order = {c.id: i for i, c in enumerate(pack.categories)}
        self.pos = {c: {lv: np.zeros(d.n, bool) for lv in LEVELS} for c in self.cat_order}
        self.removed = {c: {lv: np.zeros(d.n, bool) for lv in LEVELS} for c in self.cat_order}
        self.evidence: list[tuple[str, str | None, np.ndarray, np.ndarray, int]] = []
        self._scope_cache: dict[str, np.ndarray] = {}

    def scope_mask(self, name: str) -> np.ndarray:
        if name not in self._scope_cache:
            self._scope_cache[name] = self._scope(name)
        return self._scope_cache[name]

    def _scope(self, name: str) -> np.ndarray:
        d = self.d
        uncoded = np.array([a is None for a in d.accounts], dtype=bool)[d.combo_account]
        if name == "any":
            return np.ones(d.n, dtype=bool)
        if name == "uncoded":
            return uncoded
        sc: Scope = self.pack.scope(name)
        inside, _ = _accounts_matching(d, sc.codes)
        outside, _ = _accounts_matching(d, sc.except_codes)
        mask = (inside & ~outside)[d.combo_account] | (uncoded & sc.uncoded)
        if sc.except_names:
            veto = pc.match_substring_regex(d.normalized("nama_rekening"),
                                            pattern=words_regex(sc.except_names))
            veto = np.asarray(veto.to_numpy(zero_copy_only=False), dtype=bool)
            mask &= ~veto[d.combo_codes["nama_rekening"]]
        return mask

    def run(self) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Return the category flags and the explanation, per distinct combination."""
        negatives, remainders = [], []
        for order, rule in enumerate(self.pack.rules):
            if rule.kind == "account":
                self._account(rule, order)
            elif rule.kind == "text":
                for lv, hit, piece in self._text(rule):
                    self.pos[rule.category][lv] |= hit
                    self.evidence.append((rule.category, lv, hit, piece, order))
            elif rule.kind == "negative":
                negatives.append((order, rule))
            else:
                remainders.append((order, rule))
        for order, rule in negatives:
            self._negative(rule, order)
        final = {c: np.logical_or.reduce([self.pos[c][lv] & ~self.removed[c][lv] for lv in LEVELS])
                 for c in self.cat_order}
        for order, rule in remainders:
            inside, what = _accounts_matching(self.d, rule.codes)
            hit = inside[self.d.combo_account]
            for c in rule.unless_categories:
                hit &= ~final[c]
            final[rule.category] |= hit
            piece = (f"{rule.category}: {rule.id} (" + what + ")")[self.d.combo_account]
            self.evidence.append((rule.category, None, hit, piece, order))
        return final, self._explain()

    def _account(self, rule: Rule, order: int) -> None:
        inside, what = _accounts_matching(self.d, rule.codes)
        hit = inside[self.d.combo_account]
        lv = rule.level or "account"
        self.pos[rule.category][lv] |= hit
        piece = (f"{rule.category}: {rule.id} (" + what + ")")[self.d.combo_account]
        self.evidence.append((rule.category, lv, hit, piece, order))

    def _text(self, rule: Rule, prefix: str | None = None):
        """Yield (level, hit, explanation) per field, each combination explained once."""
        d = self.d
        scope = np.logical_or.reduce([self.scope_mask(s) for s in rule.scope])
        covered = np.zeros(d.n, dtype=bool)
        head = prefix if prefix is not None else f"{rule.category}: {rule.id}"
        for name in rule.fields:
            hit_u, words_u = _words_hit(d, name, rule.words, rule.mask, rule.unless)
            if not hit_u.any():
                continue
            hit = hit_u[d.combo_codes[name]] & scope & ~covered
            if not hit.any():
                continue
            where = f" in {name}" if name in CONTEXT_FIELDS or name == "nama_rekening" else ""
            piece_u = f'{head} ("' + words_u + f'"{where})'
            covered |= hit
            yield rule.level or _LEVEL_OF_GROUP[_group_of(name)], hit, piece_u[d.combo_codes[name]]

    def _negative(self, rule: Rule, order: int) -> None:
        for _, hit, piece in self._text(rule, prefix=f"bukan {rule.category}: {rule.id}"):
            had = np.logical_or.reduce([self.pos[rule.category][lv] for lv in rule.overrides])
            for lv in rule.overrides:
                self.removed[rule.category][lv] |= hit
            self.evidence.append((rule.category, None, hit & had, piece, order))

    def _explain(self) -> np.ndarray:
        # Append pieces in (category, rule) order; only the hit combinations are touched.
        n_rules = len(self.pack.rules) + 1
        out = np.full(self.d.n, "", dtype=object)
        ordered = sorted(self.evidence, key=lambda e: self.cat_order[e[0]] * n_rules + e[4])
        for cat, lv, hit, piece, _ in ordered:
            keep = hit if lv is None else hit & ~self.removed[cat][lv]
            where = np.flatnonzero(keep)
            if where.size:
                add = np.asarray(piece, dtype=object)[where]
                cur = out[where]
                out[where] = np.where(cur == "", add, cur + "; " + add)
        return out
