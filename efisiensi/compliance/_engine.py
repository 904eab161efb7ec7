"""The map side of the audit: one source in, its exact partials out.

The audit is a map over sources and one reduce (:mod:`._reduce`). :func:`map_table`
turns one categorized table into its *partial*: per stage, the exact sums per target,
per target × SKPD and per file, and the lines aggregated on the line key. A partial
is a plain dict (JSON with exact decimals, see :mod:`._distributed`) and, for the
lines, a DataFrame kept in memory or spilled to Parquet in a run folder. Adding the
partials of any split of the rows gives the partial of the whole (exact decimals,
aggregates of aggregates), which is why a serial run, a per-file run and a Dask run
give one result.

A stage key names where a stage's amounts come from. Today the keys are the amount
columns (``anggaran``; ``anggaran_sebelum`` where every row carries both stages);
:func:`stage_tables` is the one place that splits a table into stages, so more stages
(a ``tahap`` column in long form) add keys here, and the reduce orders them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._errors import Finding, LoadError
from .._money import MONEY
from .._schema import empty_line_items, validate
from .._version import __version__
from ._compare import LINE_KEY, ZERO, agency_key, aggregate_lines, provenance, target_mask
from ._policy import Policy, load_policy

#: Amount columns that can hold a stage, in the order the stages come.
AMOUNTS = ("anggaran_sebelum", "anggaran")
#: 3: agencies carry their key and their code as written; lines keyed on cleaned keys;
#: 4: partials carry the files' fingerprints (``prints``) the stage guards decide from
FORMAT = 4


@dataclass
class Context:
    """Everything a map task needs, compiled once per process and parameter set."""

    policy: Policy
    pack: Any  # the compiled RulePack
    rules_name: str
    extra_rules: Any
    pins: Any
    columns: dict[str, str] | None
    unit: int | None
    categories: list[str]
    policy_cats: list[str]
    fingerprint: str
    raw: dict = field(default_factory=dict)  # the parameters as given (for tasks on workers)

    def parameters(self) -> dict:
        """The audit trail's parameters (``run_at`` is added by the reduce)."""
        return {"policy": self.policy.id, "policy_version": self.policy.version, "rules": self.rules_name,
                "extra_rules": None if self.extra_rules is None else str(self.extra_rules),
                "pins": None if self.pins is None else len(self.pins),
                "columns": self.columns, "unit": self.unit}


_CONTEXTS: dict[str, Context] = {}


def _fingerprint(params: dict) -> str:
    def norm(v: Any) -> Any:
        if isinstance(v, pd.DataFrame):
            return hashlib.sha256(pd.util.hash_pandas_object(v, index=True).values.tobytes()).hexdigest()
        if isinstance(v, dict):
            return {str(k): norm(x) for k, x in sorted(v.items(), key=lambda kv: str(kv[0]))}
        if isinstance(v, list | tuple):
            return [norm(x) for x in v]
        return str(v) if v is not None else None

    text = json.dumps({"efisiensi": __version__, "format": FORMAT, **{k: norm(v) for k, v in params.items()}},
                      sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def context(policy: Any = "inpres-1-2025", rules: Any = None, extra_rules: Any = None, pins: Any = None,
            columns: dict[str, str] | None = None, unit: int | None = None) -> Context:
    """The policy, the compiled rule pack and the category columns, once per process."""
    from ..categories import load_pack

    pol = load_policy(policy)
    raw = {"policy": policy, "rules": rules, "extra_rules": extra_rules, "pins": pins,
           "columns": columns, "unit": unit}
    fp = _fingerprint({**raw, "policy": pol.path if not isinstance(policy, Policy) else repr(policy),
                       "policy_id": pol.id, "policy_version": pol.version})
    if fp in _CONTEXTS:
        return _CONTEXTS[fp]
    rules_src = rules or pol.rules
    pack = load_pack(rules_src, extra_rules)
    categories = [c.id for c in pack.categories]
    policy_cats = [c for c in dict.fromkeys(t.category for t in pol.targets) if c in categories]
    ctx = Context(pol, pack, str(rules_src), extra_rules, pins, columns, unit, categories, policy_cats, fp, raw)
    if len(_CONTEXTS) > 32:
        _CONTEXTS.clear()
    _CONTEXTS[fp] = ctx
    return ctx


def stage_tables(table: pd.DataFrame) -> list[str]:
    """The stage keys a categorized table carries (see the module docstring)."""
    n = len(table)
    keys = []
    if n and int(table["anggaran_sebelum"].notna().sum()) == n:
        keys.append("anggaran_sebelum")
    keys.append("anggaran")
    return keys


def _stage_partial(t: pd.DataFrame, amount: pd.Series, masks: dict[str, pd.Series], key: pd.Series,
                   any_cat: pd.Series) -> dict:
    targets, by_agency = {}, {}
    for tid, mask in masks.items():
        sel = amount[mask]
        targets[tid] = Decimal(sel.sum()) if len(sel) else ZERO
        by_agency[tid] = {k: Decimal(v) for k, v in sel.groupby(key[mask], sort=False).sum().items()}
    # per file, in the order files first appear: one grouped sum each, not a loop over files
    codes, files = pd.factorize(t["sumber_file"], use_na_sentinel=False)
    m = any_cat.to_numpy(dtype=bool)
    rows = np.bincount(codes, minlength=len(files))
    read, cat, unc = (amount.where(w).groupby(codes).sum().tolist() for w in (np.ones(len(m), bool), m, ~m))
    recon = [{"file": f, "rows": int(rows[i]), "read": Decimal(read[i]), "cat": Decimal(cat[i]),
              "unc": Decimal(unc[i])} for i, f in enumerate(files)]
    return {"total": Decimal(amount.sum()) if len(amount) else ZERO, "rows": len(t), "targets": targets,
            "by_agency": by_agency, "recon": recon}


def map_table(labelled: pd.DataFrame, ctx: Context, *, findings: list[dict], sources: list[dict],
              files: list[str], spill: Path | None = None, key: str = "") -> dict:
    """The partial of one categorized table (one file, or a table given by the user).

    With ``spill`` (a run folder) the line aggregates go to ``<key>.<stage>.agg.parquet``
    and the partial is plain data; without it they stay in memory under ``lines``. The
    partial carries the fingerprints of its files (``prints``, :func:`._guards.source_prints`)
    from which the reduce's stage guard rails decide.
    """
    from ._guards import source_prints

    prints = source_prints(labelled, sources)
    t = labelled.copy(deep=False)
    t.attrs = {}  # findings and sources travel beside the frame, never copied per group
    n = len(t)
    keys = stage_tables(t)
    agency = agency_key(t)
    masks = {target.id: target_mask(t, target) for target in ctx.policy.targets}
    any_cat = t[ctx.policy_cats].any(axis=1) if ctx.policy_cats else pd.Series(False, index=t.index)
    amounts = {}
    for k in keys:
        col = t[k] if k == "anggaran" else t[k].fillna(ZERO).astype(MONEY)
        amounts[k] = col
        t[f"_amt_{k}"] = col
    t["_src"] = provenance(t) if n else pd.Series([], dtype="str")
    agg = aggregate_lines(t, ctx.categories, amounts=[f"_amt_{k}" for k in keys])
    stages = {}
    for k in keys:
        part = _stage_partial(t, amounts[k], masks, agency, any_cat)
        lines = _stage_lines(agg, k, keys)
        if spill is not None:
            name = f"{key}.{k}.agg.parquet"
            lines.to_parquet(spill / name, index=False)
            part["lines_file"] = name
        else:
            part["lines"] = lines
        stages[k] = part
    # the SKPD key (:func:`agency_key`), its code as this source writes it, and its name
    shown = t["kode_skpd"].where(t["kode_skpd"] != "", t["nama_skpd"])
    agencies = pd.DataFrame({"k": agency, "c": shown, "n": t["nama_skpd"]}).drop_duplicates("k")
    return {"status": "ok", "findings": list(findings), "sources": [dict(s) for s in sources], "files": files,
            "rows": n, "rows_before": int(t["anggaran_sebelum"].notna().sum()),
            "agencies": [list(r) for r in agencies.itertuples(index=False)], "stages": stages, "prints": prints}


def _stage_lines(agg: pd.DataFrame, k: str, keys: list[str]) -> pd.DataFrame:
    drop = [f"_amt_{x}" for x in keys if x != k]
    return agg.drop(columns=drop).rename(columns={f"_amt_{k}": "anggaran"})


def empty_lines(categories: list[str]) -> pd.DataFrame:
    """A stage's line aggregate without lines (the columns :func:`aggregate_lines` gives)."""
    out = pd.DataFrame({c: pd.Series([], dtype="str") for c in LINE_KEY})
    out["anggaran"] = pd.Series([], dtype=MONEY)
    out["_src"] = pd.Series([], dtype="str")
    for c in categories:
        out[c] = pd.Series([], dtype=bool)
    out["kategori_alasan"] = pd.Series([], dtype="str")
    return out


def map_files(job: dict) -> dict:
    """Read, validate and categorize a batch of files; their partial (the map task).

    ``job`` holds ``files`` (each ``path``, ``display``, ``explicit``), ``errors``,
    ``params`` (the audit parameters as given), and for a run folder ``run_dir`` and
    ``key``. The files are validated and categorized as one table, so the fixed cost of
    a call is paid once per batch, not once per small file; the partial of a batch is
    the sum of its files' partials. Runs the same way in this process and on a Dask
    worker; the policy and the rule pack are compiled once per process.
    """
    from .._load import load_file
    from ..categories import categorize
    from ..read.base import ReadOptions

    ctx = context(**job["params"])
    options = ReadOptions(columns=dict(ctx.columns or {}), unit=ctx.unit)
    frames, found, sources = [], [], []
    for f in job["files"]:
        display = f["display"]
        try:
            table, notes, src = load_file(Path(f["path"]), options, display)
        except LoadError as err:
            if job["errors"] == "raise" or (job["errors"] == "auto" and f["explicit"]):
                raise
            found.append(Finding("file_unreadable", err.message, err.file or display, err.sheet, err.row,
                                 "error").as_record())
            continue
        found += [n.as_record() if isinstance(n, Finding) else dict(n) for n in notes]
        frames.append(table)
        sources.append(dict(src) if isinstance(src, dict) else dict(vars(src)))
    table = validate(pd.concat(frames, ignore_index=True) if frames else empty_line_items())
    table.attrs = {}
    table, notes = select(table, job.get("exclude"), job.get("tahun"))
    found += notes
    labelled = categorize(table, ctx.pack, pins=ctx.pins)
    spill = Path(job["run_dir"]) if job.get("run_dir") else None
    return map_table(labelled, ctx, findings=found, sources=sources, files=[s["path"] for s in sources],
                     spill=spill, key=job.get("key", ""))


def map_frame(source: pd.DataFrame, ctx: Context, exclude: list | None = None, tahun: int | None = None) -> dict:
    """The partial of a table the user loaded (or built): validated unless loaded by
    efisiensi; its findings and sources are those the loader recorded in ``attrs``.
    ``exclude`` and ``tahun`` as in :func:`select`."""
    from .._schema import conform
    from ..categories import categorize

    attrs = source.attrs
    table = source.copy(deep=False) if "sources" in attrs else validate(conform(source))
    table.attrs = {}
    sources = [dict(s) for s in attrs.get("sources") or []]
    files = [s["path"] for s in sources] or list(dict.fromkeys(table["sumber_file"]))
    table, notes = select(table, exclude, tahun)
    labelled = categorize(table, ctx.pack, pins=ctx.pins)
    return map_table(labelled, ctx, findings=[*(dict(f) for f in attrs.get("findings") or []), *notes],
                     sources=sources, files=files)


def select(table: pd.DataFrame, exclude: list | None = None, tahun: int | None = None
           ) -> tuple[pd.DataFrame, list[dict]]:
    """The rows a map task audits: without the content the stage guards left out
    (``exclude``: ``[file, None]`` a whole file, ``[file, sheet]`` one sheet, see
    :class:`._guards.Verdict`) and, with ``tahun``, without the rows of another year (a
    finding names their files). Sources and load findings stay: the file was read."""
    notes: list[dict] = []
    keep = pd.Series(True, index=table.index)
    for f, sheet in exclude or []:
        m = table["sumber_file"] == f
        keep &= ~(m if sheet is None else m & (table["sumber_sheet"] == sheet))
    if tahun is not None:
        other = table["tahun"].notna() & (table["tahun"] != tahun)
        if other.any():
            files = ", ".join(dict.fromkeys(Path(f).name for f in table.loc[other, "sumber_file"]))
            notes.append(Finding("other_year_skipped", f"baris tahun lain dilewati (tahun={tahun}): {files}",
                                 severity="info").as_record())
            keep &= ~other
    if bool(keep.all()):
        return table, notes
    return table.loc[keep].reset_index(drop=True), notes
