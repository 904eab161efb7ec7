"""Stage comparison: sum each target's lines per stage, and match lines across stages.

Everything here is exact decimal arithmetic on the money dtype; there is no float on
the way from a cell to a shortfall. ``change_pct`` alone is a float, for display.
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, Decimal

import numpy as np
import pandas as pd

from .._money import MONEY
from ..read.codes import clean_text, normalize_code, normalize_name, normalize_unit_code
from ._policy import Policy, Target

SEN = Decimal("0.01")
ZERO = Decimal("0.00")
STAGES = ("baseline", "revised")

#: Lines are matched across stages on these columns, after aggregation.
LINE_KEY = ["kode_skpd", "nama_skpd", "kode_sub_unit", "nama_sub_unit", "kode_sub_kegiatan",
            "nama_sub_kegiatan", "sumber_dana", "kode_rekening", "nama_rekening", "kelompok",
            "keterangan", "uraian"]
#: A line that left one key and appeared under another with these equal was moved.
MOVE_KEY = ["kode_skpd", "kode_rekening", "kelompok", "uraian"]


#: Key columns that hold codes of units and sub kegiatan (compared segment by segment).
UNIT_CODE_COLUMNS = ("kode_skpd", "kode_sub_unit", "kode_sub_kegiatan")


#: ``fn(value)`` of the key normalizers, kept for the process: the same SKPD, account
#: and sub kegiatan texts come back in every file, stage and partial of a run.
_MEMO: dict = {}
_MEMO_MAX = 2**20


def _codes(s: pd.Series, fn) -> tuple[np.ndarray, list[str]]:
    """Integer codes per row and the distinct values of ``fn`` over ``s``: ``fn`` runs
    once per distinct value (key columns repeat a few values many times), never per row."""
    codes, uniq = pd.factorize(s, use_na_sentinel=False)
    uniq = np.asarray(uniq, dtype=object)  # one conversion, not a Python call per element
    memo = _MEMO.setdefault(fn, {})
    if len(memo) > _MEMO_MAX:
        memo.clear()
    out = []
    for v in uniq:
        got = memo.get(v) if isinstance(v, str) else None
        if got is None:
            got = fn(v)
            if isinstance(v, str):
                memo[v] = got
        out.append(got)
    return codes, out


def _mapped(s: pd.Series, fn) -> pd.Series:
    """``fn`` applied once per distinct value, as a ``str`` Series aligned with ``s``."""
    codes, values = _codes(s, fn)
    return pd.Series(pd.array(values, dtype="str").take(codes), index=s.index)


def _key_fn(column: str):
    if column in UNIT_CODE_COLUMNS:
        return normalize_unit_code
    if column == "kode_rekening":
        return clean_text
    return normalize_name


def key_column(table: pd.DataFrame, column: str) -> pd.Series:
    """A key column as compared across stages: unit codes by segment, account codes as
    read, every text with its spelling noise (case, spaces, NBSP, zero-width) removed."""
    return _mapped(table[column], _key_fn(column))


def key_codes(table: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """One integer per row, equal for two rows exactly when every column's
    :func:`key_column` is equal; numbered in the order of first appearance.

    The same grouping as on the key columns themselves, without building them: each
    column is factorized, its distinct values normalized once, and the per-column codes
    combined pairwise (re-factorized, so the combined code stays below the row count).
    """
    key = np.zeros(len(table), dtype=np.int64)
    for c in columns:
        codes, values = _codes(table[c], _key_fn(c))
        norm, n_norm = pd.factorize(np.asarray(values, dtype=object))
        col = norm[codes] if len(codes) else codes
        key = pd.factorize(key * max(len(n_norm), 1) + col)[0].astype(np.int64)
    return key


def agency_key(table: pd.DataFrame) -> pd.Series:
    """The SKPD of each row as compared across stages: its code (segments as integers),
    or its name (case- and space-insensitive) where the source gives no code.

    >>> t = pd.DataFrame({"kode_skpd": ["1.02.0.00.0.00.01.0000", "1.2.0.0.0.0.1.0\u200b", ""],
    ...                   "nama_skpd": ["Dinas Kesehatan", "DINAS KESEHATAN", "Dinas  Sosial"]})
    >>> list(agency_key(t))
    ['1.2.0.0.0.0.1.0', '1.2.0.0.0.0.1.0', 'nama:dinas sosial']
    """
    code = key_column(table, "kode_skpd")
    name = "nama:" + key_column(table, "nama_skpd")
    return code.where(code != "", name)


def line_keys(table: pd.DataFrame) -> pd.DataFrame:
    """The :data:`LINE_KEY` columns as compared across stages (:func:`key_column`)."""
    return pd.DataFrame({f"_k_{c}": key_column(table, c) for c in LINE_KEY}, index=table.index)


def _norm(s: pd.Series) -> pd.Series:
    return s.fillna("").astype(str).str.strip().str.replace(r"\s+", " ", regex=True).str.casefold()


def target_mask(table: pd.DataFrame, target: Target) -> pd.Series:
    """Rows of a categorized table that a target covers (category and scope)."""
    mask = pd.Series(True, index=table.index)
    if target.category:
        if target.category not in table:
            return pd.Series(False, index=table.index)
        mask &= table[target.category].fillna(False).astype(bool)
    sc = target.scope
    if sc.sumber_dana:
        mask &= _norm(table["sumber_dana"]).isin({re.sub(r"\s+", " ", s.strip()).casefold() for s in sc.sumber_dana})
    if sc.sumber_dana_pattern:
        mask &= table["sumber_dana"].str.contains(sc.sumber_dana_pattern, case=False, regex=True, na=False)
    if sc.accounts:
        codes = table["kode_rekening"]
        uniq = codes.unique()
        hits = {c for c in uniq if (n := normalize_code(c)) and any(n.startswith(a) for a in sc.accounts)}
        mask &= codes.isin(hits)
    for pat in sc.exclude_skpd:
        mask &= ~(table["kode_skpd"].str.contains(pat, case=False, regex=True, na=False)
                  | table["nama_skpd"].str.contains(pat, case=False, regex=True, na=False))
    for pat in sc.exclude_sub_unit:
        mask &= ~(table["kode_sub_unit"].str.contains(pat, case=False, regex=True, na=False)
                  | table["nama_sub_unit"].str.contains(pat, case=False, regex=True, na=False))
    return mask


def judge(target: Target, baseline: Decimal, revised: Decimal | None) -> dict:
    """Status, change and shortfall of one target for one pair of amounts.

    >>> from efisiensi.compliance._policy import load_policy
    >>> t = load_policy("inpres-1-2025").target("perjalanan_dinas")
    >>> r = judge(t, Decimal("44839327876"), Decimal("37395490128"))
    >>> r["status"], r["shortfall"], r["change_pct"]
    ('not_met', Decimal('14975826190.00'), -16.6)
    """
    out = {"baseline": baseline, "revised": revised, "change": None, "change_pct": None,
           "target_cut_pct": float(target.cut_pct) if target.cut_pct is not None else None,
           "shortfall": ZERO}
    if revised is None:
        out["status"] = "profile"
        return out
    change = revised - baseline
    out["change"] = change
    if baseline != 0:
        out["change_pct"] = float(round(change / baseline * 100, 2))
    if baseline == 0:
        # new spending: no percentage, and all of it is above a ceiling of zero
        out["status"] = "no_baseline"
        out["shortfall"] = revised.quantize(SEN) if revised > 0 else ZERO
        return out
    if target.kind == "numeric":
        ceiling = baseline * (1 - target.cut_pct / 100)
        gap = (revised - ceiling).quantize(SEN, rounding=ROUND_CEILING)
        out["status"] = "met" if revised <= ceiling else "not_met"
        out["shortfall"] = max(ZERO, gap) if out["status"] == "not_met" else ZERO
    else:
        out["status"] = "decreased" if change < 0 else ("unchanged" if change == 0 else "increased")
        out["shortfall"] = max(ZERO, change)
    return out


def stage_sums(stages: dict[str, pd.DataFrame], policy: Policy, by: list[str] | None = None
               ) -> dict[str, dict[str, pd.Series | Decimal]]:
    """Per target and stage: the total (``by=None``) or a Series of totals per group."""
    out: dict[str, dict] = {}
    for target in policy.targets:
        out[target.id] = {}
        for stage, table in stages.items():
            sel = table.loc[target_mask(table, target)]
            if by is None:
                out[target.id][stage] = Decimal(sel["anggaran"].sum()) if len(sel) else ZERO
            else:
                out[target.id][stage] = sel.groupby(by, sort=False)["anggaran"].sum()
    return out


def _file_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def provenance(frame: pd.DataFrame) -> pd.Series:
    """Where each row came from: ``<file name>[:sheet]:<row>``."""
    sheet = frame["sumber_sheet"].where(frame["sumber_sheet"] == "", ":" + frame["sumber_sheet"])
    name = _mapped(frame["sumber_file"], _file_name)
    return name + sheet + ":" + frame["sumber_baris"].astype(str)


def aggregate_lines(table: pd.DataFrame, categories: list[str], amounts: list[str] | tuple[str, ...] = ("anggaran",)
                    ) -> pd.DataFrame:
    """One row per :data:`LINE_KEY` as compared across stages (:func:`line_keys`: SKPD
    codes by segment, names without case or spacing noise), showing the text of its
    first row: amounts added, provenance joined, labels or-ed.

    ``table`` holds the stage's amounts in ``anggaran`` and its provenance in ``_src``
    (as :func:`provenance` writes it, or already joined by an earlier aggregation: the
    aggregate of aggregates equals the aggregate of the rows, so per-file partials can
    be combined). Groups keep the order of their first row. ``amounts`` are the columns
    added (several stages of one table share one grouping).
    """
    shown = [*LINE_KEY, *(["kategori_alasan"] if "kategori_alasan" in table else [])]
    cats = [c for c in categories if c in table]
    codes = key_codes(table, LINE_KEY)  # groups numbered in the order of their first row
    grouped = table.groupby(codes, sort=False, dropna=False)
    first = np.unique(codes, return_index=True)[1]  # the first row of each group
    cols: dict[str, pd.Series] = {}
    for c in shown:  # the text of the group's first row ("first" skips missing values: then pandas')
        col = table[c]
        cols[c] = grouped[c].first().reset_index(drop=True) if col.isna().any() else \
            col.iloc[first].reset_index(drop=True)
    sums = grouped[list(amounts)].sum().reset_index(drop=True)
    flags = grouped[cats].max().reset_index(drop=True) if cats else None
    order = [*LINE_KEY, *amounts, *cats, *shown[len(LINE_KEY):]]
    out = pd.DataFrame({c: cols[c] if c in cols else (sums[c] if c in sums else flags[c]) for c in order})
    src = table["_src"].to_numpy(dtype=object)
    joined = np.empty(len(out), dtype=object)
    counts = np.bincount(codes, minlength=len(out)) if len(codes) else np.zeros(0, dtype=int)
    single = counts[codes] == 1 if len(codes) else np.zeros(0, dtype=bool)
    joined[codes[single]] = src[single]
    parts: dict[int, list[str]] = {}
    for i in np.flatnonzero(~single):
        parts.setdefault(int(codes[i]), []).append(src[i])
    for code, texts in parts.items():
        joined[code] = "; ".join(texts)
    out.insert(out.columns.get_loc(amounts[-1]) + 1, "_src", pd.array(joined, dtype="str"))
    return out


def match_lines(stages: dict[str, pd.DataFrame], categories: list[str]) -> pd.DataFrame:
    """Aggregate each stage on :data:`LINE_KEY` and join: one row per line with both amounts.

    See :func:`join_lines` for ``perubahan``.
    """
    aggs = {}
    for stage, table in stages.items():
        t = table.copy(deep=False)
        t.attrs = {}
        t["_src"] = provenance(t)
        aggs[stage] = aggregate_lines(t, categories)
    return join_lines(aggs, categories)


def join_lines(aggregates: dict[str, pd.DataFrame], categories: list[str]) -> pd.DataFrame:
    """Join the per-stage line aggregates (:func:`aggregate_lines`) into one row per line.

    ``perubahan`` says what happened to the line: ``dipotong`` (cut), ``naik``
    (increased), ``tetap`` (unchanged), ``baru`` (added), ``dihapus`` (removed) or
    ``dipindah`` (moved to another sub kegiatan or funding source).
    """
    parts = [(stage, g.rename(columns={"anggaran": stage, "_src": f"sumber_{stage}"}))
             for stage, g in aggregates.items()]
    if len(parts) == 1:
        stage, g = parts[0]
        g["revised"] = pd.Series([None] * len(g), dtype=MONEY)
        g["sumber_revised"] = ""
        g["perubahan"] = ""
        return g
    (_, a), (_, b) = parts
    cats = [c for c in categories if c in a or c in b]
    keys = [f"_k_{c}" for c in LINE_KEY]
    a, b = a.join(line_keys(a)), b.join(line_keys(b))
    merged = a.merge(b, on=keys, how="outer", suffixes=("", "_r"), indicator=True)
    done = []  # the revised side's columns, dropped at once (one copy of the frame, not one a column)
    for c in LINE_KEY:  # a line only in the revised stage shows the revised text
        merged[c] = merged[c].fillna(merged[f"{c}_r"])
        done.append(f"{c}_r")
    for c in cats + ["kategori_alasan"]:
        if f"{c}_r" in merged:
            left = merged[c] if c in merged else None
            right = merged[f"{c}_r"]
            if c == "kategori_alasan":
                merged[c] = left.fillna(right) if left is not None else right
            else:
                merged[c] = (left.fillna(False).astype(bool) if left is not None else False) | \
                    right.fillna(False).astype(bool)
            done.append(f"{c}_r")
    merged = merged.drop(columns=done)
    for s in STAGES:
        merged[s] = merged[s].astype(MONEY).fillna(ZERO)
        merged[f"sumber_{s}"] = merged[f"sumber_{s}"].fillna("")
    status = pd.Series("tetap", index=merged.index)
    status[merged["revised"] < merged["baseline"]] = "dipotong"
    status[merged["revised"] > merged["baseline"]] = "naik"
    status[merged["_merge"] == "left_only"] = "dihapus"
    status[merged["_merge"] == "right_only"] = "baru"
    # one integer per move key (the compared texts of MOVE_KEY), not a tuple a row
    move = merged.groupby([f"_k_{c}" for c in MOVE_KEY], sort=False, dropna=False).ngroup()
    both = set(move[status == "dihapus"]) & set(move[status == "baru"])
    if both:
        moved = move.isin(both) & status.isin(["dihapus", "baru"])
        status[moved] = "dipindah"
    merged["perubahan"] = status
    return merged.drop(columns=["_merge", *keys])
