"""The verdict in words: one sentence per target, shared by the workbook and the HTML summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .._format import percent, rupiah
from .labels import label, target_label

if TYPE_CHECKING:
    from ..compliance import Audit

#: How a status reads at a glance: "good" (green), "bad" (red) or "neutral".
TONE = {"met": "good", "decreased": "good", "not_met": "bad", "increased": "bad", "unchanged": "bad",
        "no_baseline": "bad", "profile": "neutral"}

_TEXT = {
    "id": {
        "met": "{t}: TERCAPAI. Turun {p} (Rp {b} menjadi Rp {r}); target potong {g}.",
        "not_met": "{t}: TIDAK TERCAPAI. {moved} {p} (Rp {b} menjadi Rp {r}); target potong {g}; "
                   "kurang Rp {s}.",
        "decreased": "{t}: turun {p} (Rp {b} menjadi Rp {r}), sesuai arah Inpres.",
        "increased": "{t}: NAIK {p} (Rp {b} menjadi Rp {r}); seharusnya turun.",
        "unchanged": "{t}: tidak berubah (Rp {b}); seharusnya turun.",
        "no_baseline": "{t}: tidak ada di APBD murni; Rp {r} di revisi.",
        "profile": "{t}: Rp {b} di APBD murni (profil, tanpa revisi).",
        "report": "{t} (hanya dilaporkan, tanpa target): Rp {b} menjadi Rp {r} ({p}).",
        "report_profile": "{t} (hanya dilaporkan): Rp {b}.",
        "fell": "Turun", "rose": "Naik",
    },
    "en": {
        "met": "{t}: MET. Down {p} (Rp {b} to Rp {r}); target cut {g}.",
        "not_met": "{t}: NOT MET. {moved} {p} (Rp {b} to Rp {r}); target cut {g}; short by Rp {s}.",
        "decreased": "{t}: down {p} (Rp {b} to Rp {r}), as the Inpres requires.",
        "increased": "{t}: UP {p} (Rp {b} to Rp {r}); it should fall.",
        "unchanged": "{t}: unchanged (Rp {b}); it should fall.",
        "no_baseline": "{t}: not in the baseline; Rp {r} in the revision.",
        "profile": "{t}: Rp {b} in the baseline (profile, no revision).",
        "report": "{t} (reported only, no target): Rp {b} to Rp {r} ({p}).",
        "report_profile": "{t} (reported only): Rp {b}.",
        "fell": "Down", "rose": "Up",
    },
}


def _na(v):
    return None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v


def shortfall(row) -> object:
    """The shortfall of a result row, or None where the target is only reported."""
    return None if row.kind == "report" else _na(row.shortfall)


def goal(row, lang: str = "id") -> str:
    """What the target asks: ``potong 50 %``, ``harus turun`` or ``dilaporkan``."""
    if row.kind == "numeric" and _na(row.target_cut_pct) is not None:
        return label("goal_cut", lang).format(p=percent(row.target_cut_pct, lang, sign=False))
    return label("goal_down" if row.kind == "directional" else "goal_report", lang)


def sentence(row, lang: str = "id") -> str:
    """One sentence for one result row (a row of ``Audit.summary``)."""
    t = _TEXT["en" if lang == "en" else "id"]
    change_pct = _na(row.change_pct)
    fields = {
        "t": target_label(row.target, lang), "b": rupiah(_na(row.baseline), lang),
        "r": rupiah(_na(row.revised), lang), "s": rupiah(_na(row.shortfall), lang),
        "p": percent(abs(change_pct) if row.kind != "report" and change_pct is not None else change_pct, lang,
                     sign=row.kind == "report"),
        "g": percent(_na(row.target_cut_pct), lang, sign=False),
        "moved": t["fell"] if change_pct is not None and change_pct <= 0 else t["rose"],
    }
    if row.kind == "report":
        key = "report_profile" if row.status == "profile" else "report"
    else:
        key = row.status if row.status in t else "profile"
    return t[key].format(**fields)


def verdicts(audit: Audit, lang: str = "id") -> list[tuple[str, str]]:
    """``(tone, sentence)`` per target, in the policy's order."""
    out = []
    for row in audit.summary.itertuples(index=False):
        tone = "neutral" if row.kind == "report" else TONE.get(row.status, "neutral")
        out.append((tone, sentence(row, lang)))
    return out


def reconciliation_line(audit: Audit, lang: str = "id") -> tuple[str, str]:
    """``(tone, text)`` of the reconciliation; OK only when it holds and no source is known to be
    unverified (a source record may carry a ``verification`` verdict)."""
    if not audit.reconciled:
        return "bad", label("rec_bad", lang)
    verdicts = [(s.get("verification") or {}).get("verdict") for s in audit.sources]
    known = [v for v in verdicts if v]
    if known and any(v != "terverifikasi" for v in known):
        return "neutral", label("rec_unverified", lang)
    return "good", label("rec_ok", lang)
