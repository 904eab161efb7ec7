"""Scheduling the map: one task per input file, in this process or on Dask; a run folder.

The audit logic is in :mod:`._engine` (map) and :mod:`._reduce` (reduce); this module
only decides where :func:`process_file` runs and keeps its results. With a *run folder*
each task writes ``<key>.<stage>.agg.parquet`` (the file's lines aggregated on the line
key) and ``<key>.json`` (findings, source metadata with SHA-256, the files' fingerprints
the stage guards decide from, exact partial sums per
stage, target, SKPD and file), written atomically: a file is either complete or absent.
Run again with the same folder and every file already done (same SHA-256, same
parameters) is reused, so a run killed mid-way resumes where it stopped. Only the small
JSON travels back from a worker.

With a remote scheduler the input files and the run folder must be on a filesystem the
workers and the client share (same paths).
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from .._errors import LoadError
from .._inputs import Progress, expand, progress_callback, sha256
from ._engine import FORMAT, Context, map_files

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


# ------------------------------------------------------------------ tasks


#: A map task reads files until it holds this many, or this many bytes (one larger file
#: is a task of its own): the fixed cost of validating and categorizing is paid per
#: task, and memory is bounded by the task, not by the number of files.
BATCH_FILES = 32
BATCH_BYTES = 16 * 2**20
#: A role of many small files is cut into at least this many tasks of even size, so that
#: the workers share them (40 files: 8 tasks of 5, not one of 32 and one of 8).
MIN_TASKS = 8


def plan(paths: Any, ctx: Context, run_dir: Path | None, errors: str = "auto") -> list[dict]:
    """The map tasks for the files of one role (globs and folders expanded, as
    :func:`efisiensi.load` does), in file order, batched (see :data:`BATCH_FILES` and
    :data:`MIN_TASKS`)."""
    files = expand(paths)
    if not files:
        raise LoadError("tidak ada berkas untuk dibaca")
    batches: list[list[dict]] = []
    size = 0
    n = len(files)
    k = max(-(-n // BATCH_FILES), min(n, MIN_TASKS))  # tasks of n // k or n // k + 1 files
    part = -1
    for i, (path, explicit) in enumerate(files):
        nbytes = path.stat().st_size if path.is_file() else 0
        if i * k // n != part or (size + nbytes > BATCH_BYTES and batches[-1]):
            batches.append([])
            size = 0
            part = i * k // n
        f = {"path": str(path), "display": str(path), "explicit": explicit}
        if run_dir is not None:
            f["sha256"] = sha256(path) if path.is_file() else ""
        batches[-1].append(f)
        size += nbytes
    jobs = []
    for batch in batches:
        job = {"files": batch, "errors": errors, "params": ctx.raw}
        if run_dir is not None:
            ident = "\0".join(f"{f['display']}\0{f['sha256']}" for f in batch)
            job.update(run_dir=str(run_dir), fingerprint=ctx.fingerprint,
                       sha256=hashlib.sha256(ident.encode()).hexdigest(),
                       key=hashlib.sha256(f"{ident}\0{ctx.fingerprint}".encode()).hexdigest()[:24])
        jobs.append(job)
    return jobs


def with_options(job: dict, **options: Any) -> dict:
    """The job with map options (``exclude``, ``tahun``: see :func:`._engine.select`); in a
    run folder under a key of its own, so the plain job's result is neither reused nor
    overwritten."""
    out = {**job, **options}
    if job.get("run_dir"):
        extra = json.dumps(options, sort_keys=True, default=str)
        out["key"] = hashlib.sha256(f"{job['key']}\0{extra}".encode()).hexdigest()[:24]
    return out


def process_file(job: dict) -> dict:
    """The map task of one batch of files; with a run folder its partial is also
    written there (atomically)."""
    part = map_files(job)
    if job.get("run_dir"):
        part.update(format=FORMAT, key=job["key"], sha256=job["sha256"], fingerprint=job["fingerprint"],
                    run_dir=job["run_dir"])
        _write_json(Path(job["run_dir"]) / f"{job['key']}.json", part)
    return part


def _done(job: dict) -> dict | None:
    """The partial of a file already processed in this run folder, if still valid."""
    if not job.get("run_dir"):
        return None
    folder = Path(job["run_dir"])
    path = folder / f"{job['key']}.json"
    if not path.exists():
        return None
    try:
        res = _read_json(path)
    except (OSError, ValueError):
        return None
    if res.get("format") != FORMAT or res.get("sha256") != job["sha256"] or \
            res.get("fingerprint") != job["fingerprint"]:
        return None
    if not all((folder / st["lines_file"]).exists() for st in res.get("stages", {}).values()):
        return None
    res["run_dir"] = str(folder)
    return res


def run(jobs: list[dict], *, workers: int | None = None, client: Any = None,
        progress: bool | Progress = False) -> list[dict]:
    """Every job's partial (reusing finished ones), in job order; progress per file."""
    callback = progress_callback(progress)
    total = sum(len(j["files"]) for j in jobs)
    results: list[dict | None] = [_done(j) for j in jobs]
    todo = [i for i, r in enumerate(results) if r is None]
    done = 0

    def tick(i: int) -> None:
        nonlocal done
        for f in jobs[i]["files"]:
            done += 1
            if callback:
                callback(done, total, f["display"])

    for i, r in enumerate(results):
        if r is not None:
            tick(i)
    if not todo:
        return results  # type: ignore[return-value]
    own = None
    if client is None and workers is not None and workers > 1:
        own = client = _local_client(workers)
    try:
        if client is None:
            for i in todo:
                results[i] = process_file(jobs[i])
                tick(i)
        else:
            from distributed import as_completed

            futures = client.map(process_file, [jobs[i] for i in todo], pure=False,
                                 key=[f"efisiensi-{uuid.uuid4().hex}" for _ in todo])
            where = {f.key: i for f, i in zip(futures, todo, strict=True)}
            try:
                for fut in as_completed(futures):
                    i = where[fut.key]
                    results[i] = fut.result()
                    tick(i)
            except BaseException:
                client.cancel(futures)
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


def is_file_source(source: Any) -> bool:
    """True for a path, a glob, a folder or a list of them (not a loaded table)."""
    if isinstance(source, pd.DataFrame):
        return False
    if isinstance(source, str | Path):
        return True
    return isinstance(source, Iterable) and all(isinstance(s, str | Path) for s in source)
