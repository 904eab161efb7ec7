"""Scale-out: one task per input file, partial aggregates reduced into the same Audit.

Each file is loaded, validated and categorized by :func:`process_file` (in this process,
or on a Dask worker), which writes into a *run folder*:

* ``<key>.lines.parquet`` — the file's categorized line items (they stay on disk);
* ``<key>.<amount>.agg.parquet`` — the file's lines aggregated on the line key;
* ``<key>.json`` — findings, source metadata (SHA-256), and exact partial sums per
  target, per target × SKPD and per file, for each amount column.

Only that small JSON travels back. :func:`reduce_audit` adds the partial sums (exact
decimals, so the order of addition cannot change a sen) and rebuilds ``lines`` from the
per-file aggregates with :func:`~efisiensi.compliance._compare.match_lines`, so the
Audit equals the one :func:`efisiensi.audit` builds from whole tables. A file whose
``<key>.json`` is already in the run folder with the same input SHA-256 and the same
parameters is not read again: an interrupted run resumes where it stopped.

With a remote scheduler the input files and the run folder must be on a filesystem
the workers and the client share (same paths).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from .._errors import Finding, LoadError
from .._load import _expand, _progress_callback, _sha256, load_file
from .._load import findings as load_findings
from .._money import MONEY
from .._schema import empty_line_items, validate
from .._version import __version__
from ..read.base import ReadOptions
from ._compare import LINE_KEY, ZERO, _provenance, match_lines, target_mask
from ._policy import Policy, load_policy
from ._result import RESULT_COLUMNS, Audit

AMOUNTS = ("anggaran", "anggaran_sebelum")
_FORMAT = 1


# ------------------------------------------------------------------ exact JSON


def _enc(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return {"__decimal__": str(obj)}
    if isinstance(obj, tuple):
        return {"__tuple__": [_enc(v) for v in obj]}
    if isinstance(obj, list):
        return [_enc(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _enc(v) for k, v in obj.items()}
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    return obj


def _dec(obj: dict) -> Any:
    if "__decimal__" in obj and len(obj) == 1:
        return Decimal(obj["__decimal__"])
    if "__tuple__" in obj and len(obj) == 1:
        return tuple(obj["__tuple__"])
    return obj


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(_enc(data), ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(tmp, path)  # a file is either complete or absent: safe to resume after a kill


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"), object_hook=_dec)


# ------------------------------------------------------------------ one file


def _categories(labelled: pd.DataFrame, items: pd.DataFrame) -> list[str]:
    from ..categories import CATEGORY_IDS

    return [c for c in labelled.columns if c in CATEGORY_IDS or
            (labelled[c].dtype == bool and c not in items.columns)]


def _agency_key(t: pd.DataFrame) -> pd.Series:
    return t["kode_skpd"].where(t["kode_skpd"] != "", t["nama_skpd"])


def _line_aggregate(t: pd.DataFrame, categories: list[str]) -> pd.DataFrame:
    """What match_lines computes per stage, for one file's lines."""
    t = t.copy()
    t["_src"] = _provenance(t)
    agg: dict[str, Any] = {"anggaran": "sum", "_src": lambda s: "; ".join(s)}
    agg.update({c: "max" for c in categories if c in t})
    if "kategori_alasan" in t:
        agg["kategori_alasan"] = "first"
    return t.groupby(LINE_KEY, sort=False, dropna=False).agg(agg).reset_index()


def _partials(t: pd.DataFrame, pol: Policy, policy_cats: list[str]) -> dict:
    """Exact sums of one stage table (``anggaran`` holds the stage's amounts)."""
    key = _agency_key(t)
    targets, by_agency = {}, {}
    for target in pol.targets:
        mask = target_mask(t, target)
        sel = t.loc[mask]
        targets[target.id] = Decimal(sel["anggaran"].sum()) if len(sel) else ZERO
        by_agency[target.id] = {k: Decimal(v) for k, v in
                                sel["anggaran"].groupby(key[mask], sort=False).sum().items()}
    any_cat = t[policy_cats].any(axis=1) if policy_cats else pd.Series(False, index=t.index)
    recon = []
    for f, g in t.groupby("sumber_file", sort=False):
        mask = any_cat.loc[g.index]
        recon.append({
            "file": f, "rows": len(g), "read": Decimal(g["anggaran"].sum()),
            "cat": Decimal(g.loc[mask, "anggaran"].sum()) if mask.any() else ZERO,
            "unc": Decimal(g.loc[~mask, "anggaran"].sum()) if (~mask).any() else ZERO})
    total = Decimal(t["anggaran"].sum()) if len(t) else ZERO
    return {"total": total, "targets": targets, "by_agency": by_agency, "recon": recon}


def process_file(job: dict) -> dict:
    """Load, validate and categorize one file; write its lines and partials to the run folder.

    ``job`` holds ``path``, ``display``, ``explicit``, ``errors``, ``sha256``, ``key``,
    ``run_dir``, ``fingerprint`` and the audit parameters. Returns the partials (the
    content of ``<key>.json``). Runs the same way in this process and on a worker.
    """
    from ..categories import categorize

    run_dir = Path(job["run_dir"])
    key = job["key"]
    pol = load_policy(job["policy"])
    pack = job["rules"] or pol.rules
    out: dict[str, Any] = {"format": _FORMAT, "key": key, "display": job["display"], "sha256": job["sha256"],
                           "fingerprint": job["fingerprint"]}
    options = ReadOptions(columns=dict(job["columns"] or {}), unit=job["unit"])
    try:
        table, found, src = load_file(Path(job["path"]), options, job["display"])
    except LoadError as err:
        if job["errors"] == "raise" or (job["errors"] == "auto" and job["explicit"]):
            raise
        out.update(status="unreadable", findings=[Finding("file_unreadable", err.message, err.file or job["display"],
                                                          err.sheet, err.row, "error").as_record()])
        _write_json(run_dir / f"{key}.json", out)
        return out
    table = validate(table)
    labelled = categorize(table, pack, extra_rules=job["extra_rules"], pins=job["pins"])
    labelled.attrs = {}
    categories = _categories(labelled, table)
    policy_cats = [c for c in dict.fromkeys(t.category for t in pol.targets) if c in categories]
    labelled.to_parquet(run_dir / f"{key}.lines.parquet", index=False)
    n, n_before = len(table), int(table["anggaran_sebelum"].notna().sum())
    keys = _agency_key(table)
    agencies = pd.DataFrame({"k": keys, "n": table["nama_skpd"]}).drop_duplicates("k")
    amounts = {}
    for col in AMOUNTS:
        if col == "anggaran_sebelum" and not (n and n_before == n):
            continue
        t = labelled
        if col != "anggaran":
            t = labelled.copy()
            t["anggaran"] = t[col].fillna(ZERO).astype(MONEY)
        part = _partials(t, pol, policy_cats)
        agg_name = f"{key}.{col}.agg.parquet"
        _line_aggregate(t, categories).to_parquet(run_dir / agg_name, index=False)
        part["agg_file"] = agg_name
        amounts[col] = part
    out.update(status="ok", findings=[f.as_record() for f in found], source=dict(src.__dict__),
               rows=n, rows_before=n_before, categories=categories,
               agencies=[list(r) for r in agencies.itertuples(index=False)],
               lines_file=f"{key}.lines.parquet", amounts=amounts)
    _write_json(run_dir / f"{key}.json", out)
    return out


# ------------------------------------------------------------------ the run


def _fingerprint(params: dict) -> str:
    def norm(v: Any) -> Any:
        if isinstance(v, pd.DataFrame):
            return hashlib.sha256(pd.util.hash_pandas_object(v, index=True).values.tobytes()).hexdigest()
        if isinstance(v, dict):
            return {str(k): norm(x) for k, x in sorted(v.items(), key=lambda kv: str(kv[0]))}
        if isinstance(v, list | tuple):
            return [norm(x) for x in v]
        return str(v) if v is not None else None

    text = json.dumps({"efisiensi": __version__, **{k: norm(v) for k, v in params.items()}}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _jobs(paths: Any, role: str, params: dict, fingerprint: str, run_dir: Path, errors: str) -> list[dict]:
    jobs = []
    for path, explicit in _expand(paths):
        display = str(path)
        sha = _sha256(path) if path.is_file() else ""
        key = hashlib.sha256(f"{display}\0{sha}\0{fingerprint}".encode()).hexdigest()[:24]
        jobs.append({**params, "path": str(path), "display": display, "explicit": explicit, "errors": errors,
                     "sha256": sha, "key": key, "run_dir": str(run_dir), "fingerprint": fingerprint,
                     "role": role})
    if not jobs:
        raise LoadError("tidak ada berkas untuk dibaca")
    return jobs


def _done(job: dict) -> dict | None:
    """The partials of a file already processed in this run folder, if still valid."""
    path = Path(job["run_dir"]) / f"{job['key']}.json"
    if not path.exists():
        return None
    try:
        res = _read_json(path)
    except (OSError, ValueError):
        return None
    if res.get("format") != _FORMAT or res.get("sha256") != job["sha256"] or \
            res.get("fingerprint") != job["fingerprint"]:
        return None
    files = [res.get("lines_file")] + [a["agg_file"] for a in res.get("amounts", {}).values()]
    if res.get("status") == "ok" and not all((Path(job["run_dir"]) / f).exists() for f in files if f):
        return None
    return res


def run_files(jobs: list[dict], *, workers: int | None = None, client: Any = None,
              progress: bool | Callable[[int, int, str], None] = False) -> list[dict]:
    """Process every job (reusing finished ones); results in job order."""
    callback = _progress_callback(progress)
    results: list[dict | None] = [_done(j) for j in jobs]
    todo = [i for i, r in enumerate(results) if r is None]
    done = 0
    for i, r in enumerate(results):
        if r is not None:
            done += 1
            if callback:
                callback(done, len(jobs), jobs[i]["display"])
    if not todo:
        return results  # type: ignore[return-value]
    own = None
    if client is None and workers is not None and workers > 1:
        own = _local_client(workers)
        client = own
    try:
        if client is None:
            for i in todo:
                results[i] = process_file(jobs[i])
                done += 1
                if callback:
                    callback(done, len(jobs), jobs[i]["display"])
        else:
            from distributed import as_completed

            futures = {client.submit(process_file, jobs[i], key=f"efisiensi-{jobs[i]['key']}", pure=False): i
                       for i in todo}
            try:
                for fut in as_completed(list(futures)):
                    i = futures[fut]
                    results[i] = fut.result()
                    done += 1
                    if callback:
                        callback(done, len(jobs), jobs[i]["display"])
            except BaseException:
                client.cancel(list(futures))
                raise
    finally:
        if own is not None:
            cluster = own.cluster
            own.close()
            cluster.close()
    return results  # type: ignore[return-value]


def _local_client(workers: int):
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - depends on the extra
        raise ImportError("workers=N memerlukan Dask: pip install 'efisiensi[dask]'") from None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None)
    return Client(cluster)


# ------------------------------------------------------------------ reduce


class _Stage:
    """One stage assembled from per-file partials of one amount column."""

    def __init__(self, results: list[dict], column: str) -> None:
        self.parts = [(r, r["amounts"][column]) for r in results if r["status"] == "ok" and column in r["amounts"]]

    def total(self) -> Decimal:
        return sum((p["total"] for _, p in self.parts), ZERO)

    def target(self, tid: str) -> Decimal:
        return sum((p["targets"][tid] for _, p in self.parts), ZERO)

    def agency(self, tid: str) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for _, p in self.parts:
            for k, v in p["by_agency"][tid].items():
                out[k] = out[k] + v if k in out else v
        return out

    def rows(self) -> int:
        return sum(r["rows"] for r, _ in self.parts)

    def agencies(self) -> list[tuple[str, str]]:
        return [tuple(a) for r, _ in self.parts for a in r["agencies"]]


def _stage_lines(stage: _Stage, run_dir: Path, categories: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """The per-file line aggregates of a stage, combined; provenance kept apart."""
    frames = [pd.read_parquet(run_dir / p["agg_file"]) for _, p in stage.parts]
    cols = [*LINE_KEY, "anggaran", "_src", *categories, "kategori_alasan"]
    if frames:
        t = pd.concat(frames, ignore_index=True)
    else:
        t = pd.DataFrame({c: pd.Series([], dtype=bool if c in categories else "str") for c in cols})
        t["anggaran"] = pd.Series([], dtype=MONEY)
    for c in [*LINE_KEY, "_src", "kategori_alasan"]:
        if c in t:
            t[c] = t[c].astype("str")
    t["anggaran"] = t["anggaran"].astype(MONEY)
    g = _line_aggregate_combined(t, categories)
    src = g.pop("_src").tolist()
    g["anggaran"] = g["anggaran"].astype(MONEY)
    # match_lines writes provenance as "<file>[:sheet]:<row>"; give each combined line a
    # unique stand-in ":<i>" and put the real provenance back after the merge
    g["sumber_file"] = ""
    g["sumber_sheet"] = ""
    g["sumber_baris"] = range(len(g))
    return g, src


def _line_aggregate_combined(t: pd.DataFrame, categories: list[str]) -> pd.DataFrame:
    agg: dict[str, Any] = {"anggaran": "sum", "_src": lambda s: "; ".join(s)}
    agg.update({c: "max" for c in categories if c in t})
    if "kategori_alasan" in t:
        agg["kategori_alasan"] = "first"
    return t.groupby(LINE_KEY, sort=False, dropna=False).agg(agg).reset_index()


def _lines(stages: dict[str, _Stage], run_dir: Path, categories: list[str]) -> pd.DataFrame:
    tables, srcs = {}, {}
    for name, st in stages.items():
        tables[name], srcs[name] = _stage_lines(st, run_dir, categories)
    lines = match_lines(tables, categories)
    for name in stages:
        col = f"sumber_{name}"
        lookup = {f":{i}": s for i, s in enumerate(srcs[name])}
        # lines whose keys differ only in spelling noise were joined: map each stand-in
        lines[col] = lines[col].map(
            lambda v, lk=lookup: "; ".join(lk.get(p, p) for p in v.split("; ")) if v else v
        ).astype(lines[col].dtype)
    return lines


def reduce_audit(results_base: list[dict], results_rev: list[dict] | None, pol: Policy, params: dict,
                 run_dir: Path, pack: Any, cat_kw: dict) -> Audit:
    """Build the Audit from per-file partials (see the module docstring)."""
    from ..categories import categorize
    from ._run import _audit_findings, _rows, _typed

    ok_base = [r for r in results_base if r["status"] == "ok"]
    n_rows = sum(r["rows"] for r in ok_base)
    stages: dict[str, _Stage] = {}
    if results_rev is None:
        any_before = any(r["rows_before"] > 0 for r in ok_base)
        all_before = all(r["rows_before"] == r["rows"] for r in ok_base)
        if any_before and not all_before:
            raise LoadError("sebagian baris memuat dua tahap (sebelum/sesudah) dan sebagian satu tahap; "
                            "berikan baseline dan revised secara terpisah")
        if all_before and n_rows:
            stages["baseline"] = _Stage(results_base, "anggaran_sebelum")
            stages["revised"] = _Stage(results_base, "anggaran")
        else:
            stages["baseline"] = _Stage(results_base, "anggaran")
    else:
        stages["baseline"] = _Stage(results_base, "anggaran")
        stages["revised"] = _Stage(results_rev, "anggaran")
    empty = empty_line_items()
    categories = _categories(categorize(empty, pack, **cat_kw), empty)

    # summary and per SKPD: sums of per-file sums
    base = {t.id: stages["baseline"].target(t.id) for t in pol.targets}
    rev = {t.id: stages["revised"].target(t.id) for t in pol.targets} if "revised" in stages else None
    summary = _typed(pd.DataFrame(_rows(pol, base, rev), columns=RESULT_COLUMNS))
    seen = pd.DataFrame([a for st in stages.values() for a in st.agencies()], columns=["kode_skpd", "nama_skpd"])
    agencies = seen.drop_duplicates("kode_skpd").sort_values("kode_skpd", kind="stable").reset_index(drop=True)
    sums = {s: {t.id: st.agency(t.id) for t in pol.targets} for s, st in stages.items()}
    rows = []
    for a in agencies.itertuples(index=False):
        b = {t.id: sums["baseline"][t.id].get(a.kode_skpd, ZERO) for t in pol.targets}
        r = {t.id: sums["revised"][t.id].get(a.kode_skpd, ZERO)
             for t in pol.targets} if "revised" in stages else None
        rows += _rows(pol, b, r, {"kode_skpd": a.kode_skpd, "nama_skpd": a.nama_skpd})
    by_agency = _typed(pd.DataFrame(rows, columns=["kode_skpd", "nama_skpd", *RESULT_COLUMNS]))

    lines = _lines(stages, run_dir, categories)
    recon = []
    for stage, st in stages.items():
        for _, p in st.parts:
            for r in p["recon"]:
                recon.append({"stage": stage, "file": r["file"], "rows": r["rows"], "total_read": r["read"],
                              "categorized": r["cat"], "uncategorized": r["unc"],
                              "difference": r["read"] - r["cat"] - r["unc"], "ok": r["read"] == r["cat"] + r["unc"]})
        read = st.total() if st.rows() else ZERO
        in_lines = Decimal(lines[stage].sum()) if len(lines) else ZERO
        recon.append({"stage": stage, "file": "(semua berkas: rincian yang dicocokkan)", "rows": st.rows(),
                      "total_read": read, "categorized": None, "uncategorized": None,
                      "difference": read - in_lines, "ok": read == in_lines})
    reconciliation = pd.DataFrame(recon, columns=["stage", "file", "rows", "total_read", "categorized",
                                                  "uncategorized", "difference", "ok"])
    for c in ("total_read", "categorized", "uncategorized", "difference"):
        reconciliation[c] = reconciliation[c].astype(MONEY)

    found = []
    roles = [("baseline", results_base)] + ([("revised", results_rev)] if results_rev is not None else [])
    for stage, results in roles:
        holder = pd.DataFrame()
        holder.attrs["findings"] = [f for r in results for f in r["findings"]]
        f = load_findings(holder).copy()
        f["stage"] = stage
        found.append(f)
    small = {s: pd.DataFrame(st.agencies(), columns=["kode_skpd", "nama_skpd"]) for s, st in stages.items()}
    audit_f = _audit_findings(pol, small, by_agency, reconciliation)
    findings = pd.concat([*found, audit_f], ignore_index=True) if found else audit_f
    sources = [{**r["source"], "stage": stage} for stage, results in roles for r in results if r["status"] == "ok"]
    base_files = [r["source"]["path"] for r in ok_base]
    if results_rev is not None:
        rev_files = [r["source"]["path"] for r in results_rev if r["status"] == "ok"]
    else:
        rev_files = base_files if "revised" in stages else None
    totals: dict[str, Decimal | None] = {s: st.total() if st.rows() else ZERO for s, st in stages.items()}
    totals.setdefault("revised", None)
    params = {**params, "run_at": datetime.now(UTC).isoformat(timespec="seconds")}
    return Audit(pol, summary, by_agency, lines, findings, reconciliation, base_files, rev_files,
                 totals, sources, params, categories)


def audit_files(baseline: Any, revised: Any, policy: Any, *, rules: Any, extra_rules: Any, pins: Any,
                columns: dict[str, str] | None, unit: int | None,
                progress: bool | Callable[[int, int, str], None] = False,
                workers: int | None = None, client: Any = None, run_dir: str | Path | None = None,
                errors: str = "auto") -> Audit:
    """:func:`efisiensi.audit` over files, one task per file (see the module docstring)."""
    pol = load_policy(policy)
    pack = rules or pol.rules
    task_params = {"policy": policy, "rules": rules, "extra_rules": extra_rules, "pins": pins,
                   "columns": columns, "unit": unit}
    fingerprint = _fingerprint({**task_params, "policy_id": pol.id, "policy_version": pol.version})
    tmp = None
    if run_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="efisiensi-run-")
        folder = Path(tmp.name)
    else:
        folder = Path(run_dir)
        folder.mkdir(parents=True, exist_ok=True)
    try:
        jobs = _jobs(baseline, "baseline", task_params, fingerprint, folder, errors)
        rev_jobs = _jobs(revised, "revised", task_params, fingerprint, folder, errors) if revised is not None else []
        results = run_files(jobs + rev_jobs, workers=workers, client=client, progress=progress)
        base_res, rev_res = results[: len(jobs)], (results[len(jobs):] if revised is not None else None)
        params = {"policy": pol.id, "policy_version": pol.version, "rules": str(pack),
                  "extra_rules": None if extra_rules is None else str(extra_rules),
                  "pins": None if pins is None else len(pins), "columns": columns, "unit": unit}
        return reduce_audit(base_res, rev_res, pol, params, folder, pack,
                            {"extra_rules": extra_rules, "pins": pins})
    finally:
        if tmp is not None:
            tmp.cleanup()


def is_file_source(source: Any) -> bool:
    """True for what audit_files takes: a path, a glob, a folder or a list of them."""
    if isinstance(source, pd.DataFrame):
        return False
    if isinstance(source, str | Path):
        return True
    return isinstance(source, Iterable) and all(isinstance(s, str | Path) for s in source)
