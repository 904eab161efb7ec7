"""``efisiensi.load``: any number of budget files into one validated line-item table."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from . import read as _read  # noqa: F401  (registers the built-in readers)
from ._errors import Finding, LoadError
from ._inputs import SharedRecords
from ._inputs import expand as _expand
from ._inputs import progress_callback as _progress_callback
from ._inputs import sha256 as _sha256
from ._money import money_sum
from ._schema import FINDING_COLUMNS, conform, empty_line_items, validate
from .read.base import ReadOptions, choose_reader
from .read.grid import read_grids

#: Readers must be at least this sure before a sheet is read as a budget table.
MIN_CONFIDENCE = 0.3

PathLike = str | Path


@dataclass(frozen=True)
class SourceFile:
    """One input as the audit trail records it."""

    path: str
    sha256: str
    size: int
    sheets: tuple[str, ...]
    rows: int
    layouts: tuple[str, ...]


def load_file(path: Path, options: ReadOptions, display: str | None = None,
              sheets: Iterable[str] | None = None, limits: dict[str, int] | None = None
              ) -> tuple[pd.DataFrame, list[Finding], SourceFile]:
    """Read one file; raise :class:`LoadError` when nothing in it can be read."""
    display = display or str(path)
    grids = read_grids(path, display, **(limits or {}))
    wanted = set(sheets) if sheets else None
    frames, findings, used, layouts = [], [], [], []
    seen_columns: list[str] = []
    for sheet in grids:
        findings += [Finding("file_note", n, display, sheet.name or None, severity="info") for n in sheet.notes]
        findings += sheet.findings  # row-level: hidden rows, formulas without a stored value ...
        if wanted is not None and sheet.name not in wanted:
            continue
        if not any(any(str(c).strip() for c in r) for r in sheet.rows):
            continue
        reader, score = choose_reader(sheet, options)
        if reader is None or score < MIN_CONFIDENCE:
            seen_columns += [str(c).strip() for c in (sheet.rows[0] if sheet.rows else []) if str(c).strip()]
            if len(grids) > 1:
                findings.append(Finding("sheet_skipped", "sheet tanpa tabel anggaran yang dikenali; dilewati",
                                        display, sheet.name, severity="info"))
            continue
        result = reader.read(sheet, options)
        findings += result.findings
        layout = result.meta.get("layout", reader.name)
        if sheet.hidden:
            findings.append(Finding("hidden_content", "sheet tersembunyi ikut dibaca", display, sheet.name,
                                    severity="info"))
        if result.frame.empty:
            if layout != "ringkasan":
                findings.append(Finding("no_line_items", "tabel dikenali tetapi tidak berisi rincian belanja",
                                        display, sheet.name or None, severity="warning"))
            continue
        frame = result.frame.copy()
        frame["sumber_file"] = display
        frame["sumber_sheet"] = sheet.name
        frame["tata_letak"] = layout
        frames.append(conform(frame))
        used.append(sheet.name)
        layouts.append(layout)
    if not frames and not any(f.code in ("not_line_items", "no_line_items") for f in findings):
        seen = ", ".join(dict.fromkeys(seen_columns[:12])) or "(tidak ada)"
        raise LoadError(f"kolom anggaran tidak ditemukan; kolom yang terlihat: {seen}", file=display)
    table = pd.concat(frames, ignore_index=True) if frames else empty_line_items()
    source = SourceFile(display, _sha256(path), path.stat().st_size, tuple(used), len(table), tuple(layouts))
    return table, findings, source


def load(
    paths: PathLike | Iterable[PathLike],
    *,
    columns: dict[str, str] | None = None,
    unit: int | None = None,
    chart: str | None = None,
    sheets: Iterable[str] | None = None,
    errors: str = "auto",
    progress: bool | Callable[[int, int, str], None] = False,
    limits: dict[str, int] | None = None,
) -> pd.DataFrame:
    """Load APBD spreadsheets into one validated line-item table.

    Parameters
    ----------
    paths
        A file, a directory (read recursively), a glob (``"dpa/*.xlsx"``) or a list of them.
        xlsx/xlsm/xls/ods via python-calamine; CSV/TXT with encoding and separator sniffing.
    columns
        Extra header mapping, source header -> canonical column
        (``{"Nilai Pagu": "anggaran"}``), for spellings the synonym table lacks.
    unit
        Multiply every amount, e.g. ``1000`` for a sheet "dalam ribuan rupiah".
    chart
        Force the chart of accounts (``"90/2019"`` or ``"13/2006"``).
    sheets
        Only these sheet names.
    errors
        ``"raise"``: a file that cannot be read raises :class:`LoadError`;
        ``"finding"``: it becomes a finding and the rest is read; ``"auto"`` (default):
        raise for files named explicitly, finding for files found in a folder or glob.
    progress
        ``True`` for a progress line per file on stderr, or a callback
        ``f(done, total, path)``.
    limits
        Safety limits for this call, e.g. ``{"max_rows": 10_000_000,
        "max_inflated_bytes": 8 * 1024**3}`` (also ``max_cell_chars``, ``max_text_bytes``);
        the defaults are ``efisiensi.read.grid.LIMITS`` (environment ``EFISIENSI_MAX_*``).

    Returns
    -------
    pandas.DataFrame
        One row per line item, with the columns of ``efisiensi.LineItems``; the
        findings are in ``df.attrs["findings"]`` as records (read them as a table
        with :func:`findings`) and the inputs, with SHA-256, in ``df.attrs["sources"]``.
    """
    files = _expand(paths)
    if not files:
        raise LoadError("tidak ada berkas untuk dibaca")
    options = ReadOptions(columns=dict(columns or {}), unit=unit, chart=chart)
    frames, found, sources = [], [], []
    callback = _progress_callback(progress)
    for k, (path, explicit) in enumerate(files, start=1):
        display = str(path)
        try:
            table, f, src = load_file(path, options, display, sheets, limits)
        except LoadError as err:
            if errors == "raise" or (errors == "auto" and explicit):
                raise
            found.append(Finding("file_unreadable", err.message, err.file or display, err.sheet, err.row, "error"))
            table, src = None, None
        else:
            found += f
            frames.append(table)
            sources.append(src)
        if callback:
            callback(k, len(files), display)
    table = pd.concat(frames, ignore_index=True) if frames else empty_line_items()
    table = validate(table)
    # plain records, not a DataFrame: pandas compares attrs when concatenating
    table.attrs["findings"] = SharedRecords(f.as_record() for f in found)
    table.attrs["sources"] = SharedRecords(dict(s.__dict__) for s in sources)
    return table


def findings_frame(items: Iterable[Finding]) -> pd.DataFrame:
    """Findings as a table (file, sheet, row, code, severity, message, detail)."""
    holder = pd.DataFrame()
    holder.attrs["findings"] = [f.as_record() for f in items]
    return findings(holder)


def findings(table: pd.DataFrame) -> pd.DataFrame:
    """The findings recorded while loading ``table`` (file, sheet, row, code, message).

    >>> import efisiensi as ef
    >>> list(ef.findings(ef.load_frame([])).columns)[:4]
    ['file', 'sheet', 'row', 'code']
    """
    recs = table.attrs.get("findings") or []
    frame = pd.DataFrame(list(recs), columns=FINDING_COLUMNS) if recs else pd.DataFrame(columns=FINDING_COLUMNS)
    return frame.astype({"row": "Int64"}) if len(frame) else frame


def load_frame(records: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """Build a validated line-item table from records already in memory (e.g. tests,
    other systems). Amounts may be ``Decimal``, int or text in any supported format."""
    from .read.numbers import parse_amount

    frame = pd.DataFrame(records)
    for col in ("anggaran", "anggaran_sebelum", "harga_satuan"):
        if col in frame:
            frame[col] = [parse_amount(v) if not isinstance(v, Decimal) else v for v in frame[col]]
    if "anggaran" not in frame:
        frame["anggaran"] = pd.Series([], dtype=object)
    frame["anggaran"] = frame["anggaran"].map(lambda v: Decimal("0.00") if v is None or v is pd.NA else v)
    if "sumber_baris" not in frame:
        frame["sumber_baris"] = range(1, len(frame) + 1)
    table = validate(conform(frame))
    table.attrs["findings"] = SharedRecords()
    table.attrs["sources"] = SharedRecords()
    return table


def total(table: pd.DataFrame, column: str = "anggaran") -> Decimal:
    """Exact total of an amount column."""
    return money_sum(table[column])
