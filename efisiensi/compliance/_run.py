"""``efisiensi.audit``: map every source to its partials, reduce them into one Audit.

The same map (:mod:`._engine`) and reduce (:mod:`._reduce`) serve one file, a folder
and a national run: serially in this process, or with the map scheduled on Dask
(:mod:`._distributed`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from .._errors import LoadError
from .._load import load
from ._distributed import is_file_source, plan, run
from ._engine import context, map_frame
from ._guards import guard_stages
from ._policy import Policy
from ._reduce import reduce
from ._result import Audit

Source = str | Path | pd.DataFrame | Iterable[str | Path]


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
        Scale-out (``pip install 'efisiensi[dask]'``). Every run is the same map over the
        input files (read, validate, categorize, exact partial sums per stage, target and
        SKPD, line aggregates; files in batches of up to 32 files / 16 MiB) and one reduce.
        ``workers=N`` runs the map on a local Dask cluster of N processes; ``client=`` uses
        an existing ``distributed.Client`` (e.g. ``Client("tcp://host:8786")``; files and
        ``run_dir`` must then be on a filesystem the workers share). With ``run_dir`` each
        map task writes its line aggregates (Parquet) and partial sums (JSON) there; run
        again with the same ``run_dir`` and tasks already done (same SHA-256, same
        parameters) are reused, so a killed run resumes. The result is the same Audit,
        byte for byte, on every path.
    multi_year
        Add the files of several budget years into one stage (refused by default: a
        stage is one year).
    stages, judge_at, tahun
        The budget timeline (murni → pergeseran → penyesuaian → perubahan → realisasi):
        ``stages={"murni": path, "penyesuaian": path, "perubahan": path}`` in order, or a
        folder / glob / list of SIPD stage files (their names say the stage). A
        ``baseline`` folder whose file names hold two or more stages runs the timeline
        too. The target is judged at ``judge_at`` (default: the efisiensi/penyesuaian
        stage) against the first stage (``Audit.timeline``); ``tahun`` picks one year.
        The timeline runs in this process (not with ``workers=`` or ``client=``).

    Returns
    -------
    Audit
        ``summary``, ``by_agency``, ``lines``, ``findings``, ``reconciliation``,
        ``to_json()``.
    """
    from ._timeline import audit_timeline, is_timeline_source, stage_columns

    scaled = (workers is not None and workers > 1) or client is not None
    if stages is not None or (revised is None and (tahun is not None or is_timeline_source(baseline))):
        if scaled or run_dir is not None:
            raise LoadError("lini masa (beberapa tahap) belum dapat dijalankan dengan workers=/client=/run_dir=; "
                            "jalankan tanpa opsi itu")
        return audit_timeline(baseline if stages is None else stages, policy, judge_at=judge_at, tahun=tahun,
                              multi_year=multi_year, rules=rules, extra_rules=extra_rules, pins=pins,
                              columns=columns, unit=unit, progress=progress)
    if baseline is None:
        raise LoadError("beri baseline (dan revised), atau stages=")
    ctx = context(policy, rules, extra_rules, pins, columns, unit)
    sources = [("baseline", baseline)] + ([("revised", revised)] if revised is not None else [])
    if not scaled and run_dir is None:
        # serial: load, apply the stage guard rails once over both stages, then map
        tabs = [_loaded(src, columns, unit, progress) for _, src in sources]
        if len(tabs) == 1 and (long := stage_columns(tabs[0])) is not None:  # one file, three stage columns
            return audit_timeline(long, policy, judge_at=judge_at, multi_year=multi_year, rules=rules,
                                  extra_rules=extra_rules, pins=pins, columns=columns, unit=unit)
        guarded = guard_stages(tabs[0], tabs[1] if len(tabs) > 1 else None, multi_year=multi_year)
        sources = [(role, t) for (role, _), t in zip(sources, guarded, strict=False) if t is not None]
    tmp = None
    folder = Path(run_dir) if run_dir is not None else None
    if folder is None and scaled:
        tmp = tempfile.TemporaryDirectory(prefix="efisiensi-run-")
        folder = Path(tmp.name)
    try:
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        jobs: list[dict] = []
        spans: list[tuple[str, Any]] = []
        for role, src in sources:
            if is_file_source(src):
                role_jobs = plan(src, ctx, folder)
                spans.append((role, (len(jobs), len(jobs) + len(role_jobs))))
                jobs += role_jobs
            else:
                spans.append((role, map_frame(src, ctx)))
        done = run(jobs, workers=workers, client=client, progress=progress) if jobs else []
        roles = [(role, done[span[0]:span[1]] if isinstance(span, tuple) else [span]) for role, span in spans]
        return reduce(roles, ctx)
    finally:
        if tmp is not None:
            tmp.cleanup()


def _loaded(source: Source, columns: dict | None, unit: int | None, progress: Any) -> pd.DataFrame:
    """A stage as a loaded table (a table the user gives is used as given)."""
    if isinstance(source, pd.DataFrame):
        return source
    return load(source, columns=columns, unit=unit, progress=progress)
