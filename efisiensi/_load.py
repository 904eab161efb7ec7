"""``efisiensi.load``: any number of budget files into one validated line-item table."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from . import read as _read  # noqa: F401  (registers the built-in readers)
from ._errors import Finding, LoadError
from ._format import rupiah
from ._inputs import SharedRecords
from ._inputs import expand as _expand
from ._inputs import progress_callback as _progress_callback
from ._inputs import sha256 as _sha256
from ._money import money_sum
from ._schema import FINDING_COLUMNS, conform, empty_line_items, validate
from .read.base import ReadOptions, choose_reader
from .read.grid import read_grids
from .verify import runner as _verify

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
    #: what the reading was checked against and the verdict (see efisiensi.verify)
    verification: dict = field(default_factory=dict)


def load_file(path: Path, options: ReadOptions, display: str | None = None,
              sheets: Iterable[str] | None = None, limits: dict[str, int] | None = None
              ) -> tuple[pd.DataFrame, list[Finding], SourceFile]:
    """Read one file; raise :class:`LoadError` when nothing in it can be read."""
    display = display or str(path)
    grids = read_grids(path, display, **(limits or {}))
    wanted = set(sheets) if sheets else None
    readings, findings = [], []
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
        sheet.rows = []  # the grid of cells is done with: not kept alive beside the frames that follow
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
        meta = {**result.meta, "layout": layout}
        frame, note, kept = _spending_only(conform(frame), display, sheet.name)
        if kept is not None and meta.get("covered") is not None:
            meta["covered"] = meta["covered"][kept]
        findings += note
        readings.append(_verify.SheetReading(sheet.name, frame, meta))
    if not readings and not any(f.code in ("not_line_items", "no_line_items") for f in findings):
        seen = ", ".join(dict.fromkeys(seen_columns[:12])) or "(tidak ada)"
        raise LoadError(f"kolom anggaran tidak ditemukan; kolom yang terlihat: {seen}", file=display)
    counted, verification, checked = _verify.run(display, readings, findings)
    findings += checked
    frames = [r.frame for r in counted]
    table = pd.concat(frames, ignore_index=True) if frames else empty_line_items()
    source = SourceFile(display, _sha256(path), path.stat().st_size, tuple(r.name for r in counted), len(table),
                        tuple(r.meta["layout"] for r in counted), verification)
    return table, findings, source


#: first segment of the account codes that are not spending, in both charts
_NOT_SPENDING = {"4": "pendapatan", "6": "pembiayaan"}


def _spending_only(frame: pd.DataFrame, file: str, sheet: str):
    """Revenue (4.*) and financing (6.*) lines are not spending: kept out, and said so."""
    if frame.empty or not (frame["bagan_akun"] != "").any():
        return frame, [], None
    code = frame["kode_rekening"]
    # the first segment of the code is r: the code is r, or starts with "r." (string kernels, no split)
    root = {r: ((code == r) | code.str.startswith(r + ".")).fillna(False).to_numpy(dtype=bool)
            for r in _NOT_SPENDING}
    out = np.logical_or.reduce(list(root.values())) & (frame["bagan_akun"] != "").to_numpy(dtype=bool)
    if not out.any():
        return frame, [], None
    notes = []
    for r, name in _NOT_SPENDING.items():
        part = frame[root[r] & out]
        if len(part):
            notes.append(f"{name} ({r}.*) {len(part)} baris, {rupiah(money_sum(part['anggaran']))}")
    msg = "; ".join(notes) + ": bukan belanja, tidak dihitung dalam total belanja dan audit"
    return (frame[~out].reset_index(drop=True), [Finding("not_spending", msg, file, sheet or None, severity="info")],
            ~out)


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
        "max_inflated_bytes": 8 * 1024**3}`` (every field of ``efisiensi.read.grid.Limits``:
        also ``max_cells``, ``max_shared_strings``, ``max_fields`` ...); the defaults are
        ``efisiensi.read.grid.LIMITS`` (environment ``EFISIENSI_MAX_*``).

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
    table.attrs["sources"] = SharedRecords(dict(s) if isinstance(s, dict) else dict(s.__dict__) for s in sources)
    return table


def verification(table: pd.DataFrame, per: str = "check") -> pd.DataFrame:
    """How the reading of ``table`` was verified: one row per check record (``per="check"``),
    per sheet (``per="sheet"``) or per input file (``per="file"``) with its verdict.

    >>> import efisiensi as ef
    >>> list(ef.verification(ef.load_frame([]), per="file").columns)
    ['file', 'verdict', 'label', 'sheets', 'checks_held', 'checks_failed']
    """
    from .verify.records import label

    rows: list[dict] = []
    for src in table.attrs.get("sources") or []:
        v = src.get("verification") or {}
        if per == "file":
            sh = v.get("sheets", [])
            rows.append({"file": src["path"], "verdict": v.get("verdict", ""), "label": v.get("label", ""),
                         "sheets": len(sh), "checks_held": sum(x["checks_held"] for x in sh),
                         "checks_failed": sum(x["checks_failed"] for x in sh)})
        elif per == "sheet":
            for x in v.get("sheets", []):
                rows.append({"file": src["path"], "sheet": x["sheet"], "verdict": x["verdict"],
                             "label": label(x["verdict"]), "counted": x["counted"], "lines": x["lines"],
                             "lines_covered": x["lines_covered"], "checks_held": x["checks_held"],
                             "checks_failed": x["checks_failed"]})
        else:
            for c in v.get("checks", []):
                rows.append({"file": src["path"], **{k: c.get(k) for k in _CHECK_COLUMNS[1:]}})
    columns = {"file": _FILE_COLUMNS, "sheet": _SHEET_COLUMNS}.get(per, _CHECK_COLUMNS)
    frame = pd.DataFrame(rows, columns=columns)
    if "row" in frame:
        frame["row"] = frame["row"].astype("Int64")
    return frame


_FILE_COLUMNS = ["file", "verdict", "label", "sheets", "checks_held", "checks_failed"]
_SHEET_COLUMNS = ["file", "sheet", "verdict", "label", "counted", "lines", "lines_covered", "checks_held",
                  "checks_failed"]
_CHECK_COLUMNS = ["file", "sheet", "row", "check", "held", "expected", "found", "count", "message"]


def stages(table: pd.DataFrame) -> pd.DataFrame:
    """Every stage amount of every line in long form: one row per line and stage column.

    Columns: ``sumber_file``, ``sumber_sheet``, ``sumber_baris``, ``kode_rekening``,
    ``tahap`` (murni, efisiensi, perubahan ... or empty), ``kolom`` (the header it was read
    from), ``peran`` (``anggaran_sebelum``, ``anggaran`` or ``tambahan``: a further stage the
    two-stage audit does not use) and ``anggaran`` (exact). Never add it up across stages.
    """
    keys = ["sumber_file", "sumber_sheet", "sumber_baris"]
    parts = []
    info = {}
    for src in table.attrs.get("sources") or []:
        for sh in (src.get("verification") or {}).get("sheets", []):
            info[(src["path"], sh["sheet"])] = sh.get("stages", [])
    for (file, sheet), part in table.groupby(["sumber_file", "sumber_sheet"], sort=False):
        st = info.get((file, sheet)) or [{"column": "anggaran", "tahap": "", "role": "anggaran"}]
        for s in st:
            base = part[keys + ["kode_rekening"]].copy()
            base["tahap"], base["kolom"], base["peran"] = s["tahap"], s["column"], s["role"]
            if s["role"] in ("anggaran", "anggaran_sebelum"):
                base["anggaran"] = part[s["role"]].to_numpy()
            else:
                vals = s.get("values", {})
                base["anggaran"] = [None if vals.get(str(r)) is None else Decimal(vals[str(r)])
                                    for r in part["sumber_baris"]]
            parts.append(base)
    cols = keys + ["kode_rekening", "tahap", "kolom", "peran", "anggaran"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


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
    other systems). Amounts may be ``Decimal``, int, float, NumPy/pyarrow scalars or text in
    any supported format; a value that is not an amount exact to the sen raises
    :class:`LoadError` naming its column and row (never a pyarrow or decimal exception)."""
    from .read.numbers import AmountError, parse_amount

    frame = pd.DataFrame(records)
    for col in ("anggaran", "anggaran_sebelum", "harga_satuan"):
        if col in frame:
            values = []
            for k, v in enumerate(frame[col], start=1):
                try:
                    values.append(parse_amount(v))
                except AmountError as err:
                    raise LoadError(f"kolom {col}: {err}", row=k) from None
            frame[col] = values
    if "anggaran" not in frame:
        frame["anggaran"] = pd.Series([], dtype=object)
    frame["anggaran"] = frame["anggaran"].map(lambda v: Decimal("0.00") if v is None or v is pd.NA else v)
    if "sumber_baris" not in frame:
        frame["sumber_baris"] = range(1, len(frame) + 1)
    try:
        table = validate(conform(frame))
    except Exception as err:  # noqa: BLE001 - pandera/pyarrow errors become one line
        raise LoadError(f"tabel tidak sah: {(str(err).splitlines() or [type(err).__name__])[0][:200]}") from None
    table.attrs["findings"] = SharedRecords()
    table.attrs["sources"] = SharedRecords()
    return table


def total(table: pd.DataFrame, column: str = "anggaran") -> Decimal:
    """Exact total of an amount column."""
    return money_sum(table[column])
