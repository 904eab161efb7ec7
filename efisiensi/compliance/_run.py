"""``efisiensi.audit``: load, categorize, compare the stages, reconcile."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from .._errors import Finding, LoadError
from .._load import findings as load_findings
from .._load import findings_frame, load
from .._money import MONEY
from .._schema import conform, validate
from ._compare import ZERO, agency_key, judge, match_lines, stage_sums
from ._guards import guard_stages
from ._policy import Policy, load_policy
from ._result import RESULT_COLUMNS, Audit

Source = str | Path | pd.DataFrame | Iterable[str | Path]


def _as_table(source: Source, load_kwargs: dict) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        if "sources" in source.attrs:  # loaded by efisiensi: already validated
            return source
        table = validate(conform(source))
        table.attrs.update(findings=[], sources=[])
        return table
    return load(source, **load_kwargs)


def _files(table: pd.DataFrame) -> list[str]:
    srcs = table.attrs.get("sources") or []
    return [s["path"] for s in srcs] or list(dict.fromkeys(table["sumber_file"]))


def _without_attrs(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy(deep=False)
    out.attrs = {}
    return out


def _stage_amounts(table: pd.DataFrame, column: str) -> pd.DataFrame:
    t = table.copy()
    if column != "anggaran":
        t["anggaran"] = t[column].fillna(ZERO).astype(MONEY)
    return t


def audit(
    baseline: Source | None = None,
    revised: Source | None = None,
    policy: str | Path | Policy = "inpres-1-2025",
    *,
    rules: str | Path | None = None,
    extra_rules: Any = None,
    pins: Any = None,
    columns: dict[str, str] | None = None,
    unit: int | None = None,
    progress: bool | Callable[[int, int, str], None] = False,
    workers: int | None = None,
    client: Any = None,
    run_dir: str | Path | None = None,
    multi_year: bool = False,
    stages: Any = None,
    judge_at: str | None = None,
    tahun: int | None = None,
) -> Audit:
    """Audit a budget against a policy: baseline vs revised, per target and per SKPD.

    Parameters
    ----------
    baseline
        The APBD murni: path(s), a folder, a glob, or a loaded table. When it carries both
        stages in the same rows (DPPA Sebelum/Sesudah, SIPD ``total_harga_murni``), it is
        enough alone.
    revised
        The revised budget (pergeseran / penyesuaian / perubahan), same forms. Without it,
        a one-stage source is *profiled* (status ``profile``).
    policy
        ``"inpres-1-2025"`` (default), ``"s37-2025"``, or the path of a policy TOML file.
    rules, extra_rules, pins
        The rule pack (default: the policy's), user rules and pinned labels, passed to
        :func:`efisiensi.categorize`.
    progress
        ``True`` for a line per file on stderr, or a callback ``f(done, total, path)``.
    workers, client, run_dir
        Scale-out (``pip install 'efisiensi[dask]'``): ``workers=N`` loads and categorizes
        one file per task on a local Dask cluster of N processes; ``client=`` uses an
        existing ``distributed.Client`` (e.g. ``Client("tcp://host:8786")``; files and
        ``run_dir`` must then be on a filesystem the workers share). Each file's lines
        and exact partial sums go to ``run_dir`` (a temporary folder by default); run
        again with the same ``run_dir`` and files already done (same SHA-256, same
        parameters) are reused. The result is the same Audit as a serial run.
        ``workers=1`` runs the same per-file path in this process.
    multi_year
        Add the files of several budget years into one stage (refused by default: a
        stage is one year).
    stages, judge_at, tahun
        The budget timeline (murni → pergeseran → penyesuaian → perubahan → realisasi):
        ``stages={"murni": path, "penyesuaian": path, "perubahan": path}`` in order, or a
        folder / glob / list of SIPD stage files (their names say the stage). A
        ``baseline`` folder whose file names hold two or more stages runs the timeline
        too. The target is judged at ``judge_at`` (default: the efisiensi/penyesuaian
        stage) against the first stage, and said to hold or not at every later stage
        (``Audit.timeline``); ``tahun`` picks one year of a folder of several.

    Returns
    -------
    Audit
        ``summary``, ``by_agency``, ``lines``, ``findings``, ``reconciliation``,
        ``to_json()``.
    """
    from ..categories import CATEGORY_IDS, categorize

    # the budget timeline (issue 11): N ordered stages, judged on this same engine
    from ._timeline import audit_timeline, is_timeline_source

    timeline_kw = {"judge_at": judge_at, "tahun": tahun, "multi_year": multi_year, "rules": rules,
                   "extra_rules": extra_rules, "pins": pins, "columns": columns, "unit": unit, "progress": progress}
    if stages is not None or (revised is None and tahun is not None) or (
            revised is None and workers is None and client is None and is_timeline_source(baseline)):
        return audit_timeline(baseline if stages is None else stages, policy, **timeline_kw)
    if baseline is None:
        raise LoadError("beri baseline (dan revised), atau stages=")
    if workers is not None or client is not None or run_dir is not None:
        from ._distributed import audit_files, is_file_source

        if is_file_source(baseline) and (revised is None or is_file_source(revised)):
            return audit_files(baseline, revised, policy, rules=rules, extra_rules=extra_rules, pins=pins,
                               columns=columns, unit=unit, progress=progress, workers=workers,
                               client=client, run_dir=run_dir)
    pol = load_policy(policy)
    kw = {"columns": columns, "unit": unit, "progress": progress}
    base_tab = _as_table(baseline, kw)
    rev_tab = _as_table(revised, kw) if revised is not None else None
    if rev_tab is None and is_timeline_source(base_tab):  # one file with several stage columns
        return audit_timeline(base_tab, policy, **timeline_kw)
    # stage guard rails (issue 11): one file per stage, one year per stage, duplicates once
    base_tab, rev_tab = guard_stages(base_tab, rev_tab, multi_year=multi_year)
    pack = rules or pol.rules
    cat_kw = {"extra_rules": extra_rules, "pins": pins}

    stages: dict[str, pd.DataFrame] = {}
    if rev_tab is None:
        has_before = base_tab["anggaran_sebelum"].notna()
        if has_before.any() and not has_before.all():
            raise LoadError("sebagian baris memuat dua tahap (sebelum/sesudah) dan sebagian satu tahap; "
                            "berikan baseline dan revised secara terpisah")
        labelled = categorize(base_tab, pack, **cat_kw)
        if has_before.all() and len(base_tab):
            stages["baseline"] = _stage_amounts(labelled, "anggaran_sebelum")
            stages["revised"] = labelled
            base_files = rev_files = _files(base_tab)
        else:
            stages["baseline"] = labelled
            base_files, rev_files = _files(base_tab), None
    else:
        stages["baseline"] = categorize(base_tab, pack, **cat_kw)
        stages["revised"] = categorize(rev_tab, pack, **cat_kw)
        base_files, rev_files = _files(base_tab), _files(rev_tab)
    categories = [c for c in stages["baseline"].columns if c in CATEGORY_IDS or
                  (stages["baseline"][c].dtype == bool and c not in base_tab.columns)]

    summary = _summary(pol, stages)
    by_agency = _by_agency(pol, stages)
    # without attrs: pandas deep-copies a frame's attrs (here every finding and source) into
    # each group of the per-line aggregation, which made many-file audits quadratic
    lines = match_lines({s: _without_attrs(t) for s, t in stages.items()}, categories)
    # "categorized" in the reconciliation means: counted in one of the policy's categories
    policy_cats = [c for c in dict.fromkeys(t.category for t in pol.targets) if c in categories]
    reconciliation = _reconcile(stages, lines, policy_cats)

    found = []
    for stage, tab in (("baseline", base_tab), ("revised", rev_tab)):
        if tab is None or (stage == "revised" and rev_tab is None):
            continue
        f = load_findings(tab).copy()
        f["stage"] = stage
        found.append(f)
    audit_f = _audit_findings(pol, stages, by_agency, reconciliation)
    findings = pd.concat([*found, audit_f], ignore_index=True) if found else audit_f
    sources = []
    for stage, tab in (("baseline", base_tab), ("revised", rev_tab)):
        for s in (tab.attrs.get("sources") or []) if tab is not None else []:
            sources.append({**s, "stage": stage})
    totals = {s: (Decimal(t["anggaran"].sum()) if len(t) else ZERO) for s, t in stages.items()}
    totals.setdefault("revised", None)
    params = {"policy": pol.id, "policy_version": pol.version, "rules": str(pack),
              "extra_rules": None if extra_rules is None else str(extra_rules),
              "pins": None if pins is None else len(pins),
              "columns": columns, "unit": unit,
              "run_at": datetime.now(UTC).isoformat(timespec="seconds")}
    return Audit(pol, summary, by_agency, lines, findings, reconciliation, base_files, rev_files,
                 totals, sources, params, categories)


def _rows(pol: Policy, base: dict, rev: dict | None, extra: dict | None = None) -> list[dict]:
    rows = []
    for t in pol.targets:
        b = base[t.id]
        r = rev[t.id] if rev is not None else None
        res = judge(t, b, r)
        rows.append({**(extra or {}), "target": t.id, "category": t.label, "kind": t.kind, **res,
                     "citation": t.citation, "scope": t.scope.describe(), "legal_source": pol.legal_source})
    return rows


def _summary(pol: Policy, stages: dict[str, pd.DataFrame]) -> pd.DataFrame:
    sums = stage_sums(stages, pol)
    base = {k: v["baseline"] for k, v in sums.items()}
    rev = {k: v["revised"] for k, v in sums.items()} if "revised" in stages else None
    return _typed(pd.DataFrame(_rows(pol, base, rev), columns=RESULT_COLUMNS))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for c in ("baseline", "revised", "change", "shortfall"):
        frame[c] = frame[c].astype(MONEY)
    frame["change_pct"] = frame["change_pct"].astype("Float64")
    frame["target_cut_pct"] = frame["target_cut_pct"].astype("Float64")
    return frame


def _agencies(stages: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every SKPD seen in any stage: its key (:func:`agency_key`), its code as the first
    stage writes it, and the name that stage gives it."""
    parts = [t[["kode_skpd", "nama_skpd"]].assign(key_skpd=agency_key(t)) for t in stages.values()]
    both = pd.concat(parts, ignore_index=True)
    both["kode_skpd"] = both["kode_skpd"].where(both["kode_skpd"] != "", both["nama_skpd"])
    return both.drop_duplicates("key_skpd").sort_values("kode_skpd", kind="stable").reset_index(drop=True)


def _by_agency(pol: Policy, stages: dict[str, pd.DataFrame]) -> pd.DataFrame:
    keyed = {s: t.assign(key_skpd=agency_key(t)) for s, t in stages.items()}
    sums = stage_sums(keyed, pol, by=["key_skpd"])
    rows = []
    for a in _agencies(stages).itertuples(index=False):
        base = {k: _get(v["baseline"], a.key_skpd) for k, v in sums.items()}
        rev = {k: _get(v["revised"], a.key_skpd) for k, v in sums.items()} if "revised" in stages else None
        rows += _rows(pol, base, rev, {"kode_skpd": a.kode_skpd, "nama_skpd": a.nama_skpd})
    frame = pd.DataFrame(rows, columns=["kode_skpd", "nama_skpd", *RESULT_COLUMNS])
    return _typed(frame)


def _get(series: pd.Series, key: str) -> Decimal:
    v = series.get(key) if len(series) else None
    return ZERO if v is None or v is pd.NA else Decimal(v)


def _reconcile(stages: dict[str, pd.DataFrame], lines: pd.DataFrame, categories: list[str]) -> pd.DataFrame:
    rows = []
    for stage, t in stages.items():
        any_cat = t[categories].any(axis=1) if categories else pd.Series(False, index=t.index)
        for f, g in t.groupby("sumber_file", sort=False):
            mask = any_cat.loc[g.index]
            read = Decimal(g["anggaran"].sum())
            cat = Decimal(g.loc[mask, "anggaran"].sum()) if mask.any() else ZERO
            unc = Decimal(g.loc[~mask, "anggaran"].sum()) if (~mask).any() else ZERO
            rows.append({"stage": stage, "file": f, "rows": len(g), "total_read": read, "categorized": cat,
                         "uncategorized": unc, "difference": read - cat - unc, "ok": read == cat + unc})
        read = Decimal(t["anggaran"].sum()) if len(t) else ZERO
        in_lines = Decimal(lines[stage].sum()) if len(lines) else ZERO
        rows.append({"stage": stage, "file": "(semua berkas: rincian yang dicocokkan)", "rows": len(t),
                     "total_read": read, "categorized": None, "uncategorized": None,
                     "difference": read - in_lines, "ok": read == in_lines})
    frame = pd.DataFrame(rows, columns=["stage", "file", "rows", "total_read", "categorized", "uncategorized",
                                        "difference", "ok"])
    for c in ("total_read", "categorized", "uncategorized", "difference"):
        frame[c] = frame[c].astype(MONEY)
    return frame


def _audit_findings(pol: Policy, stages: dict, by_agency: pd.DataFrame, rec: pd.DataFrame) -> pd.DataFrame:
    out: list[Finding] = []
    for r in rec.itertuples(index=False):
        if not r.ok:
            out.append(Finding("reconciliation_mismatch",
                               f"tahap {r.stage}: total terbaca {r.total_read} tidak sama dengan rincian "
                               f"(selisih {r.difference})", r.file, severity="error"))
    if "revised" in stages:
        names = _agencies(stages).set_index("key_skpd")["kode_skpd"]
        seen = {s: set(agency_key(t)) for s, t in stages.items()}
        for k in sorted(seen["baseline"] - seen["revised"]):
            out.append(Finding("skpd_missing_in_stage", f"SKPD {names[k]} ada di baseline tetapi tidak di revisi "
                               "(penurunan 100 % di SKPD ini bukan bukti efisiensi)", severity="warning"))
        for k in sorted(seen["revised"] - seen["baseline"]):
            out.append(Finding("skpd_missing_in_stage", f"SKPD {names[k]} ada di revisi tetapi tidak di baseline",
                               severity="warning"))
    f = findings_frame(out)
    f["stage"] = None
    return f
