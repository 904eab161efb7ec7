"""Repeated sheets: a sheet that repeats the lines of another is not counted again.

Two sheets of one file repeat each other when their totals are equal and their sums agree
per key — the whole line (a duplicated sheet), the account code, the SKPD or the sub
kegiatan (a summary sheet beside its detail). The sheet with more lines is kept.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pyarrow as pa

from .records import record

#: keys tried in order; a key is used when both sheets fill it on every line
KEYS = (("kode_rekening", "uraian", "nama_rekening", "kode_sub_kegiatan", "kode_skpd"), ("kode_rekening",),
        ("kode_sub_kegiatan",), ("kode_skpd",), ("nama_skpd",))
AMOUNTS = ("anggaran", "anggaran_sebelum")


def _sums(frame: pd.DataFrame, key: tuple[str, ...]) -> dict | None:
    cols = [c for c in key if c in frame]
    if not cols or (frame[cols[0]] == "").any():
        return None
    if len(frame) < 20_000:  # plain dicts: no engine start-up for a small sheet
        keys = list(zip(*(frame[c].tolist() for c in cols), strict=True))
        out: dict = {}
        for a in AMOUNTS:
            if a not in frame:
                continue
            for k, v in zip(keys, pa.array(frame[a].array).to_pylist(), strict=True):
                if v is not None:
                    out[(a, k)] = out.get((a, k), 0) + v
        return {k: v for k, v in out.items() if v}
    table = pa.table({**{f"k{i}": pa.array(frame[c].astype(str).tolist(), type=pa.string())
                         for i, c in enumerate(cols)},
                      **{a: pa.array(frame[a].array) if a in frame else pa.nulls(len(frame)) for a in AMOUNTS}})
    names = [f"k{i}" for i in range(len(cols))]
    grouped = table.group_by(names).aggregate([(a, "sum") for a in AMOUNTS]).to_pylist()
    out = {}
    for g in grouped:
        k = tuple(g[n] for n in names)
        for a in AMOUNTS:
            v = g[f"{a}_sum"]
            if v:
                out[(a, k)] = v
    return out


def _total(frame: pd.DataFrame) -> Decimal:
    return sum((v for v in frame["anggaran"].tolist() if v is not None and v is not pd.NA), Decimal(0))


def repeats(a: pd.DataFrame, b: pd.DataFrame) -> str | None:
    """The key by which ``b`` repeats ``a`` (``None`` when it does not)."""
    if a.empty or b.empty or _total(a) != _total(b):
        return None
    for key in KEYS:
        sa, sb = _sums(a, key), _sums(b, key)
        if sa is None or sb is None or not sa:
            continue
        if sa == sb:
            return "baris" if len(key) > 1 else key[0]
    return None


def repeated_sheets(frames: list[tuple[str, pd.DataFrame]]) -> tuple[set[int], list[dict]]:
    """Positions of the sheets not to count, and the check records."""
    drop: set[int] = set()
    records: list[dict] = []
    for j in range(len(frames)):
        for i in range(len(frames)):
            if i == j or i in drop or j in drop:
                continue
            a, b = frames[i][1], frames[j][1]
            keep_a = len(a) > len(b) or (len(a) == len(b) and i < j)
            if not keep_a:
                continue
            key = repeats(a, b)
            if key:
                drop.add(j)
                what = "salinan" if key == "baris" else f"ringkasan per {key}"
                records.append(record("repeated_sheet", True,
                                      f"sheet {frames[j][0]!r} mengulang sheet {frames[i][0]!r} ({what}); "
                                      "tidak dihitung lagi", sheet=frames[j][0]))
    return drop, records
