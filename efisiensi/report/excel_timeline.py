"""The Lini Masa sheets of the evidence workbook: the stages side by side, for the Pemda
(with realisasi where the audit has it) and per SKPD, amounts exact as everywhere in the
workbook (a number with a rupiah format, and an exact text column where Excel's 15 digits
cannot hold the amount)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ._xlsx import Writer
from .timeline import (
    TEXT,
    has_timeline,
    note_text,
    side_by_side,
    stage_head,
    stage_labels,
    stage_rows,
)
from .verdict import TONE

if TYPE_CHECKING:
    from ..compliance import Audit

SHEET = {"id": ("Lini Masa", "Lini Masa per SKPD"), "en": ("Timeline", "Timeline by agency")}


def _stage_columns(w: Writer, audit: Audit) -> tuple[list[tuple[str, str]], dict[str, str]]:
    labels, judged = stage_labels(audit)
    t = TEXT[w.lang]
    cols = [(f"stage:{lab}", "money") for lab in labels]
    heads = {f"stage:{lab}": stage_head(lab, judged, labels[0], w.lang, "Rp") for lab in labels}
    cols += [("change_pct", "change_pct"), ("status", "tone"), ("keterangan", "wrap")]
    heads.update({"change_pct": t["change_at"].format(s=judged) + " (%)", "status": t["status_at"].format(s=judged),
                  "keterangan": t["note"]})
    return cols, heads


def _view(w: Writer, audit: Audit, wide: pd.DataFrame) -> pd.DataFrame:
    labels, _ = stage_labels(audit)
    out = wide.rename(columns={lab: f"stage:{lab}" for lab in labels}).copy()
    kinds = {t.id: t.kind for t in audit.policy.targets}
    out["status"] = [("neutral" if kinds.get(tg) == "report" else TONE.get(s, "neutral"), w.L(s) if s else "-")
                     for tg, s in zip(out["target"], out["status"].fillna(""), strict=True)]
    out["keterangan"] = [note_text(n, w.lang) for n in out["keterangan"]]
    return out


def timeline_sheets(w: Writer, audit: Audit) -> None:
    """Write Lini Masa (stages, then the Pemda side by side) and Lini Masa per SKPD."""
    if not has_timeline(audit):
        return
    t = TEXT[w.lang]
    name, per_agency = SHEET[w.lang]
    ws = w.sheet(name, fit=True)
    ws.write_string(0, 0, t["title"], w.fmt["title"])
    ws.set_row(0, 28)
    shead, srows = stage_rows(audit, w.lang)
    stages = pd.DataFrame({
        "s_label": [r[0] for r in srows], "s_role": [r[1] for r in srows], "s_from": [r[2] for r in srows],
        "s_year": [r[3] for r in srows],
        "s_files": ["; ".join(Path(str(f)).name for f in s.get("files") or []) for s in audit.stages],
        "s_total": [s.get("total") for s in audit.stages], "s_rows": [s.get("rows") for s in audit.stages]})
    keys = ["s_label", "s_role", "s_from", "s_year", "s_files", "s_total"]
    heads = dict(zip(keys, shead, strict=True)) | {"s_rows": TEXT[w.lang]["rows"]}
    _, last = w.table(name, stages, [("s_label", "text"), ("s_role", "text"), ("s_from", "text"),
                                     ("s_year", "text"), ("s_files", "wrap"), ("s_total", "money"),
                                     ("s_rows", "int")], start_row=2, ws=ws, heads=heads, filter_=False,
                      widths={"s_files": 40})
    top = last + 2
    cols, heads = _stage_columns(w, audit)
    wide = _view(w, audit, side_by_side(audit))
    cols = [("target", "target"), *cols]
    if "realisasi" in wide:
        at = str(wide["tahap_anggaran"].dropna().iloc[0]) if wide["tahap_anggaran"].notna().any() else ""
        cols[-1:-1] = [("realisasi", "money"), ("persen_realisasi", "pct")]
        heads |= {"realisasi": t["spent"], "persen_realisasi": f"{t['share']} ({t['budget_of'].format(s=at)}, %)"}
    heads["target"] = w.L("category")
    w.table(name, wide, cols, start_row=top, ws=ws, heads=heads, filter_=False,
            widths={"target": 22, "status": 16, "keterangan": 34})
    ws.repeat_rows(top)
    ws.freeze_panes(top + 1, 1)
    agencies = side_by_side(audit, by_agency=True)
    if agencies.empty:
        return
    cols, heads = _stage_columns(w, audit)
    w.table(per_agency, _view(w, audit, agencies), [("kode_skpd", "text"), ("nama_skpd", "wrap"),
                                                    ("target", "target"), *cols],
            heads=heads, widths={"kode_skpd": 21, "nama_skpd": 34, "target": 20, "status": 16, "keterangan": 30})
