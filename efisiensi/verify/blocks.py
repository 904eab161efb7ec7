"""Repeated blocks: a block of lines that adds up other blocks of the same sheet.

Printed reports put one block per funding source, each closed by its own total row, and
sometimes add blocks that sum some of them line by line (a ``TOTAL`` block). A block whose
lines equal, account by account and in every stage, the sum of two or more other blocks is
recognised as such and its lines are not counted again.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import numpy as np

from .records import record

MAX_BLOCKS = 14  # subsets of up to 13 other blocks: 8k combinations at most


def block_sums(block: np.ndarray, keys: list[str], amounts: list[np.ndarray]) -> dict[int, dict]:
    out: dict[int, dict] = defaultdict(lambda: defaultdict(lambda: [0] * len(amounts)))
    for i, (b, k) in enumerate(zip(block.tolist(), keys, strict=True)):
        acc = out[b][k]
        for j, a in enumerate(amounts):
            acc[j] += int(a[i])
    return {b: {k: tuple(v) for k, v in d.items() if any(v)} for b, d in out.items()}


def derived(block: np.ndarray, keys: list[str], amounts: list[np.ndarray]) -> dict[int, tuple[int, ...]]:
    """Blocks that are line-by-line sums of other blocks, with the blocks they add up.

    >>> blk = np.array([0, 0, 1, 2, 2]); keys = ["a", "b", "a", "a", "b"]
    >>> derived(blk, keys, [np.array([1, 2, 3, 4, 2])])
    {2: (0, 1)}
    """
    sums = block_sums(block, keys, amounts)
    ids = sorted(sums)
    if len(ids) < 3 or len(ids) > MAX_BLOCKS:
        return {}
    total = {b: tuple(sum(v[j] for v in sums[b].values()) for j in range(len(amounts))) for b in ids}
    out: dict[int, tuple[int, ...]] = {}
    for b in sorted(ids, key=lambda x: total[x]):
        sources = [x for x in ids if x != b and x not in out]
        for r in range(2, len(sources) + 1):
            hit = None
            for combo in combinations(sources, r):
                if tuple(sum(total[c][j] for c in combo) for j in range(len(amounts))) != total[b]:
                    continue
                acc: dict[str, list[int]] = defaultdict(lambda: [0] * len(amounts))
                for c in combo:
                    for k, v in sums[c].items():
                        for j in range(len(amounts)):
                            acc[k][j] += v[j]
                if {k: tuple(v) for k, v in acc.items() if any(v)} == sums[b]:
                    hit = combo
                    break
            if hit:
                out[b] = hit
                break
    return out


def block_records(found: dict[int, tuple[int, ...]], first_row: dict[int, int], sheet: str | None) -> list[dict]:
    return [record("repeated_block", True, f"blok mulai baris {first_row[b]} = jumlah per rekening blok mulai baris "
                   + ", ".join(str(first_row[c]) for c in src) + "; tidak dihitung lagi", sheet=sheet,
                   row=first_row[b]) for b, src in found.items()]
