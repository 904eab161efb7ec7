"""The ``Audit`` result: tidy DataFrames and a stable JSON document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from .._errors import EfisiensiError
from .._version import __version__
from ..verify.records import json_view, label, worst
from ._jsonout import dumps
from ._policy import Policy

RESULT_COLUMNS = ["target", "category", "kind", "baseline", "revised", "change", "change_pct",
                  "target_cut_pct", "status", "shortfall", "citation", "scope", "legal_source"]
STATUSES = ("met", "not_met", "decreased", "unchanged", "increased", "no_baseline", "profile")


#: How an Audit is rendered: ``excel``, ``html`` and ``plot``, registered by
#: :mod:`efisiensi.report` (imported by ``efisiensi``), so this package never imports it.
_RENDERERS: dict[str, Callable[..., Any]] = {}


def register_renderer(name: str, render: Callable[..., Any]) -> None:
    """Register how ``Audit.to_excel`` (``"excel"``), ``_repr_html_`` (``"html"``) or
    ``plot`` (``"plot"``) renders an Audit; a later registration replaces an earlier one."""
    _RENDERERS[name] = render


def _renderer(name: str) -> Callable[..., Any]:
    try:
        return _RENDERERS[name]
    except KeyError:
        raise EfisiensiError(f"tidak ada penyaji {name!r} untuk Audit (import efisiensi.report)") from None


def _none(v: Any) -> Any:
    return None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v


def _records(frame: pd.DataFrame) -> list[dict]:
    """``frame.to_dict("records")`` (missing values of typed columns as ``None``), converted a
    column at a time, not a cell at a time."""
    na = pd.NA
    cols = {c: [None if v is na else v for v in frame[c].to_numpy(dtype=object).tolist()] for c in frame.columns}
    return [dict(zip(cols, row, strict=True)) for row in zip(*cols.values(), strict=True)] if cols else \
        [{} for _ in range(len(frame))]


@dataclass
class Audit:
    """The result of :func:`efisiensi.audit`.

    Attributes
    ----------
    summary : DataFrame
        One row per policy target for the whole Pemda (see ``RESULT_COLUMNS``).
    by_agency : DataFrame
        One row per SKPD × target, with ``kode_skpd`` and ``nama_skpd``.
    lines : DataFrame
        Every line, aggregated per stage on the line key and matched across stages:
        ``baseline``, ``revised``, ``perubahan``, its categories and where it came from.
    findings : DataFrame
        Loader and audit findings, with file, sheet and row.
    reconciliation : DataFrame
        Per stage and file: total read = categorized + uncategorized; lines total.
    timeline, timeline_by_agency : DataFrame or None
        For an audit of several stages (``ef.audit(folder_of_stage_files)`` or
        ``stages=``): one row per target × stage (and SKPD) with the amount, the change
        and status against the baseline, the stage's role (``baseline`` / ``dinilai``),
        whether the target still holds at a later stage, and ``potongan dibatalkan di …``.
    stages : list of dict
        The stages of a timeline in order (label, tahap, role, files, total, tahun).
    realisasi : DataFrame or None
        Spent per target against the last budget stage, and the share spent.
    """

    policy: Policy
    summary: pd.DataFrame
    by_agency: pd.DataFrame
    lines: pd.DataFrame
    findings: pd.DataFrame
    reconciliation: pd.DataFrame
    baseline_files: list[str]
    revised_files: list[str] | None
    totals: dict[str, Decimal | None]
    sources: list[dict] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)
    #: The budget timeline (None for a two-stage audit): one row per target × stage.
    timeline: pd.DataFrame | None = None
    #: The same per SKPD.
    timeline_by_agency: pd.DataFrame | None = None
    #: The stages of a timeline, in order: label, tahap, role, files, total, tahun, rows.
    stages: list[dict] = field(default_factory=list)
    #: Realised spending per target against the last budget stage (None when not given).
    realisasi: pd.DataFrame | None = None

    @property
    def reconciled(self) -> bool:
        """True when every rupiah read is accounted for in every stage and file."""
        return bool(self.reconciliation["ok"].all()) if len(self.reconciliation) else True

    @property
    def not_met(self) -> pd.DataFrame:
        """Targets with a numeric cut that the Pemda as a whole did not meet."""
        return self.summary[self.summary["status"] == "not_met"]

    def evidence(self, target: str | None = None) -> pd.DataFrame:
        """The lines behind a target (all lines of its category), largest revised first."""
        from ._compare import target_mask

        targets = [self.policy.target(target)] if target else [
            self.policy.target(t) for t in self.summary.loc[
                self.summary["status"].isin(["not_met", "increased", "no_baseline"]), "target"]]
        parts = []
        for t in targets:
            sel = self.lines.loc[target_mask(self.lines, t)].copy()
            sel.insert(0, "target", t.id)
            parts.append(sel)
        if not parts:
            return self.lines.iloc[0:0]
        out = pd.concat(parts, ignore_index=True)
        key = "revised" if self.revised_files is not None else "baseline"
        return out.sort_values(["target", key], ascending=[True, False], kind="stable").reset_index(drop=True)

    def stages_side_by_side(self, by_agency: bool = False) -> pd.DataFrame:
        """The timeline wide: one row per target (and SKPD), one amount column per stage,
        then the status at the judged stage and the note of a later stage that undid it.
        Empty for a two-stage audit."""
        tl = self.timeline_by_agency if by_agency else self.timeline
        if tl is None or tl.empty:
            return pd.DataFrame()
        keys = (["kode_skpd", "nama_skpd"] if by_agency else []) + ["target", "category"]
        labels = list(dict.fromkeys(tl["label"]))
        wide = tl.pivot_table(index=keys, columns="label", values="anggaran", aggfunc="first", sort=False,
                              observed=True)
        wide = wide[labels].reset_index()
        judged = tl[tl["peran"] == "dinilai"].set_index(keys)["status"].rename("status")
        note = tl[tl["keterangan"] != ""].groupby(keys, sort=False)["keterangan"].agg("; ".join)
        wide = wide.join(judged, on=keys).join(note, on=keys)
        wide["keterangan"] = wide["keterangan"].fillna("")
        wide.columns.name = None
        return wide

    # ------------------------------------------------------------------ JSON

    @staticmethod
    def _result_rows(records: list[dict]) -> list[dict]:
        return [{
            "category": r["category"], "target": r["target"], "kind": r["kind"],
            "baseline": r["baseline"], "revised": _none(r["revised"]), "change": _none(r["change"]),
            "change_pct": _none(r["change_pct"]), "target_cut_pct": _none(r["target_cut_pct"]),
            "status": r["status"], "shortfall": r["shortfall"], "citation": r["citation"],
            "scope": r["scope"], "legal_source": r["legal_source"],
        } for r in records]

    def to_dict(self) -> dict:
        """The JSON document as Python objects (amounts as ``Decimal``)."""
        groups: dict[tuple, list[dict]] = {}
        for r in _records(self.by_agency):  # SKPD in order of first appearance
            groups.setdefault((r["kode_skpd"], r["nama_skpd"]), []).append(r)
        agencies = [{"kode_skpd": kode, "nama_skpd": nama, "categories": self._result_rows(g)}
                    for (kode, nama), g in groups.items()]
        rec = self.reconciliation
        out = {
            "efisiensi_version": __version__,
            "policy": self.policy.id,
            "policy_name": self.policy.name,
            "policy_version": self.policy.version,
            "legal_source": self.policy.legal_source,
            "baseline": {"files": list(self.baseline_files), "total": self.totals["baseline"]},
            "revised": None if self.revised_files is None else {
                "files": list(self.revised_files), "total": self.totals["revised"]},
            "categories": self._result_rows(_records(self.summary)),
            "agencies": agencies,
            "reconciliation": {
                "ok": self.reconciled,
                "stages": [{k: _none(v) for k, v in r.items()} for r in _records(rec)],
            },
            "findings": [
                {"file": _none(f["file"]), "sheet": _none(f["sheet"]) or None,
                 "row": None if _none(f["row"]) is None else int(f["row"]),
                 "code": f["code"], "message": f["message"], "severity": f["severity"],
                 "stage": _none(f.get("stage"))}
                for f in _records(self.findings)
            ],
            "inputs": [{**{k: v for k, v in s.items() if k in ("path", "sha256", "size", "rows", "stage")},
                        "verification": json_view(s.get("verification"))} for s in self.sources],
        }
        out["stages"] = self._stages_json()
        if self.realisasi is not None:
            out["realisasi"] = [{k: _none(v) for k, v in r.items()} for r in _records(self.realisasi)]
        return out

    def _stages_json(self) -> list[dict]:
        """The ``stages`` list: every stage in order with its amount per target."""
        if not self.stages:  # a two-stage audit: the same figures as "categories"
            two = [{"label": "baseline", "role": "baseline", "files": list(self.baseline_files),
                    "total": self.totals["baseline"],
                    "categories": [{"target": r["target"], "amount": r["baseline"]}
                                   for r in self._result_rows(_records(self.summary))]}]
            if self.revised_files is not None:
                two.append({"label": "revised", "role": "judged", "files": list(self.revised_files),
                            "total": self.totals["revised"],
                            "categories": [{"target": r["target"], "amount": r["revised"], "status": r["status"]}
                                           for r in self._result_rows(_records(self.summary))]})
            return two
        out = []
        for st in self.stages:
            rows = self.timeline[self.timeline["label"] == st["label"]] if self.timeline is not None else []
            cats = [{"target": r.target, "category": r.category, "amount": r.anggaran, "change": _none(r.change),
                     "change_pct": _none(r.change_pct), "status": r.status or None,
                     "holds": _none(r.holds), "note": r.keterangan or None} for r in rows.itertuples(index=False)]
            out.append({**{k: v for k, v in st.items()}, "categories": cats})
        return out

    def to_json(self, path: str | Path | None = None, indent: int = 2) -> str:
        """The stable JSON contract (see README); written to ``path`` when given."""
        text = dumps(self.to_dict(), indent=indent) + "\n"
        if path is not None:
            from .._io import atomic_write_text

            atomic_write_text(Path(path), text, inputs=[s["path"] for s in self.sources])
        return text

    def to_excel(self, path: str | Path, lang: str = "id") -> Path:
        """Write the evidence workbook (Ringkasan, Per SKPD, Temuan, Temuan (tetap), Per SKPD
        rinci, Rincian, Rekonsiliasi, Catatan Data, Jejak Audit), set up to print on A4;
        labels in Bahasa Indonesia, ``lang="en"`` for English."""
        return _renderer("excel")(self, path, lang)

    def to_html(self, path: str | Path | None = None, lang: str = "id") -> str | Path:
        """The shareable summary: one self-contained HTML page (charts inline as SVG, prints
        well from a browser). Written to ``path`` when given (returns the path), else returned."""
        return _renderer("summary")(self, path, lang)

    def _repr_html_(self) -> str:
        return _renderer("html")(self)

    def plot(self, lang: str = "id"):
        """Baseline vs revised per category and the per-SKPD travel change against the
        target (matplotlib; ``pip install efisiensi[notebook]``). Returns the Figure."""
        return _renderer("plot")(self, lang)

    def __repr__(self) -> str:
        stages = "profil" if self.revised_files is None else "murni → perubahan"
        if self.stages:
            stages = " → ".join(s["label"] + ("*" if s.get("role") == "judged" else "") for s in self.stages)
        bad = ", ".join(self.not_met["target"]) or "-"
        return (f"<Audit {self.policy.id}: {len(self.baseline_files)} berkas baseline, {stages}; "
                f"target tidak tercapai: {bad}; rekonsiliasi {'OK' if self.reconciled else 'GAGAL'}; "
                f"bacaan {label(worst((s.get('verification') or {}).get('verdict', 'tidak_dapat_diverifikasi') for s in self.sources))}>")
