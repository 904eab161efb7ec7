"""``efisiensi.audit``: map every source to its partials, reduce them into one Audit.

The same map (:mod:`._engine`) and reduce (:mod:`._reduce`) serve one file, a folder
and a national run: serially in this process, or with the map scheduled on Dask
(:mod:`._distributed`). The stage guard rails decide in the reduce from the
fingerprints every partial carries (:mod:`._guards`), on every path; where they leave
content out (a duplicate counted once), the map of the sources that held it is redone
without it (:class:`Mapping`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._errors import LoadError
from .._load import load
from ._distributed import is_file_source, plan, run, with_options
from ._engine import Context, context, map_frame
from ._guards import Verdict
from ._policy import Policy
from ._reduce import check, reduce
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
        SKPD, line aggregates, the fingerprints the stage guard rails decide from; files
        in batches of up to 32 files / 16 MiB) and one reduce.
        ``workers=N`` runs the map on a local Dask cluster of N processes; ``client=`` uses
        an existing ``distributed.Client`` (e.g. ``Client("tcp://host:8786")``; files and
        ``run_dir`` must then be on a filesystem the workers share). With ``run_dir`` each
        map task writes its line aggregates (Parquet) and partial sums (JSON) there; run
        again with the same ``run_dir`` and tasks already done (same SHA-256, same
        parameters) are reused, so a killed run resumes. The result is the same Audit,
        byte for byte, on every path, guard rails and timeline included.
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

    Returns
    -------
    Audit
        ``summary``, ``by_agency``, ``lines``, ``findings``, ``reconciliation``,
        ``to_json()``.
    """
    from ._timeline import audit_timeline, is_timeline_source, stage_columns

    scale = {"workers": workers, "client": client, "run_dir": run_dir, "progress": progress}
    if stages is not None or (revised is None and (tahun is not None or is_timeline_source(baseline))):
        return audit_timeline(baseline if stages is None else stages, policy, judge_at=judge_at, tahun=tahun,
                              multi_year=multi_year, rules=rules, extra_rules=extra_rules, pins=pins,
                              columns=columns, unit=unit, **scale)
    if baseline is None:
        raise LoadError("beri baseline (dan revised), atau stages=")
    ctx = context(policy, rules, extra_rules, pins, columns, unit)
    sources = [("baseline", baseline)] + ([("revised", revised)] if revised is not None else [])
    with Mapping(ctx, **scale) as m:
        if m.serial:  # in this process: each stage loaded as one table, mapped as one source
            sources = [(role, _loaded(src, columns, unit, progress)) for role, src in sources]
            if len(sources) == 1 and (long := stage_columns(sources[0][1])) is not None:  # three stage columns
                return audit_timeline(long, policy, judge_at=judge_at, multi_year=multi_year, **_kw(ctx, scale))
        roles = m.map(sources)
        if not m.serial and len(sources) == 1 and (path := _one_file(roles[0][1])) is not None:
            if (long := stage_columns(load(path, columns=columns, unit=unit))) is not None:
                return audit_timeline(long, policy, judge_at=judge_at, multi_year=multi_year, **_kw(ctx, scale))
        verdict = check(roles, multi_year=multi_year, one_year=len(sources) == 1)
        return reduce(m.settle(roles, verdict), ctx, verdict.findings)


def _kw(ctx: Context, scale: dict) -> dict:
    return {"rules": ctx.raw["rules"], "extra_rules": ctx.extra_rules, "pins": ctx.pins, "columns": ctx.columns,
            "unit": ctx.unit, **scale}


def _one_file(parts: list[dict]) -> str | None:
    """The one file of a stage read on workers when its sheets name three stage columns or
    more (the timeline of one workbook, read again here in long form); else ``None``."""
    sources = [s for p in parts for s in p["sources"]]
    if len(sources) != 1:
        return None
    sheets = (sources[0].get("verification") or {}).get("sheets", [])
    named = {st["tahap"] for sh in sheets for st in sh.get("stages", []) if st.get("tahap")}
    return sources[0]["path"] if len(named) >= 3 else None


def _loaded(source: Source, columns: dict | None, unit: int | None, progress: Any) -> pd.DataFrame:
    """A stage as a loaded table (a table the user gives is used as given)."""
    if isinstance(source, pd.DataFrame):
        return source
    return load(source, columns=columns, unit=unit, progress=progress)


@dataclass
class _Unit:
    """How a partial was made, to make it again without what the guards leave out."""

    job: dict | None = None
    frame: pd.DataFrame | None = None
    tahun: int | None = None


@dataclass
class Mapping:
    """Where the map runs (this process, a local Dask cluster, a client; a run folder)
    and the partials of each stage's sources, each redoable (:meth:`settle`)."""

    ctx: Context
    workers: int | None = None
    client: Any = None
    run_dir: str | Path | None = None
    progress: Any = False
    units: dict[int, _Unit] = field(default_factory=dict)

    @property
    def scaled(self) -> bool:
        return (self.workers is not None and self.workers > 1) or self.client is not None

    @property
    def serial(self) -> bool:
        return not self.scaled and self.run_dir is None

    def __enter__(self) -> Mapping:
        self._tmp = None
        self.folder = Path(self.run_dir) if self.run_dir is not None else None
        if self.folder is None and self.scaled:
            self._tmp = tempfile.TemporaryDirectory(prefix="efisiensi-run-")
            self.folder = Path(self._tmp.name)
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()

    def map(self, sources: list[tuple[str, Any]], *, errors: dict[str, str] | None = None,
            tahun: int | None = None) -> list[tuple[str, list[dict]]]:
        """The partials of every role's sources, all scheduled in one run (one cluster)."""
        jobs: list[dict] = []
        spans: list[tuple[str, Any]] = []
        for role, src in sources:
            if is_file_source(src):
                role_jobs = [with_options(j, tahun=tahun) if tahun is not None else j
                             for j in plan(src, self.ctx, self.folder, (errors or {}).get(role, "auto"))]
                spans.append((role, (len(jobs), len(jobs) + len(role_jobs))))
                jobs += role_jobs
            else:
                part = map_frame(src, self.ctx, tahun=tahun)
                self.units[id(part)] = _Unit(frame=src, tahun=tahun)
                spans.append((role, part))
        done = run(jobs, workers=self.workers, client=self.client, progress=self.progress) if jobs else []
        for job, part in zip(jobs, done, strict=True):
            self.units[id(part)] = _Unit(job=job)
        return [(role, done[span[0]:span[1]] if isinstance(span, tuple) else [span]) for role, span in spans]

    def settle(self, roles: list[tuple[str, list[dict]]], verdict: Verdict) -> list[tuple[str, list[dict]]]:
        """The partials with the content the guards left out taken away: the partials
        that held it are mapped again without it (in this process, or on ``client``)."""
        redo: list[tuple[int, int, dict]] = []
        out = [(role, list(parts)) for role, parts in roles]
        for r, (role, parts) in enumerate(out):
            drop = verdict.drop.get(role) or set()
            if not drop:
                continue
            for i, part in enumerate(parts):
                mine = {p["path"] for p in part.get("prints", [])}
                ex = sorted(([f, s] for f, s in drop if f in mine), key=lambda x: (x[0], x[1] or ""))
                if not ex:
                    continue
                unit = self.units[id(part)]
                if unit.job is None:
                    parts[i] = map_frame(unit.frame, self.ctx, exclude=ex, tahun=unit.tahun)
                else:
                    redo.append((r, i, with_options(unit.job, exclude=ex)))
        if redo:
            done = run([j for _, _, j in redo], client=self.client)
            for (r, i, _), part in zip(redo, done, strict=True):
                out[r][1][i] = part
        return out
