"""Hierarchy by code: parents are stated subtotals, checked against their children.

In a table whose account codes repeat every level (``5``, ``5.1``, ``5.1.02`` ... down to
``5.1.02.04.01.0001``), a row whose code is a prefix of other rows' codes is a parent: a
subtotal the file states, never a line item. Rows are walked in file order with a stack of
open parents; a leaf that follows its stated parents belongs to them (*in scope*). A leaf
outside every stated parent whose code is also an in-scope leaf repeats a line of the
hierarchy (a per-SKPD breakdown printed after a province-wide rekap, say): it is not
counted again, and the repetition itself is checked (per code, the repeated rows must add
up to the hierarchy's line). Nothing here depends on column names.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from .records import record

PARENT, LEAF, REPEAT = 1, 0, 2


def classify(segments: list[tuple[int, ...] | None]) -> tuple[np.ndarray, np.ndarray]:
    """Kind of every row (``PARENT``, ``LEAF``, ``REPEAT``) and its nearest stated parent (-1).

    >>> k, p = classify([(5,), (5, 1), (5, 1, 2), (5, 1, 3), (4, 2), (5, 1, 2)])
    >>> k.tolist(), p.tolist()
    ([1, 1, 0, 0, 0, 2], [-1, 0, 1, 1, -1, -1])
    """
    n = len(segments)
    kind = np.zeros(n, dtype=np.int8)
    parent = np.full(n, -1, dtype=np.int64)
    present = {s for s in segments if s}
    prefixes = {s[:k] for s in present for k in range(1, len(s))}
    parents = present & prefixes
    if not parents:
        return kind, parent
    stack: list[tuple[tuple[int, ...], int]] = []
    out_of_scope: list[int] = []
    in_scope_codes: set[tuple[int, ...]] = set()
    for i, s in enumerate(segments):
        if not s:
            continue
        while stack and s[: len(stack[-1][0])] != stack[-1][0] or (stack and s == stack[-1][0]):
            stack.pop()
        if stack:
            parent[i] = stack[-1][1]
        if s in parents:
            kind[i] = PARENT
            stack.append((s, i))
        elif stack:
            in_scope_codes.add(s)
        else:
            out_of_scope.append(i)
    for i in out_of_scope:
        if segments[i] in in_scope_codes:
            kind[i] = REPEAT
    return kind, parent


def check(kind: np.ndarray, parent: np.ndarray, cents: np.ndarray, valid: np.ndarray,
          segments: list, rownums: list[int], sheet: str | None, what: str = "anggaran",
          labels: list[str] | None = None) -> tuple[list[dict], np.ndarray]:
    """Records of the parent checks and of the repetitions, and which rows they cover.

    A parent holds when its amount equals the sum of its immediate children (which may be
    parents themselves); a leaf is covered when its parent's check held. A top parent (one
    with no stated parent above it) is also compared with all the lines under it
    (``stated_total``): where the levels between disagree, that is the gap the file leaves.
    """
    def name(i: int) -> str:
        return labels[i] if labels else ".".join(map(str, segments[i]))

    n = len(kind)
    covered = np.zeros(n, dtype=bool)
    records: list[dict] = []
    par = np.flatnonzero(kind == PARENT)
    if not len(par):
        return records, covered
    amt = np.where(valid, cents, 0)
    child = np.flatnonzero((parent >= 0) & (kind != REPEAT))
    sums = defaultdict(int)
    for i, p in zip(child.tolist(), parent[child].tolist(), strict=True):
        sums[p] += int(amt[i])
    held_parent = np.zeros(n, dtype=bool)
    n_held = 0
    for p in par.tolist():
        if p not in sums:
            continue  # a parent whose children are not in the table: nothing to check
        if sums[p] == int(amt[p]):
            held_parent[p] = True
            n_held += 1
        else:
            code = name(p)
            records.append(record("hierarchy_subtotal", False,
                                  f"subtotal {code} tidak sama dengan jumlah rincian di bawahnya ({what})",
                                  sheet=sheet, row=rownums[p], expected=_dec(int(amt[p])), found=_dec(sums[p])))
    if n_held:
        records.insert(0, record("hierarchy_subtotal", True, f"{n_held} subtotal berkode = jumlah rinciannya ({what})",
                                 sheet=sheet, count=n_held))
    ok = child[held_parent[parent[child]]]
    covered[ok] = True
    records += _top_totals(kind, parent, amt, par, rownums, sheet, what, name)
    rep = np.flatnonzero(kind == REPEAT)
    if len(rep):
        leaf_sum: dict[tuple, int] = defaultdict(int)
        rep_sum: dict[tuple, int] = defaultdict(int)
        first_row: dict[tuple, int] = {}
        for i in np.flatnonzero((kind == LEAF) & (parent >= 0)).tolist():
            leaf_sum[segments[i]] += int(amt[i])
        for i in rep.tolist():
            rep_sum[segments[i]] += int(amt[i])
            first_row.setdefault(segments[i], i)
        same = [c for c in rep_sum if rep_sum[c] == leaf_sum[c]]
        if same:
            records.append(record("repeated_block", True,
                                  f"{len(rep)} baris di luar hierarki mengulang {len(same)} rincian berkode "
                                  f"(jumlah per kode sama); tidak dihitung lagi ({what})", sheet=sheet,
                                  count=len(same)))
        for c in rep_sum:
            if rep_sum[c] != leaf_sum[c]:
                records.append(record("repeated_block", False,
                                      f"baris berkode {name(first_row[c])} di luar hierarki tidak sama dengan "
                                      f"rinciannya di hierarki ({what})", sheet=sheet, row=rownums[first_row[c]],
                                      expected=_dec(leaf_sum[c]), found=_dec(rep_sum[c])))
        covered[rep] = False
    return records, covered


def _top_totals(kind, parent, amt, par, rownums, sheet, what, name) -> list[dict]:
    """Each top parent against every line under it."""
    top_of = np.full(len(kind), -1, dtype=np.int64)
    for i in range(len(kind)):  # parents come before their children: one pass in file order
        p = parent[i]
        if p >= 0:
            top_of[i] = top_of[p] if top_of[p] >= 0 else p
    leaves = np.flatnonzero((kind == LEAF) & (top_of >= 0))
    sums = defaultdict(int)
    for i, t in zip(leaves.tolist(), top_of[leaves].tolist(), strict=True):
        sums[t] += int(amt[i])
    out, held = [], 0
    for p in par.tolist():
        if parent[p] >= 0 or p not in sums:
            continue
        if sums[p] == int(amt[p]):
            held += 1
        else:
            out.append(record("stated_total", False, f"total tertulis {name(p)} tidak tercapai oleh rincian "
                              f"terendah yang terbaca ({what})", sheet=sheet, row=rownums[p],
                              expected=_dec(int(amt[p])), found=_dec(sums[p])))
    if held:
        out.insert(0, record("stated_total", True, f"{held} total tertulis teratas = jumlah rincian terendahnya "
                             f"({what})", sheet=sheet, count=held))
    return out


def _dec(cents: int):
    from decimal import Decimal

    return Decimal(cents).scaleb(-2)
