"""The compact notebook view of an audit (``Audit._repr_html_``)."""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .._format import number, percent, rupiah
from .labels import label
from .timeline import timeline_html
from .verdict import reconciliation_line

if TYPE_CHECKING:
    from ..compliance import Audit

COLOURS = {"met": "#1e7b34", "decreased": "#1e7b34", "not_met": "#b00020", "increased": "#b26a00",
           "no_baseline": "#b26a00"}


def audit_html(audit: Audit, lang: str = "id") -> str:
    """A small HTML table per target, status coloured, with the legal source and the checks."""
    L = lambda k: html.escape(label(k, lang))  # noqa: E731
    head = "".join(f"<th>{L(k)}</th>" for k in ("target", "baseline", "revised", "change_pct", "status", "shortfall"))
    body = []
    for r in audit.summary.itertuples(index=False):
        colour = COLOURS.get(r.status, "#444")
        pct = "" if pd.isna(r.change_pct) else percent(r.change_pct, lang)
        rev = "" if pd.isna(r.revised) else rupiah(r.revised, lang)
        body.append(
            f"<tr><td>{html.escape(r.target)}</td><td style='text-align:right'>{rupiah(r.baseline, lang)}</td>"
            f"<td style='text-align:right'>{rev}</td><td style='text-align:right'>{pct}</td>"
            f"<td style='color:{colour};font-weight:bold'>{L(r.status)}</td>"
            f"<td style='text-align:right'>{'' if r.kind == 'report' else rupiah(r.shortfall, lang)}</td></tr>")
    rec = html.escape(reconciliation_line(audit, lang)[1])  # OK only when every source is verified
    files = _files(audit.baseline_files, lang) + (
        " → " + _files(audit.revised_files, lang) if audit.revised_files else "")
    return (f"<div><b>{html.escape(audit.policy.name)}</b><br><small>{L('legal_source')}: "
            f"{html.escape(audit.policy.legal_source)}<br>{files}</small>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f"{timeline_html(audit, lang, heading='b')}"
            f"<small>{L('sheet_recon')}: {rec} · {L('sheet_notes')}: {len(audit.findings)}</small></div>")


def _files(files: list[str], lang: str) -> str:
    """A few files by name; many as a count and the folder they share."""
    if len(files) <= 3:
        return html.escape("; ".join(files))
    try:
        common = os.path.commonpath([str(Path(f).parent) for f in files])
    except ValueError:
        common = ""
    word = "berkas" if lang == "id" else "files"
    where = (" di " if lang == "id" else " in ") + common if common else ""
    return html.escape(f"{number(len(files), lang)} {word}{where}")
