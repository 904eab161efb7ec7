"""Repeated group totals and monthly columns: which amount column holds the line amount.

A column whose value is constant over consecutive rows of one group and equals the sum of
another amount column over those rows is a group total repeated on every row (SIPD's
sub-kegiatan ``rincian`` beside the account amount), not a line amount. A column constant
over the same groups is a group-level figure too (the same total in another stage). Twelve
monthly columns that add up to an amount column in every row prove that column. The
decision is made from the values alone, never from the column names.
"""

from __future__ import annotations

import numpy as np

from ._cents import dec  # noqa: F401  (re-exported for the readers)
from .records import record

#: share of groups that must add up before a column is taken for a repeated group total
MIN_SHARE = 0.9


def runs(keys: list[np.ndarray], n: int) -> np.ndarray:
    """Run id of every row: a new run starts where any key changes."""
    change = np.zeros(n, dtype=bool)
    if n:
        change[0] = True
    for k in keys:
        if len(k) > 1:
            change[1:] |= k[1:] != k[:-1]
    return np.cumsum(change) - 1


def group_total(x: np.ndarray, y: np.ndarray, context: list[np.ndarray]) -> tuple[int, int, list[int], np.ndarray]:
    """Is ``x`` a repeated group total of ``y``? Runs that add up, runs checked, failing runs, run ids.

    >>> x = np.array([30, 30, 7, 9, 9]); y = np.array([10, 20, 7, 4, 5])
    >>> ok, total, bad, _ = group_total(x, y, [])
    >>> ok, total, bad
    (3, 3, [])
    """
    n = len(x)
    rid = runs([x, *context], n)
    nruns = int(rid[-1]) + 1 if n else 0
    ysum = np.zeros(nruns, dtype=np.int64)
    np.add.at(ysum, rid, y)
    first = np.flatnonzero(np.r_[True, rid[1:] != rid[:-1]]) if n else np.array([], dtype=np.int64)
    xval = x[first]
    eq = ysum == xval
    bad = np.flatnonzero(~eq).tolist()
    return int(eq.sum()), nruns, [int(first[b]) for b in bad], rid


def is_group_total(x: np.ndarray, y: np.ndarray, context: list[np.ndarray]) -> tuple[bool, tuple]:
    """``x`` repeats group totals of ``y``: most runs add up and some span several rows."""
    n = len(x)
    if n < 2:
        return False, ()
    ok, total, bad, rid = group_total(x, y, context)
    lengths = np.bincount(rid)
    multi = int((lengths > 1).sum())
    if multi == 0 or ok < MIN_SHARE * total:
        return False, ()
    if not (x != y).any():  # the same column twice, not a total
        return False, ()
    return True, (ok, total, bad, rid)


def constant_on(x: np.ndarray, rid: np.ndarray) -> bool:
    """``x`` takes one value in every multi-row run of ``rid`` (a group-level figure)."""
    if len(x) < 2:
        return False
    same_run = rid[1:] == rid[:-1]
    if not same_run.any():
        return False
    return bool((x[1:][same_run] == x[:-1][same_run]).mean() >= 0.99)


def group_records(name_x: str, name_y: str, result: tuple, rownums: list[int], sheet: str | None,
                  x: np.ndarray, y: np.ndarray) -> list[dict]:
    ok, total, bad, rid = result
    out = [record("group_total", True, f"kolom {name_x!r} = jumlah {name_y!r} per kelompok di {ok} dari {total} "
                  f"kelompok: total kelompok yang diulang, bukan nilai baris", sheet=sheet, count=ok)]
    ysum = np.zeros(total, dtype=np.int64)
    np.add.at(ysum, rid, y)
    for i in bad[:200]:
        out.append(record("group_total", False, f"total kelompok {name_x!r} tidak sama dengan jumlah {name_y!r}",
                          sheet=sheet, row=rownums[i], expected=dec(int(x[i])), found=dec(int(ysum[rid[i]]))))
    return out


def months_check(months: list[np.ndarray], amount: np.ndarray, valid: np.ndarray, rownums: list[int],
                 sheet: str | None, name: str) -> tuple[list[dict], np.ndarray] | None:
    """Twelve monthly columns against an amount column; ``None`` when they do not prove it."""
    if len(months) != 12 or not len(amount):
        return None
    s = np.sum(np.vstack(months), axis=0)
    eq = (s == amount) & valid
    rows = np.flatnonzero(valid)
    if not len(rows) or eq[rows].mean() < MIN_SHARE:
        return None
    out = [record("months_total", True, f"bulan 1..12 = {name!r} di {int(eq.sum())} baris", sheet=sheet,
                  count=int(eq.sum()))]
    for i in np.flatnonzero(valid & ~eq)[:200].tolist():
        out.append(record("months_total", False, f"jumlah bulan 1..12 tidak sama dengan {name!r}", sheet=sheet,
                          row=rownums[i], expected=dec(int(amount[i])), found=dec(int(s[i]))))
    return out, eq
