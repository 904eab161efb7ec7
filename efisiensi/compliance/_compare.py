"""Stage comparison: sum each target's lines per stage, and match lines across stages.

Everything here is exact decimal arithmetic on the money dtype; there is no float on
the way from a cell to a shortfall. ``change_pct`` alone is a float, for display.
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, Decimal

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


def _mapped(s: pd.Series, fn) -> pd.Series:
    """``fn`` applied once per distinct value (key columns repeat a few values many times)."""
    uniq = s.unique()
    return s.map(dict(zip(uniq, (fn(v) for v in uniq), strict=True)))


def key_column(table: pd.DataFrame, column: str) -> pd.Series:
    """A key column as compared across stages: unit codes by segment, account codes as
    read, every text with its spelling noise (case, spaces, NBSP, zero-width) removed."""
    if column in UNIT_CODE_COLUMNS:
        return _mapped(table[column], normalize_unit_code)
    if column == "kode_rekening":
        return _mapped(table[column], clean_text)
    return _mapped(table[column], normalize_name)


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


def _provenance(frame: pd.DataFrame) -> pd.Series:
    sheet = frame["sumber_sheet"].where(frame["sumber_sheet"] == "", ":" + frame["sumber_sheet"])
    return frame["sumber_file"].map(lambda p: p.replace("\\", "/").rsplit("/", 1)[-1]) + sheet + ":" + \
        frame["sumber_baris"].astype(str)


def match_lines(stages: dict[str, pd.DataFrame], categories: list[str]) -> pd.DataFrame:
    """Aggregate each stage on :data:`LINE_KEY` and join: one row per line with both amounts.

    Lines are matched on the key as compared across stages (:func:`key_column`: SKPD
    codes by segment, names without case or spacing noise); each line shows the text of
    the stage it was first seen in. ``perubahan`` says what happened to the line:
    ``dipotong`` (cut), ``naik`` (increased), ``tetap`` (unchanged), ``baru`` (added),
    ``dihapus`` (removed) or ``dipindah`` (moved to another sub kegiatan or funding source).
    """
    keys = [f"_k_{c}" for c in LINE_KEY]
    parts = []
    for stage, table in stages.items():
        t = table.copy()
        t["_src"] = _provenance(t)
        for c, k in zip(LINE_KEY, keys, strict=True):
            t[k] = key_column(t, c)
        agg = {c: "first" for c in LINE_KEY}
        agg.update({"anggaran": "sum", "_src": lambda s: "; ".join(s)})
        agg.update({c: "max" for c in categories if c in t})
        if "kategori_alasan" in t:
            agg["kategori_alasan"] = "first"
        g = t.groupby(keys, sort=False, dropna=False).agg(agg).reset_index()
        g = g.rename(columns={"anggaran": stage, "_src": f"sumber_{stage}"})
        parts.append((stage, g))
    if len(parts) == 1:
        stage, g = parts[0]
        g = g.drop(columns=keys)
        g["revised"] = pd.Series([None] * len(g), dtype=MONEY)
        g["sumber_revised"] = ""
        g["perubahan"] = ""
        return g
    (_, a), (_, b) = parts
    cats = [c for c in categories if c in a or c in b]
    merged = a.merge(b, on=keys, how="outer", suffixes=("", "_r"), indicator=True)
    for c in LINE_KEY:  # a line only in the revised stage shows the revised text
        merged[c] = merged[c].fillna(merged[f"{c}_r"])
        merged = merged.drop(columns=f"{c}_r")
    for c in cats + ["kategori_alasan"]:
        if f"{c}_r" in merged:
            left = merged[c] if c in merged else None
            right = merged[f"{c}_r"]
            if c == "kategori_alasan":
                merged[c] = left.fillna(right) if left is not None else right
            else:
                merged[c] = (left.fillna(False).astype(bool) if left is not None else False) | \
                    right.fillna(False).astype(bool)
            merged = merged.drop(columns=f"{c}_r")
    for s in STAGES:
        merged[s] = merged[s].astype(MONEY).fillna(ZERO)
        merged[f"sumber_{s}"] = merged[f"sumber_{s}"].fillna("")
    status = pd.Series("tetap", index=merged.index)
    status[merged["revised"] < merged["baseline"]] = "dipotong"
    status[merged["revised"] > merged["baseline"]] = "naik"
    status[merged["_merge"] == "left_only"] = "dihapus"
    status[merged["_merge"] == "right_only"] = "baru"
    move = [f"_k_{c}" for c in MOVE_KEY]
    gone = merged.loc[status == "dihapus", move].apply(tuple, axis=1)
    came = merged.loc[status == "baru", move].apply(tuple, axis=1)
    both = set(gone) & set(came)
    if both:
        moved = merged[move].apply(tuple, axis=1).isin(both) & status.isin(["dihapus", "baru"])
        status[moved] = "dipindah"
    merged["perubahan"] = status
    return merged.drop(columns=["_merge", *keys])
