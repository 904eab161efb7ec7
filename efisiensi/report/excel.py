"""The evidence workbook: what an inspector opens, filters, checks line by line, and prints.

Sheets: Ringkasan (the verdict in one sentence per target, the totals, the table and a chart),
Lini Masa and Lini Masa per SKPD (an audit of several stages: the stages side by side, the
judged stage, "potongan dibatalkan di perubahan", realisasi where present),
Per SKPD (one row per SKPD for the targets that matter, sorted by shortfall, with a chart of
the largest shortfalls), Temuan (the changed lines behind each target, travel first), Temuan
(tetap) (the unchanged lines apart), Per SKPD rinci, Rincian (every line), Rekonsiliasi,
Catatan Data and Jejak Audit. Each prints on A4 landscape with its header rows repeated.

Written with xlsxwriter (measured faster than openpyxl for formatted workbooks; openpyxl
stays the tool that checks the result in the tests). The file is written to a temporary name
and moved into place, never over an input file (see :mod:`efisiensi._io`).
"""

from __future__ import annotations

import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .._format import percent
from .._io import atomic_write_bytes, protected_inputs
from .._version import __version__
from ._xlsx import EXCEL_MAX_ROWS, Writer
from .excel_timeline import timeline_sheets
from .labels import target_label
from .verdict import TONE, goal, reconciliation_line, shortfall, verdicts

if TYPE_CHECKING:
    from ..compliance import Audit

__all__ = ["EXCEL_MAX_ROWS", "TOP_N", "write_excel"]

#: SKPD bars in the Per SKPD chart before the rest is summed as "lainnya"
TOP_N = 15
LISTED = ("not_met", "increased", "no_baseline", "unchanged")


def write_excel(audit: Audit, path: str | Path, lang: str = "id", max_rows: int = EXCEL_MAX_ROWS) -> Path:
    """Write the evidence workbook for an audit; returns the path written."""
    path = Path(path)
    w = Writer(lang, max_rows)
    _summary_sheet(w, audit)
    timeline_sheets(w, audit)
    _agency_sheet(w, audit)
    _evidence_sheets(w, audit)
    _agency_detail_sheet(w, audit)
    _lines_sheet(w, audit)
    _recon_sheet(w, audit)
    _notes_sheet(w, audit)
    _trail_sheet(w, audit)
    atomic_write_bytes(path, w.close(), inputs=protected_inputs(audit))
    return path


def _status(row, lang_w: Writer):
    tone = "neutral" if row.kind == "report" else TONE.get(row.status, "neutral")
    return tone, lang_w.L(str(row.status))


def _result_frame(w: Writer, frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    rows = list(frame.itertuples(index=False))
    out["status"] = [_status(r, w) for r in rows]
    out["goal"] = [goal(r, w.lang) for r in rows]
    out["shortfall"] = [shortfall(r) for r in rows]
    out["kind"] = [w.L(f"kind_{k}") for k in frame["kind"]]
    return out


# ---------------------------------------------------------------------- Ringkasan

def _summary_sheet(w: Writer, audit: Audit) -> None:
    L = w.L
    ws = w.sheet(L("sheet_summary"), fit=True)
    ws.write_string(0, 0, L("title"), w.fmt["title"])
    ws.set_row(0, 30)
    ws.merge_range(1, 0, 1, 9, f"{audit.policy.name}. {L('legal_source')}: {audit.policy.legal_source}",
                   w.fmt["wrap"])
    ws.set_row(1, 28)
    files = "; ".join(Path(f).name for f in audit.baseline_files)
    if audit.revised_files is not None:
        files += "  →  " + "; ".join(Path(f).name for f in audit.revised_files)
    w.text(ws, 2, 0, files)
    ws.write_string(4, 0, L("verdict"), w.fmt["h2"])
    r = 5
    for tone, text in verdicts(audit, w.lang):
        ws.merge_range(r, 0, r, 9, text, w.verdict_fmt[tone])
        ws.set_row(r, 30)
        r += 1
    tone, text = reconciliation_line(audit, w.lang)
    ws.merge_range(r, 0, r, 9, f"{L('reconciliation')}: {text}. {L('findings_count')}: {len(audit.findings)}.",
                   w.verdict_fmt[tone])
    ws.set_row(r, 30)
    r += 2
    for key, value in (("baseline_total", audit.totals["baseline"]), ("revised_total", audit.totals.get("revised"))):
        ws.write_string(r, 0, L(key), w.fmt["h2"])
        if value is None:
            ws.merge_range(r, 2, r, 3, "-", w.fmt["h2"])
        else:
            ws.merge_range(r, 2, r, 3, float(value), w.fmt["big_money"])
        w.cell(ws, r, 4, value, "exact")
        r += 1
    top = r + 1
    cols = [("target", "target"), ("kind", "text"), ("baseline", "money"), ("revised", "money"),
            ("change", "change"), ("change_pct", "change_pct"), ("goal", "text"), ("status", "tone"),
            ("shortfall", "money"), ("citation", "wrap")]
    if audit.revised_files is None:
        cols = [c for c in cols if c[0] in ("target", "kind", "baseline", "goal", "citation")]
    frame = _result_frame(w, audit.summary)
    _, last = w.table(L("sheet_summary"), frame, cols, start_row=top, ws=ws, filter_=False,
                      heads={"target": L("category")},
                      widths={"target": 22, "kind": 16, "goal": 13, "status": 14, "citation": 44})
    ws.freeze_panes(0, 0)
    ws.repeat_rows(top)
    ws.print_area(0, 0, last + 24, len(cols) - 1)
    ws.set_h_pagebreaks([top - 1])  # verdict page first, the table and chart after
    _summary_chart(w, ws, audit, top, last)


def _summary_chart(w: Writer, ws, audit: Audit, top: int, last: int) -> None:
    name = w.L("sheet_summary")
    chart = w.wb.add_chart({"type": "bar"})
    for col, key, colour in ((2, "baseline", "#8EA9DB"), (3, "revised", "#1F4E78")):
        if key == "revised" and audit.revised_files is None:
            continue
        chart.add_series({"name": w.L(key), "categories": [name, top + 1, 0, last, 0],
                          "values": [name, top + 1, col, last, col], "fill": {"color": colour},
                          "gap": 60})
    chart.set_title({"name": w.L("chart_summary"), "name_font": {"size": 12}})
    chart.set_x_axis({"num_format": "#,##0", "num_font": {"size": 9}, "major_gridlines": {"visible": True}})
    chart.set_y_axis({"reverse": True, "num_font": {"size": 10}})
    chart.set_legend({"position": "bottom", "font": {"size": 10}})
    chart.set_size({"width": 1150, "height": 440})
    ws.insert_chart(last + 2, 0, chart)


# ---------------------------------------------------------------------- Per SKPD

def _na(v):
    return None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v


#: numeric targets shown with their own columns in Per SKPD; the others are summed
MAX_GROUPS = 3


def _shown_targets(audit: Audit) -> tuple[list, list[str]]:
    """The numeric targets that get their own columns (those the Pemda did not meet, else the
    first), and the ids of the other targets whose shortfalls are summed beside them."""
    numeric = [t for t in audit.policy.targets if t.kind == "numeric"]
    unmet = set(audit.summary.loc[audit.summary["status"] == "not_met", "target"])
    shown = [t for t in numeric if t.id in unmet][:MAX_GROUPS] or numeric[:1]
    ids = {t.id for t in shown}
    others = [t.id for t in audit.policy.targets if t.kind in ("numeric", "directional") and t.id not in ids]
    return shown, others


def _agency_table(audit: Audit) -> tuple[pd.DataFrame, list, list]:
    """One row per SKPD: each numeric target's figures, other targets' increases, the total."""
    a = audit.by_agency
    numeric, directional = _shown_targets(audit)
    keys = a[["kode_skpd", "nama_skpd"]].drop_duplicates("kode_skpd").reset_index(drop=True)
    out = keys.copy()
    zero = [0] * len(out)
    total = list(zero)
    for t in numeric:
        g = a[a["target"] == t.id].set_index("kode_skpd")
        for col in ("baseline", "revised", "change_pct", "status", "shortfall"):
            out[f"{t.id}:{col}"] = [_na(g[col].get(k)) if k in g.index else None for k in out["kode_skpd"]]
        total = [x + (v or 0) for x, v in zip(total, out[f"{t.id}:shortfall"], strict=True)]
    if audit.revised_files is not None and directional:
        d = a[a["target"].isin(directional)].groupby("kode_skpd", sort=False)["shortfall"].sum()
        out["other"] = [_na(d.get(k)) for k in out["kode_skpd"]]
        total = [x + (v or 0) for x, v in zip(total, out["other"], strict=True)]
    out["total"] = total
    out = out.sort_values(["total", "kode_skpd"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return out, numeric, directional


def _agency_sheet(w: Writer, audit: Audit) -> None:
    L = w.L
    frame, numeric, directional = _agency_table(audit)
    ws = w.sheet(L("sheet_agency"), fit=True)
    cols, heads = [("kode_skpd", "text"), ("nama_skpd", "wrap")], {}
    revised = audit.revised_files is not None
    groups = []
    for t in numeric:
        first = len(cols)
        part = [("baseline", "money")]
        if revised:
            part += [("revised", "money"), ("change_pct", "change_pct"), ("status", "tone"), ("shortfall", "money")]
        for col, kind in part:
            cols.append((f"{t.id}:{col}", kind))
            heads[f"{t.id}:{col}"] = L(col)
        title = f"{target_label(t.id, w.lang)} ({L('goal_cut').format(p=percent(t.cut_pct, w.lang, sign=False))})"
        groups.append((first, len(cols) - 1, title))
        frame[f"{t.id}:status"] = [(TONE.get(s, "neutral"), L(s)) if isinstance(s, str) else None
                                   for s in frame[f"{t.id}:status"]]
    if revised and directional:
        cols.append(("other", "money"))
        heads["other"] = L("group_other")
    if revised:
        cols.append(("total", "money"))
        heads["total"] = L("group_total")
    for first, last_col, title in groups:
        if last_col > first:
            ws.merge_range(0, first, 0, last_col, title, w.fmt["group"])
        else:
            ws.write_string(0, first, title, w.fmt["group"])
    _, last = w.table(L("sheet_agency"), frame, cols, start_row=1, ws=ws, heads=heads,
                      widths={"kode_skpd": 21, "nama_skpd": 40, **{c: 12 for c, k in cols if k in ("tone",)}})
    ws.repeat_rows(0, 1)
    ws.freeze_panes(2, 2)
    if revised and numeric:
        _shortfall_chart(w, ws, frame, numeric[0], last)


def _shortfall_chart(w: Writer, ws, frame: pd.DataFrame, target, last: int) -> None:
    """Horizontal bars of the largest shortfalls on a numeric target; the rest summed."""
    col = f"{target.id}:shortfall"
    data = frame[frame[col].notna()].copy()
    data = data[data[col] > 0].sort_values(col, ascending=False, kind="stable")
    if data.empty:
        return
    top, rest = data.head(TOP_N), data.iloc[TOP_N:]
    names = [str(n)[:45] for n in top["nama_skpd"]]
    values = [float(v) for v in top[col]]
    if len(rest):
        names.append(w.L("others").format(n=len(rest)))
        values.append(float(sum(rest[col])))
    name = w.L("sheet_chartdata")
    hidden = w.wb.add_worksheet(name)
    hidden.hide()
    hidden.write_string(0, 0, w.L("nama_skpd"))
    hidden.write_string(0, 1, w.L("shortfall"))
    for k, (n, v) in enumerate(zip(names, values, strict=True), start=1):
        w.text(hidden, k, 0, n)
        hidden.write_number(k, 1, v)
    n = len(names)
    chart = w.wb.add_chart({"type": "bar"})
    chart.add_series({"name": w.L("shortfall"), "categories": [name, 1, 0, n, 0], "values": [name, 1, 1, n, 1],
                      "fill": {"color": "#C00000"}, "gap": 50,
                      "data_labels": {"value": True, "num_format": "#,##0", "font": {"size": 8}}})
    key = "chart_shortfall_more" if len(rest) else "chart_shortfall"
    chart.set_title({"name": w.L(key).format(t=target_label(target.id, w.lang), n=len(top)),
                     "name_font": {"size": 12}})
    chart.set_y_axis({"reverse": True, "num_font": {"size": 9}})
    chart.set_x_axis({"num_format": "#,##0", "num_font": {"size": 8}, "major_gridlines": {"visible": True}})
    chart.set_legend({"none": True})
    chart.set_size({"width": 1150, "height": 100 + 28 * n})
    ws.insert_chart(last + 2, 0, chart)
    ws.set_h_pagebreaks([last + 1])


def _agency_detail_sheet(w: Writer, audit: Audit) -> None:
    cols = [("kode_skpd", "text"), ("nama_skpd", "wrap"), ("target", "target"), ("kind", "text"),
            ("baseline", "money"), ("revised", "money"), ("change", "change"), ("change_pct", "change_pct"),
            ("goal", "text"), ("status", "tone"), ("shortfall", "money")]
    if audit.revised_files is None:
        cols = [c for c in cols if c[0] in ("kode_skpd", "nama_skpd", "target", "kind", "baseline", "goal")]
    order = {t.id: k for k, t in enumerate(audit.policy.targets)}
    a = audit.by_agency.assign(_o=audit.by_agency["target"].map(order))
    a = a.sort_values(["kode_skpd", "_o"], kind="stable")
    w.table(w.L("sheet_agency_detail"), _result_frame(w, a), cols, fit=True,
            widths={"kode_skpd": 21, "nama_skpd": 36, "target": 20, "kind": 14, "goal": 13, "status": 13})


# ---------------------------------------------------------------------- Temuan, Rincian

def _line_columns(audit: Audit) -> list[tuple[str, str]]:
    cols = [("kode_skpd", "text"), ("nama_skpd", "wrap"), ("nama_sub_unit", "wrap"),
            ("kode_sub_kegiatan", "text"), ("nama_sub_kegiatan", "wrap"), ("sumber_dana", "text"),
            ("kode_rekening", "text"), ("nama_rekening", "wrap"), ("kelompok", "wrap"), ("keterangan", "wrap"),
            ("uraian", "wrap"), ("baseline", "money")]
    if audit.revised_files is not None:
        cols += [("revised", "money"), ("change", "change"), ("perubahan", "text")]
    cols.append(("sumber_baseline", "text"))
    if audit.revised_files is not None:
        cols.append(("sumber_revised", "text"))
    return cols


LINE_WIDTHS = {"kode_skpd": 21, "nama_skpd": 24, "nama_sub_unit": 22, "kode_sub_kegiatan": 14,
               "nama_sub_kegiatan": 28, "sumber_dana": 14, "kode_rekening": 17, "nama_rekening": 28,
               "kelompok": 24, "keterangan": 20, "uraian": 30, "perubahan": 10, "sumber_baseline": 30,
               "sumber_revised": 30, "target": 18, "categories": 22, "kategori_alasan": 36}


def _lines_view(w: Writer, lines: pd.DataFrame) -> pd.DataFrame:
    out = lines.copy()
    if "revised" in out:
        # a removed line changes by minus its baseline, a new one by its revised amount
        out["change"] = [None if pd.isna(b) and pd.isna(r) else (0 if pd.isna(r) else r) - (0 if pd.isna(b) else b)
                         for b, r in zip(out["baseline"], out["revised"], strict=True)]
        out["perubahan"] = [w.L(f"line_{p}") if isinstance(p, str) else p for p in out["perubahan"]]
    return out


def _evidence(audit: Audit) -> pd.DataFrame:
    """The lines behind each target that is not met or increased, in the policy's order."""
    from ..compliance._compare import target_mask

    s = audit.summary
    wanted = s[s["status"].isin(LISTED) & (s["kind"] != "report")]["target"].tolist()
    parts = []
    key = "revised" if audit.revised_files is not None else "baseline"
    for t in audit.policy.targets:
        if t.id not in wanted:
            continue
        sel = audit.lines.loc[target_mask(audit.lines, t)].copy()
        sel = sel.sort_values(key, ascending=False, kind="stable", na_position="last")
        sel.insert(0, "target", t.id)
        parts.append(sel)
    return pd.concat(parts, ignore_index=True) if parts else audit.lines.iloc[0:0].assign(target=[])


def _evidence_sheets(w: Writer, audit: Audit) -> None:
    ev = _evidence(audit)
    cols = [("target", "target"), *_line_columns(audit)]
    if audit.revised_files is not None and "perubahan" in ev:
        unchanged = ev["perubahan"] == "tetap"
        changed, same = ev[~unchanged], ev[unchanged]
    else:
        changed, same = ev, ev.iloc[0:0]
    for key, part in (("sheet_evidence", changed), ("sheet_unchanged", same)):
        if len(part):
            w.table(w.L(key), _lines_view(w, part), cols, widths=LINE_WIDTHS)
        else:
            ws = w.sheet(w.L(key))
            ws.write_string(0, 0, w.L("no_evidence"))


def _lines_sheet(w: Writer, audit: Audit) -> None:
    lines = audit.lines
    cats = [c for c in audit.categories if c in lines]
    view = _lines_view(w, lines)
    view["categories"] = lines[cats].apply(
        lambda r: ", ".join(target_label(c, w.lang) for c, v in r.items() if v), axis=1) \
        if cats and len(lines) else ""
    cols = _line_columns(audit)
    w.table(w.L("sheet_lines"), view, [*cols[:-1], ("categories", "wrap"), ("kategori_alasan", "wrap"), cols[-1]],
            widths=LINE_WIDTHS)


# ---------------------------------------------------------------------- Rekonsiliasi, notes, trail

VERDICTS = ("terverifikasi", "sebagian", "tidak_dapat_diverifikasi", "bertentangan")


def _recon_sheet(w: Writer, audit: Audit) -> None:
    L = w.L
    rec = audit.reconciliation.copy()
    rec["stage"] = [L(f"stage_{s}") for s in rec["stage"]]
    rec["file"] = [L("all_files") if str(f).startswith("(") else f for f in rec["file"]]
    rec["ok"] = [("good", L("yes")) if ok else ("bad", L("no")) for ok in rec["ok"]]
    cols = [("stage", "text"), ("file", "wrap"), ("rows", "int"), ("total_read", "money"),
            ("categorized", "money"), ("uncategorized", "money"), ("difference", "money"), ("ok", "tone")]
    ws, last = w.table(L("sheet_recon"), rec, cols, fit=True, filter_=False,
                       widths={"stage": 16, "file": 44, "ok": 8})
    checked = [s for s in audit.sources if s.get("verification")]
    if not checked:
        return
    r = last + 2
    ws.write_string(r, 0, L("verification"), w.fmt["h2"])
    tone = {"terverifikasi": "good", "sebagian": "neutral", "tidak_dapat_diverifikasi": "bad",
            "bertentangan": "bad"}
    frame = pd.DataFrame({
        "stage": [L(f"stage_{s.get('stage')}") for s in checked],
        "file": [s["path"] for s in checked],
        "verification": [(tone.get(v, "neutral"), L(v) if v in VERDICTS else str(v))
                         for v in (s["verification"].get("verdict") for s in checked)],
        "sheets": [", ".join(map(str, s["verification"].get("sheets") or [])) for s in checked],
        "checks": ["; ".join(map(str, s["verification"].get("checks") or [])) for s in checked],
    })
    w.table(L("sheet_recon"), frame, [("stage", "text"), ("file", "wrap"), ("verification", "tone"),
                                      ("sheets", "wrap"), ("checks", "wrap")], start_row=r + 1, ws=ws,
            filter_=False, widths={"stage": 16, "file": 44})
    ws.repeat_rows(0)
    ws.freeze_panes(1, 0)


def _notes_sheet(w: Writer, audit: Audit) -> None:
    f = audit.findings.copy()
    f["stage"] = [w.L(f"stage_{s}") if isinstance(s, str) else s for s in f.get("stage", [None] * len(f))]
    f["severity"] = [w.L(f"sev_{s}") for s in f["severity"]]
    cols = [("stage", "text"), ("file", "wrap"), ("sheet", "text"), ("row", "int"), ("code", "text"),
            ("severity", "text"), ("message", "wrap")]
    w.table(w.L("sheet_notes"), f, cols, fit=True, widths={"file": 36, "message": 70, "code": 22})


def _trail_sheet(w: Writer, audit: Audit) -> None:
    L = w.L
    ws = w.sheet(L("sheet_trail"), fit=True)
    ws.write_string(0, 0, L("key"), w.fmt["head"])
    ws.write_string(0, 1, L("value"), w.fmt["head"])
    for k, (key, val) in enumerate(_trail(audit, L), start=1):
        w.text(ws, k, 0, key, w.fmt["wrap"])
        w.text(ws, k, 1, val, w.fmt["wrap"])
    ws.set_column(0, 0, 44)
    ws.set_column(1, 1, 100)
    ws.freeze_panes(1, 0)
    ws.repeat_rows(0)


def _trail(audit: Audit, L) -> list[tuple[str, str]]:
    import numpy
    import pyarrow

    rows = [(L("trail_version"), __version__),
            (L("trail_policy"), f"{audit.policy.id} {audit.policy.version} ({audit.policy.path})"),
            (L("legal_source"), audit.policy.legal_source)]
    for k, v in audit.parameters.items():
        rows.append((L("trail_param").format(k=L(f"param_{k}").removeprefix("param_")),
                     "" if v is None else str(v)))
    for s in audit.sources:
        rows.append((L("trail_input").format(stage=L(f"stage_{s.get('stage')}"), p=s["path"]),
                     L("trail_input_value").format(sha=s["sha256"], size=s["size"], rows=s["rows"],
                                                   sheets=", ".join(s.get("sheets") or []) or "-")))
    rows += [(L("trail_lib").format(lib=lib), v) for lib, v in (
        ("Python", platform.python_version()), ("pandas", pd.__version__), ("numpy", numpy.__version__),
        ("pyarrow", pyarrow.__version__))]
    rows.append((L("trail_written"), datetime.now(UTC).isoformat(timespec="seconds")))
    return rows
