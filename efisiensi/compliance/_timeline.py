"""The budget timeline: murni → pergeseran → efisiensi / penyesuaian → perubahan (→ realisasi).

An ordered set of stages of one budget year is audited by the one engine: every stage
(and realisasi) is a set of sources mapped as the two-stage audit maps them (in this
process, into a run folder or on Dask, :class:`._run.Mapping`), with its stage label:

* the stage guard rails (:mod:`._guards`) decide over all stages at once from the
  partials' fingerprints (a timeline is one budget year);
* the target is judged once, by the reduce (:func:`._reduce.reduce`), at the stage the
  policy names (``judge_at``; default the last efisiensi/penyesuaian stage, else the last
  budget stage) against the first stage (murni): that is the ``Audit``'s summary,
  by_agency, lines, findings and reconciliation, exactly as a two-stage audit of the
  same files;
* every other stage's exact sums per target and per SKPD are read off its partials,
  judged against the same baseline with :func:`~efisiensi.compliance._compare.judge`,
  and said to hold or not: a cut met at the judged stage that a later stage undoes is
  ``potongan dibatalkan di <tahap>`` (finding ``cut_reversed``);
* realisasi, where given, is summed per target and set against the last budget stage.

``Audit.timeline`` (Pemda) and ``Audit.timeline_by_agency`` hold one row per target ×
stage (long form: three or five stages are the same code as two); ``Audit.stages`` lists
the stages with their files, total, year and where the stage was read from.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from .._errors import Finding, LoadError
from .._inputs import expand as _expand
from .._load import findings as load_findings
from .._load import findings_frame, load
from .._money import MONEY
from .._schema import conform, validate
from ..read.stages import FROM_USER, REALISASI, Stage, parse_stage, stage_from_name, year_from_name
from ._compare import ZERO, agency_key, judge
from ._policy import Policy, load_policy

TIMELINE_COLUMNS = ["target", "category", "kind", "urutan", "tahap", "label", "anggaran", "change",
                    "change_pct", "status", "peran", "holds", "keterangan"]
REALISASI_COLUMNS = ["target", "category", "anggaran", "tahap_anggaran", "realisasi", "persen_realisasi"]


# ------------------------------------------------------------------ which stages

def _stage_of_path(path: Path):
    """The stage a file's name says, or the name of a folder it sits in (``murni/dpa.xlsx``)."""
    det = stage_from_name(path)
    if det is None:
        for parent in path.parents:
            if parent.name and (det := stage_from_name(parent.name + ".dir")) is not None:
                break
    return det


def stage_files(source: Any, tahun: int | None = None) -> tuple[dict[Stage, list[Path]], list[Finding]]:
    """Group the files of a folder, glob or list by the stage their names say.

    Files of another year than ``tahun`` (by name) are left out, with a finding.
    Raises :class:`LoadError` when a file's stage cannot be told.
    """
    groups: dict[Stage, list[Path]] = {}
    notes: list[Finding] = []
    unknown = []
    for path, _ in _expand(source):
        if tahun is not None and (y := year_from_name(path)) is not None and y.value != tahun:
            notes.append(Finding("other_year_skipped", f"berkas tahun {y.value} dilewati (tahun={tahun})",
                                 str(path), severity="info"))
            continue
        det = _stage_of_path(path)
        if det is None:
            unknown.append(path.name)
            continue
        groups.setdefault(det.value, []).append(path)
    if unknown:
        raise LoadError(f"tahap berkas {', '.join(unknown[:5])} tidak dikenali dari namanya; beri "
                        "stages={'murni': …, 'penyesuaian': …}")
    return dict(sorted(groups.items(), key=lambda kv: kv[0].rank)), notes


def is_timeline_source(source: Any) -> bool:
    """True when a folder, glob or list of files holds two or more budget stages by name."""
    if isinstance(source, pd.DataFrame):
        return "tahap" in source and source["tahap"].replace("", pd.NA).dropna().nunique() > 1
    try:
        files = _expand(source)
    except (LoadError, TypeError, OSError):
        return False
    named = {d.value.rank for p, _ in files if (d := _stage_of_path(p)) is not None and d.value.is_budget}
    return len(named) > 1


def stage_columns(table: pd.DataFrame) -> pd.DataFrame | None:
    """A loaded table whose sheets carry more stage columns than the two-stage audit uses
    (murni, efisiensi *and* perubahan), in long form: one copy of the lines per stage,
    ``anggaran`` that stage's amount, ``tahap`` its name (from :func:`efisiensi.stages`).

    ``None`` when the table holds two stages or fewer (the two-stage audit is the case).
    A line whose cell in a further stage column is empty counts 0 there, as in the
    stage columns the loader reads.
    """
    from .._load import stages as stage_amounts

    if "sources" not in table.attrs or table.empty:
        return None
    long = stage_amounts(table)
    named = long.loc[long["tahap"] != ""]
    budget = named.loc[named["tahap"] != REALISASI]  # realisasi beside the lines is no budget stage
    if budget["tahap"].nunique() < 3 or len(budget) != len(table) * budget["tahap"].nunique():
        return None
    if (named["tahap"] == REALISASI).sum() != len(table):  # realisasi of some lines only: not summed
        named = budget
    keys = ["sumber_file", "sumber_sheet", "sumber_baris"]
    parts = []
    for tahap, g in named.groupby("tahap", sort=False):
        amount = g.set_index(keys)["anggaran"]
        part = table.drop(columns="tahap", errors="ignore").copy()
        idx = pd.MultiIndex.from_frame(part[keys])
        part["anggaran"] = pd.array([ZERO if v is None or pd.isna(v) else v
                                     for v in amount.reindex(idx).to_numpy()], dtype=MONEY)
        part["anggaran_sebelum"] = pd.array([None] * len(part), dtype=MONEY)
        part["tahap"] = tahap
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out.attrs = dict(table.attrs)
    return out


def _resolve(stages: Any, tahun: int | None) -> tuple[list[tuple[Stage, Any, str]], list[Finding]]:
    """(stage, source, where the stage came from), in the order of the budget's life."""
    if isinstance(stages, pd.DataFrame):
        if "tahap" not in stages:
            raise LoadError("tabel tanpa kolom tahap; beri stages={'murni': …, 'penyesuaian': …}")
        out = []
        for t, g in stages.groupby("tahap", sort=False):
            if t:
                part = g.drop(columns="tahap").reset_index(drop=True)
                # one file with stage columns: its sources and findings travel with the first
                # stage only, so the file is neither refused as "in two stages" nor counted twice
                part.attrs = {"findings": [], "sources": []} if "sources" in stages.attrs else {}
                out.append((parse_stage(t), part, "kolom tahap"))
        out.sort(key=lambda x: x[0].rank)
        if out and "sources" in stages.attrs:
            out[0][1].attrs = {"findings": list(stages.attrs.get("findings") or []),
                               "sources": list(stages.attrs.get("sources") or [])}
        return out, []
    if isinstance(stages, Mapping) or (isinstance(stages, list | tuple) and stages
                                       and all(isinstance(x, tuple) and len(x) == 2 for x in stages)):
        items = list(stages.items()) if isinstance(stages, Mapping) else list(stages)
        out = [(parse_stage(k), v, FROM_USER) for k, v in items]  # the user's order is kept
        if len({s for s, _, _ in out}) != len(out):
            raise LoadError("tahap yang sama disebut dua kali dalam stages=")
        return out, []
    groups, notes = stage_files(stages, tahun)
    return [(s, [str(p) for p in files], "nama berkas") for s, files in groups.items()], notes


# ------------------------------------------------------------------ the audit


def audit_timeline(stages: Any, policy: str | Path | Policy = "inpres-1-2025", *, judge_at: str | None = None,
                   tahun: int | None = None, multi_year: bool = False, rules: Any = None,
                   extra_rules: Any = None, pins: Any = None, columns: dict | None = None,
                   unit: int | None = None, progress: Any = False, workers: int | None = None,
                   client: Any = None, run_dir: Any = None):
    """Audit an ordered set of stages (see the module docstring); returns an ``Audit``.

    Every stage (and realisasi) is a set of sources mapped by the one engine, in this
    process or on Dask (``workers``, ``client``, ``run_dir`` as in :func:`efisiensi.audit`);
    the guard rails decide over all stages from the partials' fingerprints; the judged
    pair is reduced into the Audit and every other stage is read off its partials.
    """
    from ._engine import context
    from ._reduce import add_targets, check, reduce
    from ._run import Mapping

    pol = load_policy(policy)
    resolved, notes = _resolve(stages, tahun)
    budget = [(s, src, how) for s, src, how in resolved if s.is_budget]
    spent = [(s, src, how) for s, src, how in resolved if s.tahap == REALISASI]
    if len(budget) < 2:
        raise LoadError("lini masa perlu sedikitnya dua tahap anggaran; tahap yang dikenali: "
                        + (", ".join(str(s) for s, _, _ in resolved) or "(tidak ada)"))
    kw = {"columns": columns, "unit": unit, "progress": progress}
    labels = [s.label or s.tahap for s, _, _ in budget]
    ctx = context(pol, rules, extra_rules, pins, columns, unit)
    # files found in a folder or glob are read as a folder load reads them: an unreadable one
    # is a finding, not the end of the run (errors="auto" would treat the listed files as named)
    errors = {lab: "finding" for lab, (_, _, how) in zip(labels, budget, strict=True) if how == "nama berkas"}
    sources = [(lab, src) for lab, (_, src, _) in zip(labels, budget, strict=True)]
    sources += [(f"{REALISASI}:{k}", src) for k, (_, src, _) in enumerate(spent)]
    base_label = labels[0]
    judged_label = _judged(budget, labels, judge_at)
    with Mapping(ctx, workers=workers, client=client, run_dir=run_dir, progress=progress) as m:
        # in this process each stage is loaded as one table; a table given is used as given
        sources = [(lab, _table(src, {**kw, "errors": errors[lab]} if lab in errors else kw, _as_table))
                   if m.serial or isinstance(src, pd.DataFrame) else (lab, src) for lab, src in sources]
        mapped = dict(m.map(sources, errors=errors, tahun=tahun))
        budget_roles = [(lab, mapped[lab]) for lab in labels]
        verdict = check(budget_roles, multi_year=multi_year)
        parts = dict(m.settle(budget_roles, verdict))
        core = reduce([("baseline", parts[base_label]), ("revised", parts[judged_label])], ctx,
                      {"baseline": verdict.findings[base_label], "revised": verdict.findings[judged_label]})
        spent_parts = [p for role, ps in mapped.items() if role.startswith(REALISASI) for p in ps]
    # every other stage: the engine's partials, their sums read off
    others = [lab for lab in labels if lab not in (base_label, judged_label)]
    sums, agency_sums = {}, {}
    for lab in others:
        total, by_agency = add_targets(parts[lab], pol)
        for t in pol.targets:
            sums.setdefault(t.id, {})[lab] = total[t.id]
            agency_sums.setdefault(t.id, {})[lab] = pd.Series(by_agency[t.id], dtype=object)

    amounts = {}
    for t in pol.targets:
        row = core.summary.set_index("target").loc[t.id]
        amounts[t.id] = {lab: (row["baseline"] if lab == base_label else row["revised"] if lab == judged_label
                               else sums[t.id][lab]) for lab in labels}
    timeline, reversed_ = _rows(pol, labels, base_label, judged_label, budget, amounts)
    by_agency = _agency_rows(pol, labels, base_label, judged_label, budget, core.by_agency,
                             {t.id: agency_sums.get(t.id, {}) for t in pol.targets})

    found = [core.findings]
    for lab in others:
        holder = pd.DataFrame()
        holder.attrs["findings"] = [*(f for p in parts[lab] for f in p["findings"]),
                                    *(f.as_record() for f in verdict.findings[lab])]
        f = load_findings(holder).copy()
        f["stage"] = lab
        found.append(f)
    extra = [*notes, *_reversal_findings(reversed_, by_agency)]
    f = findings_frame(extra)
    f["stage"] = None
    found.append(f)
    core.findings = pd.concat([x for x in found if len(x)], ignore_index=True) if any(len(x) for x in found) \
        else core.findings
    for lab in others:
        core.sources += [{**s, "stage": lab} for p in parts[lab] for s in p["sources"]]
    core.timeline = timeline
    core.timeline_by_agency = by_agency
    core.stages = [_stage_record(s, lab, how, parts[lab], base_label, judged_label)
                   for (s, _, how), lab in zip(budget, labels, strict=True)]
    if spent:
        core.sources += [{**s, "stage": REALISASI} for p in spent_parts for s in p["sources"]]
        core.realisasi = _realisasi(spent_parts, pol, amounts, labels[-1])
    core.parameters = {**core.parameters, "stages": labels, "judge_at": judged_label, "tahun": tahun}
    return core


def _as_table(source: Any, load_kwargs: dict) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        if "sources" in source.attrs:  # loaded by efisiensi: already validated
            return source
        table = validate(conform(source))
        table.attrs.update(findings=[], sources=[])
        return table
    return load(source, **load_kwargs)


def _table(src: Any, kw: dict, as_table) -> pd.DataFrame:
    if isinstance(src, pd.DataFrame):
        if "sumber_baris" not in src:
            from .._load import load_frame

            return load_frame(src)  # records from another system: rows numbered as given
        return as_table(src, kw)
    return load(src, **kw)


def _judged(budget: list, labels: list[str], judge_at: str | None) -> str:
    if judge_at is not None:
        want = parse_stage(judge_at)
        hits = [lab for (s, _, _), lab in zip(budget, labels, strict=True)
                if s == want or (s.tahap == want.tahap and want.label == want.tahap)]
        if not hits:
            raise LoadError(f"tahap {judge_at!r} tidak ada di lini masa ({', '.join(labels)})")
        judged = hits[-1]
        if judged == labels[0]:
            raise LoadError(f"tahap {judge_at!r} adalah baseline; target dinilai pada tahap sesudahnya")
        return judged
    eff = [lab for (s, _, _), lab in zip(budget, labels, strict=True) if s.tahap == "efisiensi"]
    return eff[-1] if eff else labels[-1]


def _key(kode: pd.Series, nama: pd.Series) -> pd.Series:
    """The SKPD key (:func:`agency_key`) of the Audit's by_agency rows, whose code shows
    the name where the source gave no code."""
    return agency_key(pd.DataFrame({"kode_skpd": kode.where(kode != nama, ""), "nama_skpd": nama}))


def _status_rows(t, labels, base_label, judged_label, budget, amount_of) -> tuple[list[dict], list[str]]:
    """One row per stage of one target; and the later stages where a met cut was undone."""
    rows, undone = [], []
    base = amount_of(base_label)
    judged_ok = None
    for k, ((s, _, _), lab) in enumerate(zip(budget, labels, strict=True), start=1):
        amt = amount_of(lab)
        res = judge(t, base, amt) if lab != base_label else {"change": None, "change_pct": None, "status": ""}
        role = "baseline" if lab == base_label else "dinilai" if lab == judged_label else ""
        holds, note = None, ""
        if lab == judged_label:
            judged_ok = res["status"] in ("met", "decreased")
        elif judged_ok is not None and lab != base_label:
            holds = res["status"] in ("met", "decreased")
            if judged_ok and not holds:
                note = f"potongan dibatalkan di {lab}"
                undone.append(lab)
        rows.append({"target": t.id, "category": t.label, "kind": t.kind, "urutan": k, "tahap": s.tahap,
                     "label": lab, "anggaran": amt, "change": res["change"], "change_pct": res["change_pct"],
                     "status": res["status"], "peran": role, "holds": holds, "keterangan": note})
    return rows, undone


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for c in ("anggaran", "change"):
        frame[c] = frame[c].astype(MONEY)
    frame["change_pct"] = frame["change_pct"].astype("Float64")
    frame["holds"] = frame["holds"].astype("boolean")
    return frame


def _rows(pol, labels, base_label, judged_label, budget, amounts) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    rows, undone = [], {}
    for t in pol.targets:
        r, u = _status_rows(t, labels, base_label, judged_label, budget, lambda lab, t=t: Decimal(amounts[t.id][lab]))
        rows += r
        if u:
            undone[t.id] = u
    return _typed(pd.DataFrame(rows, columns=TIMELINE_COLUMNS)), undone


def _agency_rows(pol, labels, base_label, judged_label, budget, by_agency: pd.DataFrame, sums: dict) -> pd.DataFrame:
    ba = by_agency.assign(key_skpd=_key(by_agency["kode_skpd"], by_agency["nama_skpd"]))
    agencies = ba.drop_duplicates("key_skpd")[["key_skpd", "kode_skpd", "nama_skpd"]]
    known = set(agencies["key_skpd"])
    for v in sums.values():
        for series in v.values():
            for k in series.index:
                if k not in known:  # an SKPD seen only in a stage that is neither baseline nor judged
                    agencies = pd.concat([agencies, pd.DataFrame([{"key_skpd": k, "kode_skpd": k, "nama_skpd": ""}])])
                    known.add(k)
    pair = ba.set_index(["key_skpd", "target"])[["baseline", "revised"]]
    rows = []
    for a in agencies.itertuples(index=False):
        for t in pol.targets:
            def amount_of(lab, a=a, t=t):
                if lab in (base_label, judged_label):
                    col = "baseline" if lab == base_label else "revised"
                    v = pair[col].get((a.key_skpd, t.id)) if (a.key_skpd, t.id) in pair.index else None
                else:
                    v = sums[t.id][lab].get(a.key_skpd) if len(sums[t.id][lab]) else None
                return ZERO if v is None or v is pd.NA else Decimal(v)
            r, _ = _status_rows(t, labels, base_label, judged_label, budget, amount_of)
            rows += [{"kode_skpd": a.kode_skpd, "nama_skpd": a.nama_skpd, **x} for x in r]
    return _typed(pd.DataFrame(rows, columns=["kode_skpd", "nama_skpd", *TIMELINE_COLUMNS]))


def _reversal_findings(undone: dict[str, list[str]], by_agency: pd.DataFrame) -> list[Finding]:
    out = []
    for tid, later in undone.items():
        n = by_agency[(by_agency["target"] == tid) & (by_agency["keterangan"] != "")]["kode_skpd"].nunique()
        out.append(Finding("cut_reversed", f"{tid}: target tercapai pada tahap yang dinilai, tetapi potongan "
                           f"dibatalkan di {', '.join(later)} ({n} SKPD)", severity="warning",
                           detail={"target": tid, "stages": later}))
    return out


def _stage_record(s: Stage, lab: str, how: str, parts: list[dict], base_label: str, judged_label: str) -> dict:
    files = [f for p in parts for f in p["files"]]
    years = sorted({y for p in parts for pr in p.get("prints", []) for y in pr["years"]})
    total = sum((p["stages"]["anggaran"]["total"] for p in parts), ZERO)
    return {"label": lab, "tahap": s.tahap, "nomor": s.nomor, "detected_from": how,
            "role": "baseline" if lab == base_label else "judged" if lab == judged_label else "",
            "tahun": years[0] if len(years) == 1 else (years or None), "files": files, "total": total,
            "rows": sum(p["rows"] for p in parts)}


# ------------------------------------------------------------------ realisasi

def _realisasi(parts: list[dict], pol: Policy, amounts: dict, current: str) -> pd.DataFrame:
    """Realised amounts per target against the last budget stage, and the share spent."""
    from ._reduce import add_targets

    parts = [p for p in parts if p["rows"]]
    if not parts:
        return pd.DataFrame(columns=REALISASI_COLUMNS)
    spent_sums, _ = add_targets(parts, pol)
    rows = []
    for t in pol.targets:
        budget = Decimal(amounts[t.id][current])
        spent_amt = spent_sums[t.id]
        rows.append({"target": t.id, "category": t.label, "anggaran": budget, "tahap_anggaran": current,
                     "realisasi": spent_amt,
                     "persen_realisasi": float(round(spent_amt / budget * 100, 2)) if budget else None})
    frame = pd.DataFrame(rows, columns=REALISASI_COLUMNS)
    for c in ("anggaran", "realisasi"):
        frame[c] = frame[c].astype(MONEY)
    frame["persen_realisasi"] = frame["persen_realisasi"].astype("Float64")
    return frame
