"""The reduce side of the audit: add the partials, match lines, judge, reconcile.

Partials come from :func:`._engine.map_table` (in this process or from a run folder
written by workers). Sums are exact decimals, so the order in which the partials are
added cannot change a sen; the result is one :class:`~._result.Audit`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd

from .._errors import Finding, LoadError
from .._load import findings as load_findings
from .._load import findings_frame
from .._money import MONEY
from ._compare import LINE_KEY, ZERO, aggregate_lines, join_lines, judge
from ._engine import Context, empty_lines
from ._policy import Policy
from ._result import RESULT_COLUMNS, Audit

#: One stage: the partials that carry it, each with the stage key to read.
StageParts = list[tuple[dict, str]]


def assign_stages(roles: list[tuple[str, list[dict]]]) -> dict[str, StageParts]:
    """Name the stages: the stage keys of the partials of each role, in order.

    ``roles`` is ``[("baseline", partials)]`` or ``[("baseline", …), ("revised", …)]``.
    A baseline alone whose every row carries both stages gives both stages.
    """
    ok = {role: [p for p in parts if p["status"] == "ok"] for role, parts in roles}
    if len(roles) == 1:
        base = ok["baseline"]
        any_before = any(p["rows_before"] > 0 for p in base)
        all_before = all(p["rows_before"] == p["rows"] for p in base)
        if any_before and not all_before:
            raise LoadError("sebagian baris memuat dua tahap (sebelum/sesudah) dan sebagian satu tahap; "
                            "berikan baseline dan revised secara terpisah")
        if all_before and sum(p["rows"] for p in base):
            return {"baseline": [(p, "anggaran_sebelum") for p in base if "anggaran_sebelum" in p["stages"]],
                    "revised": [(p, "anggaran") for p in base]}
        return {"baseline": [(p, "anggaran") for p in base]}
    return {role: [(p, "anggaran") for p in parts] for role, parts in ok.items()}


def _rows(pol: Policy, base: dict, rev: dict | None, extra: dict | None = None) -> list[dict]:
    rows = []
    for t in pol.targets:
        res = judge(t, base[t.id], rev[t.id] if rev is not None else None)
        rows.append({**(extra or {}), "target": t.id, "category": t.label, "kind": t.kind, **res,
                     "citation": t.citation, "scope": t.scope.describe(), "legal_source": pol.legal_source})
    return rows


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for c in ("baseline", "revised", "change", "shortfall"):
        frame[c] = frame[c].astype(MONEY)
    frame["change_pct"] = frame["change_pct"].astype("Float64")
    frame["target_cut_pct"] = frame["target_cut_pct"].astype("Float64")
    return frame


def _add(parts: StageParts, pol: Policy) -> tuple[dict[str, Decimal], dict[str, dict[str, Decimal]]]:
    total = {t.id: ZERO for t in pol.targets}
    agency: dict[str, dict[str, Decimal]] = {t.id: {} for t in pol.targets}
    for p, k in parts:
        st = p["stages"][k]
        for tid in total:
            total[tid] += st["targets"][tid]
            acc = agency[tid]
            for a, v in st["by_agency"][tid].items():
                acc[a] = acc[a] + v if a in acc else v
    return total, agency


def _agencies(stages: dict[str, StageParts]) -> pd.DataFrame:
    """Every SKPD seen in any stage: its key (:func:`._compare.agency_key`), its code as
    the first stage writes it, and the name that stage gives it."""
    seen = pd.DataFrame([a for parts in stages.values() for p, _ in parts for a in p["agencies"]],
                        columns=["key_skpd", "kode_skpd", "nama_skpd"])
    return seen.drop_duplicates("key_skpd").sort_values("kode_skpd", kind="stable").reset_index(drop=True)


def _stage_lines(parts: StageParts, categories: list[str]) -> pd.DataFrame:
    frames = []
    for p, k in parts:
        st = p["stages"][k]
        if not st["rows"]:
            continue
        frames.append(st["lines"] if "lines" in st else pd.read_parquet(Path(p["run_dir"]) / st["lines_file"]))
    if not frames:
        return empty_lines(categories)
    t = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    for c in [*LINE_KEY, "_src", "kategori_alasan"]:
        if c in t:
            t[c] = t[c].astype("str")
    t["anggaran"] = t["anggaran"].astype(MONEY)
    for c in categories:
        if c in t:
            t[c] = t[c].astype(bool)
    if len(frames) > 1:
        t = aggregate_lines(t, categories)
        t["anggaran"] = t["anggaran"].astype(MONEY)  # the sum widens the decimal type: one type on every path
    return t


def _reconcile(stages: dict[str, StageParts], lines: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for stage, parts in stages.items():
        for p, k in parts:
            for r in p["stages"][k]["recon"]:
                rows.append({"stage": stage, "file": r["file"], "rows": r["rows"], "total_read": r["read"],
                             "categorized": r["cat"], "uncategorized": r["unc"],
                             "difference": r["read"] - r["cat"] - r["unc"], "ok": r["read"] == r["cat"] + r["unc"]})
        n = sum(p["stages"][k]["rows"] for p, k in parts)
        read = sum((p["stages"][k]["total"] for p, k in parts), ZERO) if n else ZERO
        in_lines = Decimal(lines[stage].sum()) if len(lines) else ZERO
        rows.append({"stage": stage, "file": "(semua berkas: rincian yang dicocokkan)", "rows": n,
                     "total_read": read, "categorized": None, "uncategorized": None,
                     "difference": read - in_lines, "ok": read == in_lines})
    frame = pd.DataFrame(rows, columns=["stage", "file", "rows", "total_read", "categorized", "uncategorized",
                                        "difference", "ok"])
    for c in ("total_read", "categorized", "uncategorized", "difference"):
        frame[c] = frame[c].astype(MONEY)
    return frame


def _audit_findings(stages: dict[str, StageParts], rec: pd.DataFrame) -> pd.DataFrame:
    out: list[Finding] = []
    for r in rec.itertuples(index=False):
        if not r.ok:
            out.append(Finding("reconciliation_mismatch",
                               f"tahap {r.stage}: total terbaca {r.total_read} tidak sama dengan rincian "
                               f"(selisih {r.difference})", r.file, severity="error"))
    if "revised" in stages:
        names = _agencies(stages).set_index("key_skpd")["kode_skpd"]
        seen = {s: {a[0] for p, _ in parts for a in p["agencies"]} for s, parts in stages.items()}
        for k in sorted(seen["baseline"] - seen["revised"]):
            out.append(Finding("skpd_missing_in_stage", f"SKPD {names[k]} ada di baseline tetapi tidak di revisi "
                               "(penurunan 100 % di SKPD ini bukan bukti efisiensi)", severity="warning"))
        for k in sorted(seen["revised"] - seen["baseline"]):
            out.append(Finding("skpd_missing_in_stage", f"SKPD {names[k]} ada di revisi tetapi tidak di baseline",
                               severity="warning"))
    f = findings_frame(out)
    f["stage"] = None
    return f


def reduce(roles: list[tuple[str, list[dict]]], ctx: Context) -> Audit:
    """One Audit from the partials of every source, per role (see :func:`assign_stages`)."""
    pol = ctx.policy
    stages = assign_stages(roles)
    sums = {s: _add(parts, pol) for s, parts in stages.items()}
    two = "revised" in stages
    summary = _typed(pd.DataFrame(_rows(pol, sums["baseline"][0], sums["revised"][0] if two else None),
                                  columns=RESULT_COLUMNS))
    rows = []
    for a in _agencies(stages).itertuples(index=False):
        b = {t.id: sums["baseline"][1][t.id].get(a.key_skpd, ZERO) for t in pol.targets}
        r = {t.id: sums["revised"][1][t.id].get(a.key_skpd, ZERO) for t in pol.targets} if two else None
        rows += _rows(pol, b, r, {"kode_skpd": a.kode_skpd, "nama_skpd": a.nama_skpd})
    by_agency = _typed(pd.DataFrame(rows, columns=["kode_skpd", "nama_skpd", *RESULT_COLUMNS]))
    lines = join_lines({s: _stage_lines(parts, ctx.categories) for s, parts in stages.items()}, ctx.categories)
    reconciliation = _reconcile(stages, lines)

    found = []
    for role, parts in roles:
        holder = pd.DataFrame()
        holder.attrs["findings"] = [f for p in parts for f in p["findings"]]
        f = load_findings(holder).copy()
        f["stage"] = role
        found.append(f)
    findings = pd.concat([*found, _audit_findings(stages, reconciliation)], ignore_index=True)
    sources = [{**s, "stage": role} for role, parts in roles for p in parts for s in p["sources"]]
    files = {role: [f for p in parts for f in p["files"]] for role, parts in roles}
    base_files = files["baseline"]
    rev_files = files["revised"] if "revised" in files else (base_files if two else None)
    totals: dict[str, Decimal | None] = {
        s: sum((p["stages"][k]["total"] for p, k in parts), ZERO) for s, parts in stages.items()}
    totals.setdefault("revised", None)
    params = {**ctx.parameters(), "run_at": datetime.now(UTC).isoformat(timespec="seconds")}
    return Audit(pol, summary, by_agency, lines, findings, reconciliation, base_files, rev_files,
                 totals, sources, params, ctx.categories)
