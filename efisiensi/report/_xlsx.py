"""The workbook writer under the evidence report: cells, tables, exact money and print set-up.

Money: Excel holds a number as a double, 15 significant digits. An amount is written as a
number (so SUM and filters work) with a rupiah display format; where an amount has more than
15 significant digits (from Rp 10 triliun with sen) the number cannot hold it, so the table
gets a text column beside it with the exact amount. An integer number of sen would not help:
it is a double too, and runs out of digits sooner (at Rp 9 × 10^13).

Text: every text cell is written with ``write_string``; text that starts like a formula
(``=``, ``+``, ``-``, ``@``) also gets Excel's quote prefix, so editing the cell keeps it text.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pandas as pd

from .._format import number
from .labels import label, target_label

EXCEL_MAX_ROWS = 1_048_576
DIGITS = 15
MONEY_FMT = "#,##0.00"
#: changes: cuts (the wanted direction) green, increases red, by conditional font colour
#: (a number format's [Color] index differs between Excel and LibreOffice)
CHANGE_FMT = '+#,##0.00;-#,##0.00;0.00'
PCT_FMT = '0.0" %"'
CHANGE_PCT_FMT = '+0.0" %";-0.0" %";0.0" %"'
CUT_FONT, RISE_FONT = "#006100", "#C00000"
LINE_HEIGHT = 12.75
GREEN, RED, GREY = "#C6EFCE", "#FFC7CE", "#EDEDED"
TONE_FILL = {"good": GREEN, "bad": RED, "neutral": GREY}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def needs_text(value) -> bool:
    """True when an amount has more significant digits than an Excel number holds.

    >>> needs_text(Decimal("999999999999999.99")), needs_text(Decimal("1000000000000000.00"))
    (True, False)
    """
    if value is None or value is pd.NA:
        return False
    d = Decimal(value).normalize()
    return len(d.as_tuple().digits) > DIGITS


class Writer:
    """An xlsxwriter workbook in memory, with the report's formats and helpers."""

    def __init__(self, lang: str, max_rows: int = EXCEL_MAX_ROWS) -> None:
        import xlsxwriter

        self.lang = lang
        self.max_rows = max_rows
        self.buf = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buf, {"in_memory": True, "strings_to_formulas": False,
                                                 "strings_to_urls": False, "strings_to_numbers": False})
        f = self.wb.add_format
        base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
        self._f = f
        self._base = base
        self.fmt = {
            "head": f({**base, "bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "text_wrap": True,
                       "border": 1}),
            "group": f({**base, "bold": True, "bg_color": "#D9E1F2", "border": 1, "align": "center"}),
            "title": f({**base, "bold": True, "font_size": 18}),
            "h2": f({**base, "bold": True, "font_size": 13}),
            "big_money": f({**base, "bold": True, "font_size": 12, "num_format": MONEY_FMT}),
            "bold": f({**base, "bold": True}),
            "wrap": f({**base, "text_wrap": True}),
            "money": f({**base, "num_format": MONEY_FMT}),
            "change": f({**base, "num_format": CHANGE_FMT}),
            "pct": f({**base, "num_format": PCT_FMT}),
            "change_pct": f({**base, "num_format": CHANGE_PCT_FMT}),
            "int": f({**base, "num_format": "#,##0"}),
            "text": f(base),
            "quoted": f({**base, "quote_prefix": True}),
            "exact": f({**base, "align": "right"}),
        }
        self.cut_font = f({"font_color": CUT_FONT})
        self.rise_font = f({"font_color": RISE_FONT, "bold": True})
        self.tone_fmt = {t: f({**base, "bg_color": c, "text_wrap": True}) for t, c in TONE_FILL.items()}
        self.verdict_fmt = {t: f({**base, "bg_color": c, "text_wrap": True, "font_size": 13, "border": 1, "valign": "vcenter",
                                  "border_color": "#BFBFBF"}) for t, c in TONE_FILL.items()}

    def L(self, key: str) -> str:  # noqa: N802 - short on purpose, used everywhere
        return label(key, self.lang)

    # ------------------------------------------------------------------ cells

    def text(self, ws, r: int, c: int, value, fmt=None) -> None:
        s = str(value)
        if s.startswith(FORMULA_START):
            fmt = self.fmt["quoted"]
        ws.write_string(r, c, s, fmt or self.fmt["text"])

    def money(self, ws, r: int, c: int, value, fmt: str = "money") -> None:
        if value is None or value is pd.NA:
            ws.write_blank(r, c, None, self.fmt[fmt])
        else:
            ws.write_number(r, c, float(Decimal(value)), self.fmt[fmt])

    def cell(self, ws, r: int, c: int, value, kind: str = "text") -> None:
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            ws.write_blank(r, c, None)
        elif kind in ("money", "change"):
            self.money(ws, r, c, value, kind)
        elif kind == "exact":
            if needs_text(value):
                ws.write_string(r, c, number(Decimal(value), self.lang, 2), self.fmt["exact"])
        elif kind in ("pct", "change_pct", "int"):
            ws.write_number(r, c, float(value), self.fmt[kind])
        elif kind == "tone":  # (tone, text) pairs
            tone, text = value
            ws.write_string(r, c, str(text), self.tone_fmt.get(tone, self.fmt["text"]))
        elif kind == "bool":
            ws.write_string(r, c, self.L("yes" if value else "no"))
        elif kind == "target":
            ws.write_string(r, c, target_label(str(value), self.lang))
        elif kind == "wrap":
            self.text(ws, r, c, value, self.fmt["wrap"])
        else:
            self.text(ws, r, c, value)

    # ------------------------------------------------------------------ tables

    def table(self, name: str, frame: pd.DataFrame, columns: list[tuple[str, str]], start_row: int = 0,
              ws=None, widths: dict[str, int] | None = None, heads: dict[str, str] | None = None,
              fit: bool = False, filter_: bool = True) -> tuple[object, int]:
        """Write a table: header repeated on every printed page, frozen, filtered; an exact text
        column beside each amount column that holds an amount Excel cannot; continued on new
        sheets past the row limit. Returns the first sheet and the last row written."""
        data = frame.reset_index(drop=True)
        columns = _with_exact(data, columns)
        ws = ws or self.sheet(name, fit=fit)
        r0 = start_row
        cols = [c for c, _ in columns]
        values = {c: (data[c.removesuffix("#exact")].tolist() if c.removesuffix("#exact") in data
                      else [None] * len(data)) for c in cols}
        kinds = dict(columns)
        first, i, n, part = ws, 0, len(data), 1
        while True:
            room = self.max_rows - r0 - 1
            chunk = range(i, min(n, i + room))
            for j, c in enumerate(cols):
                ws.write_string(r0, j, self._head(c, heads), self.fmt["head"])
            for k, idx in enumerate(chunk, start=r0 + 1):
                for j, c in enumerate(cols):
                    self.cell(ws, k, j, values[c][idx], kinds[c])
            last = r0 + len(chunk)
            widths_now = [(widths or {}).get(c) or _width(self._head(c, heads), values[c][i: i + 200], kinds[c])
                          for c in cols]
            self._heights(ws, r0, chunk, cols, kinds, values, widths_now, heads)
            for j, c in enumerate(cols):
                if kinds[c] in ("change", "change_pct") and last > r0:
                    ws.conditional_format(r0 + 1, j, last, j, {"type": "cell", "criteria": "<", "value": 0,
                                                                "format": self.cut_font})
                    ws.conditional_format(r0 + 1, j, last, j, {"type": "cell", "criteria": ">", "value": 0,
                                                                "format": self.rise_font})
            ws.freeze_panes(r0 + 1, 0)
            ws.repeat_rows(r0)
            if filter_:
                ws.autofilter(r0, 0, max(last, r0), len(cols) - 1)
            for j, c in enumerate(cols):
                ws.set_column(j, j, widths_now[j], self.fmt["wrap"] if kinds[c] == "wrap" else self.fmt["text"])
            i += len(chunk)
            if i >= n:
                return first, last
            part += 1
            prev = ws.get_name()
            ws = self.sheet(f"{name[:24]} ({part})", fit=fit)
            ws.write_string(0, 0, self.L("continued").format(prev=prev), self.fmt["bold"])
            r0 = 1

    def _heights(self, ws, r0, chunk, cols, kinds, values, widths, heads) -> None:
        """Row heights for wrapped text (LibreOffice does not grow rows itself)."""
        wrap = [(j, c) for j, c in enumerate(cols) if kinds[c] == "wrap"]
        head = max(_lines(self._head(c, heads), widths[j], 1.05) for j, c in enumerate(cols))  # bold
        if head > 1:
            ws.set_row(r0, LINE_HEIGHT * head)
        if not wrap:
            return
        for k, idx in enumerate(chunk, start=r0 + 1):
            n = max(_lines(values[c][idx], widths[j]) for j, c in wrap)
            if n > 1:
                ws.set_row(k, LINE_HEIGHT * min(n, 8))

    def _head(self, col: str, heads: dict[str, str] | None) -> str:
        if col.endswith("#exact"):
            return self.L("exact").format(head=self._head(col.removesuffix("#exact"), heads))
        return (heads or {}).get(col) or self.L(col)

    # ------------------------------------------------------------------ sheets and print set-up

    def sheet(self, name: str, fit: bool = False, scale: int = 80):
        """A sheet set up to print: A4 landscape, footer with sheet and page, narrow margins;
        ``fit`` scales a narrow sheet to one page width, others print at ``scale`` percent."""
        ws = self.wb.add_worksheet(name)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        ws.set_footer(f"&L&8{self.L('title')}&R&8{self.L('page_footer')}")
        if fit:
            ws.fit_to_pages(1, 0)
        else:
            ws.set_print_scale(scale)
        return ws

    def close(self) -> bytes:
        self.wb.close()
        return self.buf.getvalue()


def _lines(value, width: int, chars_per_unit: float = 1.2) -> int:
    """Lines a text wraps to in a column (Arial 10 fits about 1.2 characters per width unit)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return 1
    text = str(value)
    per_line = max(int(width * chars_per_unit) - 1, 1)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _with_exact(data: pd.DataFrame, columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for c, kind in columns:
        out.append((c, kind))
        if kind in ("money", "change") and c in data and any(needs_text(v) for v in data[c]):
            out.append((c + "#exact", "exact"))
    return out


def _width(head: str, sample: list, kind: str) -> int:
    """A column as wide as its header and its first values, within reason."""
    if kind in ("money", "change", "exact"):
        return max(17, min(len(head) + 1, 24))
    if kind in ("pct", "change_pct", "int", "bool"):
        return max(9, min(len(head) + 1, 14))
    longest = max([len(str(v)) for v in sample if v is not None] + [min(len(head), 16) + 2, 8])
    return min(longest + 2, 48 if kind == "wrap" else 40)
