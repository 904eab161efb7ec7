"""The shareable summary: one self-contained HTML page beside the workbook.

No script, no font or image fetched: the charts are inline SVG, the style is inline CSS with
a print style (A4 landscape). Every text from a file is HTML-escaped.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .._format import number, percent, rupiah
from .._io import atomic_write_text, protected_inputs
from .._version import __version__
from .excel import TOP_N, _agency_table
from .labels import label, target_label
from .timeline import timeline_html
from .verdict import TONE, goal, reconciliation_line, shortfall, verdicts

if TYPE_CHECKING:
    from ..compliance import Audit

COLOUR = {"good": "#1e7b34", "bad": "#b00020", "neutral": "#555"}
BG = {"good": "#e3f4e6", "bad": "#fbe3e6", "neutral": "#eeeeee"}
CSS = """
body{font-family:Arial,Helvetica,sans-serif;font-size:11pt;color:#111;margin:24px;max-width:1200px}
h1{font-size:20pt;margin:0 0 4px}h2{font-size:14pt;margin:22px 0 6px;border-bottom:2px solid #1f4e78}
.meta{color:#444;font-size:9.5pt}.verdict{list-style:none;padding:0;margin:0}
.verdict li{padding:6px 10px;margin:3px 0;border-left:6px solid}
table{border-collapse:collapse;width:100%;font-size:9.5pt}th{background:#1f4e78;color:#fff;text-align:left}
th,td{padding:3px 6px;border-bottom:1px solid #ddd;vertical-align:top}td.n{text-align:right;white-space:nowrap}
.cut{color:#006100}.rise{color:#c00000;font-weight:bold}svg{max-width:100%;height:auto}
footer{margin-top:24px;color:#555;font-size:8.5pt}
@media print{@page{size:A4 landscape;margin:12mm}body{margin:0;max-width:none}
h2{break-after:avoid}table,svg,li{break-inside:avoid}thead{display:table-header-group}.pb{break-before:page}}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _na(v):
    return None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v


def _cls(v) -> str:
    v = _na(v)
    return "" if v is None or v == 0 else (" cut" if v < 0 else " rise")


def bars_svg(items: list[tuple[str, list[float]]], series: list[tuple[str, str]], title: str,
             lang: str = "id", width: int = 1000) -> str:
    """Horizontal grouped bars as inline SVG: ``items`` are (label, values per series)."""
    bar, gap, left, right = 14, 10, 330, 130
    per = bar * len(series) + gap
    top = 44
    height = top + per * len(items) + 30
    vmax = max([v for _, vals in items for v in vals] + [1.0])
    scale = (width - left - right) / vmax
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-label="{_e(title)}" font-family="Arial" font-size="12">',
           f'<text x="{width / 2}" y="18" text-anchor="middle" font-weight="bold" font-size="14">{_e(title)}</text>']
    for k, (name, colour) in enumerate(series):
        out.append(f'<rect x="{left + 160 * k}" y="28" width="12" height="12" fill="{colour}"/>'
                   f'<text x="{left + 160 * k + 16}" y="38">{_e(name)}</text>')
    for i, (name, vals) in enumerate(items):
        y = top + i * per
        out.append(f'<text x="{left - 6}" y="{y + per / 2}" text-anchor="end">{_e(name[:42])}</text>')
        for k, v in enumerate(vals):
            w = max(v * scale, 0)
            yy = y + k * bar
            out.append(f'<rect x="{left}" y="{yy}" width="{w:.1f}" height="{bar - 2}" fill="{series[k][1]}"/>'
                       f'<text x="{left + w + 4:.1f}" y="{yy + bar - 4}" font-size="10">{_e(number(round(v), lang))}</text>')
    out.append(f'<line x1="{left}" y1="{top - 4}" x2="{left}" y2="{height - 24}" stroke="#333"/></svg>')
    return "".join(out)


def summary_html(audit: Audit, lang: str = "id") -> str:
    """The whole page as a string."""
    L = lambda k: _e(label(k, lang))  # noqa: E731
    revised = audit.revised_files is not None
    files = "; ".join(Path(f).name for f in audit.baseline_files)
    if revised:
        files += " → " + "; ".join(Path(f).name for f in audit.revised_files)
    parts = [f"<h1>{L('html_title')}</h1>",
             f"<div class='meta'>{_e(audit.policy.name)}. {L('legal_source')}: {_e(audit.policy.legal_source)}"
             f"<br>{_e(files)}</div>", f"<h2>{L('verdict')}</h2><ul class='verdict'>"]
    for tone, text in verdicts(audit, lang):
        parts.append(f"<li style='border-color:{COLOUR[tone]};background:{BG[tone]}'>{_e(text)}</li>")
    tone, text = reconciliation_line(audit, lang)
    parts.append(f"<li style='border-color:{COLOUR[tone]};background:{BG[tone]}'>{L('reconciliation')}: "
                 f"{_e(text)}. {L('findings_count')}: {len(audit.findings)}.</li></ul>")
    parts.append(f"<p><b>{L('baseline_total')}:</b> {rupiah(audit.totals['baseline'], lang)}"
                 + (f" &nbsp; <b>{L('revised_total')}:</b> {rupiah(audit.totals['revised'], lang)}" if revised else "")
                 + "</p>")
    parts += _summary_table(audit, lang, L)
    parts.append(timeline_html(audit, lang))
    items = [(target_label(r.target, lang), [float(r.baseline)] + ([float(_na(r.revised) or 0)] if revised else []))
             for r in audit.summary.itertuples(index=False)]
    series = [(label("baseline", lang), "#8ea9db")] + ([(label("revised", lang), "#1f4e78")] if revised else [])
    parts.append(bars_svg(items, series, label("chart_summary", lang),
                          lang=lang, width=1000))
    parts += _agency_part(audit, lang, L)
    parts.append(_footer(audit, lang))
    return (f"<!DOCTYPE html><html lang='{_e(lang)}'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{L('html_title')}: {_e(audit.policy.name)}</title><style>{CSS}</style></head><body>"
            + "\n".join(parts) + "</body></html>\n")


def _summary_table(audit: Audit, lang: str, L) -> list[str]:
    head = ["category", "baseline", "revised", "change", "change_pct", "goal", "status", "shortfall"]
    rows = [f"<h2>{L('sheet_summary')}</h2><table><thead><tr>"
            + "".join(f"<th>{L(k)}</th>" for k in head) + "</tr></thead><tbody>"]
    for r in audit.summary.itertuples(index=False):
        tone = "neutral" if r.kind == "report" else TONE.get(r.status, "neutral")
        rows.append(
            f"<tr><td>{_e(target_label(r.target, lang))}</td><td class='n'>{rupiah(r.baseline, lang)}</td>"
            f"<td class='n'>{rupiah(_na(r.revised), lang)}</td>"
            f"<td class='n{_cls(r.change)}'>{rupiah(_na(r.change), lang)}</td>"
            f"<td class='n{_cls(r.change_pct)}'>{percent(_na(r.change_pct), lang)}</td>"
            f"<td>{_e(goal(r, lang))}</td><td style='color:{COLOUR[tone]};font-weight:bold'>{L(r.status)}</td>"
            f"<td class='n'>{rupiah(shortfall(r), lang) if shortfall(r) is not None else ''}</td></tr>")
    rows.append("</tbody></table>")
    return rows


def _agency_part(audit: Audit, lang: str, L) -> list[str]:
    frame, numeric, _ = _agency_table(audit)
    if audit.revised_files is None or not numeric:
        return []
    t = numeric[0]
    col = f"{t.id}:shortfall"
    short = frame[frame[col].notna() & (frame[col].fillna(0) > 0)].sort_values(col, ascending=False, kind="stable")
    name = target_label(t.id, lang)
    out = [f"<h2 class='pb'>{L('sheet_agency')}: {_e(name)}</h2>"]
    met = int((frame[f"{t.id}:status"] == "met").sum())
    out.append(f"<p>{_e(label('agencies_line', lang).format(t=name, n=len(short), m=len(frame), met=met))}</p>")
    if len(short):
        top, rest = short.head(TOP_N), short.iloc[TOP_N:]
        items = [(str(n), [float(v)]) for n, v in zip(top["nama_skpd"], top[col], strict=True)]
        if len(rest):
            items.append((label("others", lang).format(n=len(rest)), [float(sum(rest[col]))]))
        key = "chart_shortfall_more" if len(rest) else "chart_shortfall"
        out.append(bars_svg(items, [(label("shortfall", lang), "#c00000")],
                            label(key, lang).format(t=name, n=len(top)),
                            lang=lang, width=1000))
        out.append("<table><thead><tr>" + "".join(f"<th>{L(k)}</th>" for k in (
            "nama_skpd", "baseline", "revised", "change_pct", "status", "shortfall")) + "</tr></thead><tbody>")
        for r in top.to_dict("records"):
            st = r[f"{t.id}:status"]
            tone = TONE.get(st, "neutral")
            out.append(f"<tr><td>{_e(r['nama_skpd'])}</td><td class='n'>{rupiah(_na(r[f'{t.id}:baseline']), lang)}</td>"
                       f"<td class='n'>{rupiah(_na(r[f'{t.id}:revised']), lang)}</td>"
                       f"<td class='n{_cls(r[f'{t.id}:change_pct'])}'>{percent(_na(r[f'{t.id}:change_pct']), lang)}</td>"
                       f"<td style='color:{COLOUR[tone]};font-weight:bold'>{L(st)}</td>"
                       f"<td class='n'>{rupiah(_na(r[col]), lang)}</td></tr>")
        out.append("</tbody></table>")
    return out


def _footer(audit: Audit, lang: str) -> str:
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    inputs = "<br>".join(f"{_e(s['path'])}: sha256 {_e(s['sha256'])}, {number(s['rows'], lang)} "
                         f"{_e(label('rows', lang).lower())}" for s in audit.sources)
    return f"<footer>{_e(label('generated', lang).format(v=__version__, t=stamp))}<br>{inputs}</footer>"


def write_html(audit: Audit, path: str | Path | None = None, lang: str = "id") -> str | Path:
    text = summary_html(audit, lang)
    if path is None:
        return text
    path = Path(path)
    atomic_write_text(path, text, inputs=protected_inputs(audit))
    return path
