"""The budget timeline as people read it: the stages side by side, one row per category.

One implementation for every view (terminal, HTML summary, notebook, Excel): the rows come
from :meth:`Audit.stages_side_by_side` (amounts exact, never added across stages), the
stage list from ``Audit.stages`` and the realised spending from ``Audit.realisasi``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .._format import percent, rupiah
from .labels import label, target_label

if TYPE_CHECKING:
    from ..compliance import Audit

TEXT = {
    "id": {"title": "Lini masa tahap anggaran", "judged": "dinilai", "base": "baseline",
           "status_at": "Status di {s}", "change_at": "Perubahan di {s}", "note": "Keterangan",
           "spent": "Realisasi (Rp)", "share": "Terpakai", "budget_of": "anggaran {s}",
           "stage": "Tahap", "role": "Peran", "from": "Dikenali dari", "year": "Tahun", "files": "Berkas",
           "total": "Total (Rp)", "rows": "Baris", "holds": "bertahan",
           "realisasi_line": "Realisasi s.d. saat ini terhadap anggaran {s}"},
    "en": {"title": "Budget timeline", "judged": "judged", "base": "baseline",
           "status_at": "Status at {s}", "change_at": "Change at {s}", "note": "Note",
           "spent": "Realised (Rp)", "share": "Spent", "budget_of": "{s} budget",
           "stage": "Stage", "role": "Role", "from": "Detected from", "year": "Year", "files": "Files",
           "total": "Total (Rp)", "rows": "Rows", "holds": "holds",
           "realisasi_line": "Spent to date against the {s} budget"},
}
#: where a stage was read from (the library's words), in English
_FROM_EN = {"nama berkas": "file name", "kolom tahap": "stage column", "pengguna": "user", "judul": "title",
            "kolom": "column header", "kolom TAHUN": "TAHUN column"}
#: the library's own wording of a reversed cut, and its English
_REVERSED = "potongan dibatalkan di "


def has_timeline(audit: Audit) -> bool:
    return bool(audit.stages) and audit.timeline is not None and not audit.timeline.empty


def stage_labels(audit: Audit) -> tuple[list[str], str | None]:
    """The stage labels in order, and the judged one."""
    labels = [s["label"] for s in audit.stages]
    judged = next((s["label"] for s in audit.stages if s.get("role") == "judged"), None)
    return labels, judged


def note_text(note: str, lang: str) -> str:
    """``potongan dibatalkan di perubahan`` in the report's language."""
    if lang == "en" and note:
        return "; ".join(f"cut undone at {n.removeprefix(_REVERSED)}" if n.startswith(_REVERSED) else n
                         for n in note.split("; "))
    return note


def stage_head(lab: str, judged: str | None, base: str | None, lang: str, unit: str = "") -> str:
    """A stage's column head: its label, its role and (``unit="Rp"``) the unit."""
    t = TEXT[lang]
    role = t["judged"] if lab == judged else t["base"] if lab == base else ""
    inside = ", ".join(x for x in (role, unit) if x)
    return f"{lab} ({inside})" if inside else lab


def side_by_side(audit: Audit, by_agency: bool = False) -> pd.DataFrame:
    """The wide timeline with the judged stage's change and, per target, realisasi and the
    share spent where the audit has them (Pemda level)."""
    wide = audit.stages_side_by_side(by_agency=by_agency)
    if wide.empty:
        return wide
    tl = audit.timeline_by_agency if by_agency else audit.timeline
    keys = (["kode_skpd", "nama_skpd"] if by_agency else []) + ["target"]
    judged = tl[tl["peran"] == "dinilai"].set_index(keys)["change_pct"].rename("change_pct")
    wide = wide.join(judged, on=keys)
    if not by_agency and audit.realisasi is not None and len(audit.realisasi):
        r = audit.realisasi.set_index("target")[["realisasi", "persen_realisasi", "tahap_anggaran"]]
        wide = wide.join(r, on="target")
    return wide


def text_rows(audit: Audit, lang: str = "id") -> tuple[list[str], list[list[str]], str]:
    """Header, rows and column alignment of the side-by-side table as text."""
    from .terminal import STATUS_TEXT

    t = TEXT[lang]
    labels, judged = stage_labels(audit)
    wide = side_by_side(audit)
    spent = "realisasi" in wide
    head = [label("category", lang), *(stage_head(lab, judged, labels[0], lang) for lab in labels),
            t["change_at"].format(s=judged), t["status_at"].format(s=judged)]
    if spent:
        head += [t["spent"], t["share"]]
    head.append(t["note"])
    rows = []
    for r in wide.to_dict("records"):
        kind = audit.policy.target(r["target"]).kind
        status = label(r["status"], lang) if kind == "report" else STATUS_TEXT[lang].get(r["status"], r["status"])
        row = [target_label(r["target"], lang), *(rupiah(_dec(r[lab]), lang) for lab in labels),
               percent(_num(r.get("change_pct")), lang), status or "-"]
        if spent:
            row += [rupiah(_dec(r.get("realisasi")), lang), percent(_num(r.get("persen_realisasi")), lang, sign=False)]
        row.append(note_text(r["keterangan"], lang))
        rows.append(row)
    align = "l" + "r" * (len(labels) + 1) + "l" + ("rr" if spent else "") + "l"
    return head, rows, align


def stage_rows(audit: Audit, lang: str = "id") -> tuple[list[str], list[list[str]]]:
    """One row per stage: label, role, where the stage was read from, year, files, total."""
    t = TEXT[lang]
    role = {"baseline": t["base"], "judged": t["judged"]}
    rows = []
    for s in audit.stages:
        files = "; ".join(Path(str(f)).name for f in s.get("files") or [])
        year = s.get("tahun")
        how = str(s.get("detected_from") or "")
        rows.append([s["label"], role.get(s.get("role") or "", ""), _FROM_EN.get(how, how) if lang == "en" else how,
                     "-" if year is None else (", ".join(map(str, year)) if isinstance(year, list) else str(year)),
                     files, rupiah(s.get("total"), lang)])
    return [t["stage"], t["role"], t["from"], t["year"], t["files"], t["total"]], rows


def _dec(v) -> Decimal | None:
    return None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else Decimal(v)


def _num(v):
    return None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v


def timeline_html(audit: Audit, lang: str = "id", heading: str = "h2") -> str:
    """The side-by-side table as HTML (summary page and notebook view); ``""`` without a
    timeline. Every text is escaped; a reversed cut is shown in red."""
    import html

    if not has_timeline(audit):
        return ""
    e = html.escape
    head, rows, align = text_rows(audit, lang)
    note_col = len(head) - 1
    out = [f"<{heading}>{e(TEXT[lang]['title'])}</{heading}><table><thead><tr>"
           + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    for row in rows:
        cells = []
        for j, (c, a) in enumerate(zip(row, align, strict=True)):
            style = " style='text-align:right;white-space:nowrap'" if a == "r" else ""
            if j == note_col and c:
                style = " style='color:#b00020;font-weight:bold'"
            cells.append(f"<td{style}>{e(c)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    shead, srows = stage_rows(audit, lang)
    out.append("<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in shead) + "</tr></thead><tbody>"
               + "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in srows)
               + "</tbody></table>")
    return "".join(out)
