"""Total rows: rows without a code whose amount closes the rows above them.

A row is a stated total when its amount equals the lines since the previous total (a block
subtotal), every line so far (a grand total) or the block totals since the last grand
total (a total of totals). Rows that say so (``JUMLAH``, ``J U M L A H``, ``TOTAL`` ...)
are totals whether or not they hold (a failed check when they do not); rows that carry
only amounts are totals only when the arithmetic proves it, otherwise they are lines whose
text cells are merged with the row above.
"""

from __future__ import annotations

import numpy as np

from ._cents import dec
from .records import record


def total_rows(candidates: list[tuple[int, bool]], lines: np.ndarray, amounts: list[np.ndarray]
               ) -> tuple[dict[int, bool], dict[int, str], np.ndarray]:
    """Which candidate rows hold (by body index), what each closes, and the lines covered.

    ``candidates``: (body index, says it is a total); ``lines``: body indices of line rows,
    ascending; ``amounts``: cents per body row, one array per amount column.

    >>> a = [np.array([10, 20, 30, 5, 35])]
    >>> held, kind, cov = total_rows([(2, True), (4, False)], np.array([0, 1, 3]), a)
    >>> held, kind, cov.tolist()
    ({2: True, 4: True}, {2: 'blok', 4: 'total'}, [True, True, True])
    """
    held: dict[int, bool] = {}
    kind: dict[int, str] = {}
    covered = np.zeros(len(lines), dtype=bool)
    if not candidates:
        return held, kind, covered
    k = len(amounts)
    block = [0] * k
    grand = [0] * k
    totals = [0] * k
    block_start = 0  # position in `lines` where the current block starts
    pos = 0
    for i, says in sorted(candidates):
        while pos < len(lines) and lines[pos] < i:
            for j in range(k):
                v = int(amounts[j][lines[pos]])
                block[j] += v
                grand[j] += v
            pos += 1
        a = [int(amounts[j][i]) for j in range(k)]
        nblock = pos - block_start
        need = 1 if says else 2
        if nblock >= need and a == block:
            held[i], kind[i] = True, "blok"
            covered[block_start:pos] = True
            totals = [t + v for t, v in zip(totals, a, strict=True)]
        elif pos >= need and a == grand:
            held[i], kind[i] = True, "total"
            covered[:pos] = True
            totals = [0] * k
        elif says and any(totals) and a == totals:
            held[i], kind[i] = True, "total"
            totals = [0] * k
        else:
            held[i], kind[i] = False, ""
            if not says:
                continue  # a line after all: the block goes on
        block = [0] * k
        block_start = pos
    return held, kind, covered


def total_records(held: dict[int, bool], kind: dict[int, str], says: dict[int, bool], amounts: list[np.ndarray],
                  lines: np.ndarray, rownums: list[int], sheet: str | None) -> list[dict]:
    """Records: one summary for the totals that held, one per total row that did not."""
    out = []
    ok = [i for i, h in held.items() if h]
    if ok:
        out.append(record("total_row", True, f"{len(ok)} baris jumlah = jumlah rincian yang ditutupnya",
                          sheet=sheet, count=len(ok)))
    before = 0
    for i in sorted(held):
        if held[i] or not says.get(i):
            continue
        lines_above = lines[lines < i]
        found = int(amounts[0][lines_above[lines_above >= before]].sum()) if len(lines_above) else 0
        out.append(record("total_row", False, "baris jumlah tidak sama dengan jumlah rincian di atasnya",
                          sheet=sheet, row=rownums[i], expected=dec(int(amounts[0][i])), found=dec(found)))
    return out
