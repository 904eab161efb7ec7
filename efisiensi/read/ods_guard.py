"""Scan an OpenDocument spreadsheet's ``content.xml`` as it inflates, like the xlsx scan.

The fast reader reads a formula saved without its value and an error cell as blank, reads
collapsed (hidden) rows without saying so, and expands ``number-rows-repeated`` /
``number-columns-repeated`` into real cells (a tiny file can ask for billions). This pass
finds the first three, so they can be put in the grid and said, and counts the cells the
repeats make against :attr:`Limits.max_cells` before the reader builds them.
"""

from __future__ import annotations

import re

from .sheet import Limits
from .xlsx_guard import PartScan, refuse_limit

_TABLE = re.compile(rb"<table:table\b([^>]*?)(/?)>")
_ROW = re.compile(rb"<table:table-row\b([^>]*?)(/?)>")
_CELL = re.compile(rb"<table:(table-cell|covered-table-cell)\b([^>]*?)(?:/>|>(.*?)</table:\1>)", re.S)
_COLUMN = re.compile(rb"<table:table-column\b([^>]*?)/?>")
_TOKEN = re.compile(rb"<table:(table-row|table-cell|covered-table-cell|table-column|table)(?=[\s/>])"
                    rb"|</table:(table-row|table)>")
_NAME = re.compile(rb"""\btable:name\s*=\s*["']([^"']*)["']""")
_ROWS_REP = re.compile(rb"""\btable:number-rows-repeated\s*=\s*["'](\d+)["']""")
_COLS_REP = re.compile(rb"""\btable:number-columns-repeated\s*=\s*["'](\d+)["']""")
_HIDDEN = re.compile(rb"""\btable:visibility\s*=\s*["'](?:collapse|filter)["']""")
_FORMULA = re.compile(rb"""\btable:formula\s*=\s*["']([^"']*)["']""")
_VALUE_TYPE = re.compile(rb"""\boffice:value-type\s*=\s*["']([^"']*)["']""")
_ERROR = re.compile(rb"""\bcalcext:value-type\s*=\s*["']error["']""")
_TEXT = re.compile(rb"<text:p\b[^>]*>(.*?)</text:p>", re.S)
_TAGS = re.compile(rb"<[^>]*>")
#: hidden rows listed one by one up to this many per run of repeated rows
_MAX_LISTED = 10_000


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    for a, b in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(a, b)
    return text


class OdsScanner:
    """Fed the inflating ``content.xml`` chunk by chunk; :meth:`finish` gives, per sheet
    name, a :class:`PartScan` (hidden rows and columns, formulas without value, error cells)."""

    def __init__(self, display: str, limits: Limits) -> None:
        self.display, self.limits = display, limits
        self.buf = bytearray()
        self.sheets: dict[str, PartScan] = {}
        self.name: str | None = None
        self.scan = PartScan()
        self.row = 0  # rows seen so far in the current sheet (the next row is row + 1)
        self.col = 0
        self.columns = 0  # table-column declarations seen in the current sheet
        self.row_rep = 1
        self.row_hidden = False
        self.row_has = False
        self.area_rows = self.area_cols = 0
        self.cells = 0  # the other sheets' rectangles

    def feed(self, chunk: bytes) -> None:
        self.buf.extend(chunk)
        # cut after the last complete element we can handle: a closed cell, row or table tag
        end = max(self.buf.rfind(b"</table:table-cell>"), self.buf.rfind(b"</table:table-row>"),
                  self.buf.rfind(b"/>"))
        if end < 0:
            if len(self.buf) > 64 * 1024**2:
                raise refuse_limit("sel ODS terlalu panjang", "max_cell_chars", self.limits.max_cell_chars,
                                   "karakter", self.display, self.name)
            return
        end = self.buf.index(b">", end) + 1
        piece = bytes(self.buf[:end])
        del self.buf[:end]
        self._parse(piece)

    def _parse(self, piece: bytes) -> None:
        pos = 0
        while (m := _TOKEN.search(piece, pos)) is not None:
            kind, closing = m.group(1), m.group(2)
            if closing == b"table":
                self._end_sheet()
                pos = m.end()
            elif closing == b"table-row":
                self._end_row()
                pos = m.end()
            elif kind == b"table":
                t = _TABLE.match(piece, m.start())
                if t is None:
                    break
                self._end_sheet()
                name = _NAME.search(t.group(1))
                self.name = _unescape(name.group(1)) if name else ""
                pos = t.end()
            elif kind == b"table-row":
                r = _ROW.match(piece, m.start())
                if r is None:
                    break
                attrs = r.group(1)
                rep = _ROWS_REP.search(attrs)
                self.row_rep = int(rep.group(1)) if rep else 1
                self.row_hidden = bool(_HIDDEN.search(attrs))
                self.row_has, self.col = False, 0
                if r.group(2):  # an empty <table:table-row/>
                    self._end_row()
                pos = r.end()
            elif kind == b"table-column":
                c = _COLUMN.match(piece, m.start())
                if c is None:
                    break
                rep = _COLS_REP.search(c.group(1))
                n = int(rep.group(1)) if rep else 1
                if _HIDDEN.search(c.group(1)):
                    self.scan.hidden_cols.append((self.columns + 1, self.columns + n))
                self.columns += n
                pos = c.end()
            else:
                c = _CELL.match(piece, m.start())
                if c is None:
                    break
                self._cell(c.group(2), c.group(3))
                pos = c.end()
        if pos < len(piece):
            rest = piece[pos:]
            if b"<table:" in rest:
                self.buf[:0] = rest  # an element cut by the chunk boundary: parse it with the next

    def _cell(self, attrs: bytes, inner: bytes | None) -> None:
        rep = _COLS_REP.search(attrs)
        n = int(rep.group(1)) if rep else 1
        first = self.col + 1
        self.col += n
        formula = _FORMULA.search(attrs)
        vtype = _VALUE_TYPE.search(attrs)
        text = b"".join(_TEXT.findall(inner)) if inner else b""
        has = bool(vtype or formula or text.strip())
        if not has:
            return
        self.row_has = True
        self.area_cols = max(self.area_cols, self.col)
        row = self.row + 1
        if _ERROR.search(attrs):
            shown = _unescape(_TAGS.sub(b"", text)).strip()[:40] or "#GALAT"
            self.scan.errors += [(row, c, shown) for c in range(first, first + min(n, 100))]
        elif formula and vtype is None:
            f = _unescape(formula.group(1))
            f = f.split(":", 1)[1] if f.startswith(("of:", "oooc:", "msoxl:")) else f
            self.scan.formulas += [(row, c, f.lstrip("=")) for c in range(first, first + min(n, 100))]
        elif formula:
            self.scan.formulas_with_value += n

    def _end_row(self) -> None:
        first = self.row + 1
        self.row += self.row_rep
        if self.row_hidden:
            self.scan.hidden_rows += range(first, first + min(self.row_rep, _MAX_LISTED))
        if self.row_has:
            self.area_rows = self.row
            if self.cells + self.area_rows * self.area_cols > self.limits.max_cells:
                raise refuse_limit("lembar kerja terlalu besar", "max_cells", self.limits.max_cells, "sel",
                                   self.display, self.name)
        self.row_rep, self.row_hidden, self.row_has = 1, False, False

    def _end_sheet(self) -> None:
        if self.name is not None:
            self.sheets[self.name] = self.scan
            self.cells += self.area_rows * self.area_cols
        self.name, self.scan = None, PartScan()
        self.row = self.col = self.columns = self.area_rows = self.area_cols = 0

    def finish(self) -> dict[str, PartScan]:
        if self.buf:
            self._parse(bytes(self.buf))
            self.buf.clear()
        self._end_sheet()
        return self.sheets
