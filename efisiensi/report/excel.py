"""The evidence workbook: what an inspector opens, filters and checks line by line.

Written with xlsxwriter (measured faster than openpyxl for formatted workbooks; openpyxl
stays the tool that checks the result in the tests). Every text cell is written with
``write_string``, so text that starts with ``=``, ``+``, ``-`` or ``@`` stays text and never
becomes a formula. The file is written to a temporary name and moved into place, never
over an input file.
"""

from __future__ import annotations

import io
import platform
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .._io import atomic_write_bytes
from .._version import __version__
from ..verify.records import verdict_rows
from .labels import label

if TYPE_CHECKING:
    from ..compliance import Audit

EXCEL_MAX_ROWS = 1_048_576
MONEY_FMT = "#,##0.00;[Red]-#,##0.00"
STATUS_COLOURS = {"met": "#C6EFCE", "decreased": "#C6EFCE", "not_met": "#FFC7CE", "increased": "#FFEB9C",
                  "no_baseline": "#FFEB9C"}


class _Writer:
    def __init__(self, lang: str, max_rows: int = EXCEL_MAX_ROWS) -> None:
        import xlsxwriter

        self.lang = lang
        self.max_rows = max_rows
        self.buf = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buf, {"in_memory": True, "strings_to_formulas": False,
                                                 "strings_to_urls": False, "strings_to_numbers": False})
        f = self.wb.add_format
        self.fmt = {
            "head": f({"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "text_wrap": True,
                       "valign": "top", "border": 1}),
            "title": f({"bold": True, "font_size": 14}),
            "bold": f({"bold": True}),
            "money": f({"num_format": MONEY_FMT}),
            "pct": f({"num_format": "0.00"}),
            "int": f({"num_format": "0"}),
            "text": f({}),
        }
        self.status_fmt = {s: f({"bg_color": c}) for s, c in STATUS_COLOURS.items()}

    def L(self, key: str) -> str:  # noqa: N802 - short on purpose, used everywhere
        return label(key, self.lang)

    def cell(self, ws, r: int, c: int, value, kind: str = "text") -> None:
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            ws.write_blank(r, c, None)
        elif kind == "money":
            ws.write_number(r, c, float(Decimal(value)), self.fmt["money"])
        elif kind in ("pct", "int"):
            ws.write_number(r, c, float(value), self.fmt[kind])
        elif kind == "status":
            ws.write_string(r, c, self.L(str(value)), self.status_fmt.get(str(value), self.fmt["text"]))
        elif kind == "bool":
            ws.write_string(r, c, "ya" if value and self.lang == "id" else ("yes" if value else
                                                                            ("tidak" if self.lang == "id" else "no")))
        else:
            ws.write_string(r, c, str(value))

    def table(self, name: str, frame: pd.DataFrame, columns: list[tuple[str, str]], start_row: int = 0,
              ws=None, widths: dict[str, int] | None = None) -> tuple[object, int]:
        """Write a table with a frozen header and autofilter; continue on new sheets past the row limit."""
        ws = ws or self.wb.add_worksheet(name)
        sheets = [ws]
        r0 = start_row
        data = frame.reset_index(drop=True)
        cols = [c for c, _ in columns]
        values = {c: data[c].tolist() if c in data else [None] * len(data) for c in cols}
        kinds = dict(columns)
        part, i, n = 1, 0, len(data)
        while True:
            room = self.max_rows - r0 - 1
            chunk = range(i, min(n, i + room))
            for j, c in enumerate(cols):
                ws.write_string(r0, j, self.L(c), self.fmt["head"])
            for k, idx in enumerate(chunk, start=r0 + 1):
                for j, c in enumerate(cols):
                    self.cell(ws, k, j, values[c][idx], kinds[c])
            last = r0 + len(chunk)
            ws.freeze_panes(r0 + 1, 0)
            ws.autofilter(r0, 0, max(last, r0), len(cols) - 1)
            for j, c in enumerate(cols):
                w = (widths or {}).get(c) or _width(self.L(c), values[c][i : i + 200], kinds[c])
                ws.set_column(j, j, w)
            i += len(chunk)
            if i >= n:
                return sheets[0], last
            part += 1
            prev = ws.get_name()
            ws = self.wb.add_worksheet(f"{name[:24]} ({part})")
            sheets.append(ws)
            ws.write_string(0, 0, self.L("continued").format(prev=prev), self.fmt["bold"])
            r0 = 1

    def close(self) -> bytes:
        for ws in self.wb.worksheets():
            # printable as handed over: landscape, as wide as one page, header row repeated
            ws.set_landscape()
            ws.set_paper(9)  # A4
            ws.fit_to_pages(1, 0)
        self.wb.close()
        return self.buf.getvalue()


def _width(head: str, sample: list, kind: str) -> int:
    """A column as wide as its header and its first values, within reason."""
    if kind == "money":
        return max(20, len(head) + 2)
    longest = max([len(str(v)) for v in sample if v is not None] + [len(head) + 2, 8])
    return min(longest + 2, 60)


RESULT_COLS = [("target", "text"), ("category", "text"), ("kind", "kind"), ("baseline", "money"),
               ("revised", "money"), ("change", "money"), ("change_pct", "pct"), ("target_cut_pct", "pct"),
               ("status", "status"), ("shortfall", "money"), ("citation", "text"), ("scope", "text")]


def _kinds(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = frame.copy()
    out["kind"] = [label(f"kind_{k}", lang) for k in out["kind"]]
    return out


def write_excel(audit: Audit, path: str | Path, lang: str = "id", max_rows: int = EXCEL_MAX_ROWS) -> Path:
    """Write the evidence workbook for an audit; returns the path written."""
    path = Path(path)
    w = _Writer(lang, max_rows)
    L = w.L
    cols = [(c, "text" if k == "kind" else k) for c, k in RESULT_COLS]

    # Ringkasan
    ws = w.wb.add_worksheet(L("sheet_summary"))
    ws.write_string(0, 0, L("title"), w.fmt["title"])
    ws.set_column(0, 0, 28)
    info = [("policy", audit.policy.name), ("legal_source", audit.policy.legal_source),
            ("baseline_files", "; ".join(audit.baseline_files)),
            ("revised_files", "; ".join(audit.revised_files or []) or "-")]
    for k, (key, val) in enumerate(info, start=1):
        ws.write_string(k, 0, L(key), w.fmt["bold"])
        ws.write_string(k, 1, str(val))
    ws.write_string(5, 0, L("baseline_total"), w.fmt["bold"])
    w.cell(ws, 5, 1, audit.totals["baseline"], "money")
    ws.write_string(6, 0, L("revised_total"), w.fmt["bold"])
    w.cell(ws, 6, 1, audit.totals.get("revised"), "money")
    top = 8
    _, last = w.table(L("sheet_summary"), _kinds(audit.summary, lang), cols, start_row=top, ws=ws,
                      widths={"target": 28})
    chart = w.wb.add_chart({"type": "bar"})
    name = L("sheet_summary")
    for col, key in ((3, "baseline"), (4, "revised")):
        if key == "revised" and audit.revised_files is None:
            continue
        chart.add_series({"name": L(key), "categories": [name, top + 1, 0, last, 0],
                          "values": [name, top + 1, col, last, col]})
    chart.set_title({"name": L("chart_summary")})
    chart.set_x_axis({"num_format": "#,##0"})
    chart.set_size({"width": 760, "height": 420})
    ws.insert_chart(last + 2, 0, chart)

    # Per SKPD
    agency = audit.by_agency.sort_values(["shortfall", "kode_skpd"], ascending=[False, True], kind="stable")
    ws2, last2 = w.table(L("sheet_agency"), _kinds(agency, lang),
                         [("kode_skpd", "text"), ("nama_skpd", "text"), *cols])
    travel = audit.by_agency[(audit.by_agency["category"] == "perjalanan_dinas") & (audit.by_agency["baseline"] > 0)]
    numeric = [t for t in audit.policy.targets if t.category == "perjalanan_dinas" and t.cut_pct is not None]
    if len(travel) and audit.revised_files is not None and numeric:
        _travel_chart(w, travel[travel["target"] == numeric[0].id], numeric[0].cut_pct, ws2, last2)

    # Temuan (evidence)
    ev = audit.evidence()
    line_cols = _line_columns(audit)
    if len(ev):
        w.table(L("sheet_evidence"), ev, [("target", "text"), *line_cols])
    else:
        ws3 = w.wb.add_worksheet(L("sheet_evidence"))
        ws3.write_string(0, 0, L("no_evidence"))

    # Rincian
    lines = audit.lines.copy()
    cats = [c for c in audit.categories if c in lines]
    lines["categories"] = lines[cats].apply(lambda r: ", ".join(c for c, v in r.items() if v), axis=1) \
        if cats and len(lines) else ""
    w.table(L("sheet_lines"), lines, [*line_cols[:-1], ("categories", "text"), ("kategori_alasan", "text"),
                                      line_cols[-1]])

    # Rekonsiliasi and data notes
    rec_cols = [("stage", "text"), ("file", "text"), ("rows", "int"), ("total_read", "money"),
                ("categorized", "money"), ("uncategorized", "money"), ("difference", "money"), ("ok", "bool")]
    ws_rec, last = w.table(L("sheet_recon"), audit.reconciliation, rec_cols)
    ver_cols = [("stage", "text"), ("file", "text"), ("sheet", "text"), ("verdict", "text"), ("rows", "int"),
                ("lines_covered", "int"), ("checks_held", "int"), ("checks_failed", "int")]
    w.table(L("sheet_recon"), pd.DataFrame(verdict_rows(audit.sources, w.lang), columns=[c for c, _ in ver_cols]),
            ver_cols, start_row=last + 2, ws=ws_rec)
    notes_cols = [("stage", "text"), ("file", "text"), ("sheet", "text"), ("row", "int"), ("code", "text"),
                  ("severity", "text"), ("message", "text")]
    w.table(L("sheet_notes"), audit.findings, notes_cols)

    # Jejak Audit
    ws6 = w.wb.add_worksheet(L("sheet_trail"))
    trail = _trail(audit)
    ws6.write_string(0, 0, L("key"), w.fmt["head"])
    ws6.write_string(0, 1, L("value"), w.fmt["head"])
    for k, (key, val) in enumerate(trail, start=1):
        ws6.write_string(k, 0, key)
        ws6.write_string(k, 1, val)
    ws6.set_column(0, 0, 34)
    ws6.set_column(1, 1, 100)
    ws6.freeze_panes(1, 0)
    atomic_write_bytes(path, w.close(), inputs=[s["path"] for s in audit.sources])
    return path


def _line_columns(audit: Audit) -> list[tuple[str, str]]:
    cols = [("kode_skpd", "text"), ("nama_skpd", "text"), ("nama_sub_unit", "text"),
            ("kode_sub_kegiatan", "text"), ("nama_sub_kegiatan", "text"), ("sumber_dana", "text"),
            ("kode_rekening", "text"), ("nama_rekening", "text"), ("kelompok", "text"), ("keterangan", "text"),
            ("uraian", "text"), ("baseline", "money")]
    if audit.revised_files is not None:
        cols += [("revised", "money"), ("perubahan", "text")]
    cols.append(("sumber_baseline", "text"))
    if audit.revised_files is not None:
        cols.append(("sumber_revised", "text"))
    return cols


def _travel_chart(w: _Writer, travel: pd.DataFrame, cut_pct: Decimal, ws, last: int) -> None:
    """A bar per SKPD of its travel change (%), against the target line."""
    data = travel.sort_values("change_pct", kind="stable")
    name = "_chart_data"
    hidden = w.wb.add_worksheet(name)
    hidden.hide()
    hidden.write_row(0, 0, ["SKPD", w.L("change_pct"), w.L("target_line")])
    for k, r in enumerate(data.itertuples(index=False), start=1):
        hidden.write_string(k, 0, str(r.nama_skpd))
        hidden.write_number(k, 1, float(r.change_pct) if pd.notna(r.change_pct) else 0.0)
        hidden.write_number(k, 2, -float(cut_pct))
    n = len(data)
    bars = w.wb.add_chart({"type": "column"})
    bars.add_series({"name": w.L("change_pct"), "categories": [name, 1, 0, n, 0], "values": [name, 1, 1, n, 1]})
    line = w.wb.add_chart({"type": "line"})
    line.add_series({"name": f"{w.L('target_line')} -{cut_pct:g}%", "categories": [name, 1, 0, n, 0],
                     "values": [name, 1, 2, n, 2], "line": {"color": "red", "dash_type": "dash"}})
    bars.combine(line)
    bars.set_title({"name": w.L("chart_agency")})
    bars.set_size({"width": max(760, 22 * n), "height": 460})
    bars.set_legend({"position": "bottom"})
    ws.insert_chart(1, 16, bars)


def _trail(audit: Audit) -> list[tuple[str, str]]:
    import numpy
    import pyarrow

    rows = [("efisiensi", __version__), ("policy", f"{audit.policy.id} {audit.policy.version} ({audit.policy.path})"),
            ("legal_source", audit.policy.legal_source)]
    for k, v in audit.parameters.items():
        rows.append((f"parameter: {k}", "" if v is None else str(v)))
    for s in audit.sources:
        rows.append((f"input ({s.get('stage')}): {s['path']}",
                     f"sha256={s['sha256']}; bytes={s['size']}; rows={s['rows']}; "
                     f"sheets={', '.join(s.get('sheets') or []) or '-'}"))
    rows += [("python", platform.python_version()), ("pandas", pd.__version__), ("numpy", numpy.__version__),
             ("pyarrow", pyarrow.__version__),
             ("written_at", datetime.now(UTC).isoformat(timespec="seconds"))]
    return rows
