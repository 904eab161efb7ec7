"""Turn any input file into raw grids: sheets of cells with the row numbers users see.

This is the only module that touches file formats. xlsx/xlsm/xls/ods are read with
python-calamine (fast, Rust); CSV/TXT with our own record splitter, because real
penjabaran CSVs mix separators between lines, wrap whole rows in one quoted field and
come in UTF-8, UTF-16 or cp1252 (a clean file goes through pyarrow, with the same result:
:mod:`.csvfast`). Nothing here interprets the cells.
"""

from __future__ import annotations

from pathlib import Path

from .._errors import Finding, LoadError
from .csvtext import decode_text, parse_csv_text
from .sheet import LIMITS, MAX_INFLATED_BYTES, MAX_ROWS, Limits, Sheet, raise_hint
from .xlsx_guard import (
    ArchiveScan,
    apply_scan,
    is_encrypted_ole,
    refuse_limit,
    rows_text,
    scan_archive,
)

__all__ = ["LIMITS", "MAX_INFLATED_BYTES", "MAX_ROWS", "Limits", "SPREADSHEET_SUFFIXES", "Sheet",
           "TEXT_SUFFIXES", "decode_text", "parse_csv_text", "read_grids", "read_spreadsheet", "read_text_table"]

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}


def _sniff_kind(path: Path, head: bytes) -> str:
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"  # .xls, or an encrypted xlsx
    if head.startswith(b"%PDF"):
        return "pdf"
    return "text"


def read_spreadsheet(path: Path, display: str, limits: Limits | None = None) -> list[Sheet]:
    """Read every sheet of a workbook with python-calamine, after checking the archive."""
    from python_calamine import CalamineWorkbook

    limits = limits or LIMITS
    max_rows = limits.max_rows
    with open(path, "rb") as fh:
        head = fh.read(8)
    kind = _sniff_kind(path, head)
    scan = ArchiveScan()
    if kind == "pdf":
        raise LoadError("berkas ini PDF, bukan lembar kerja; ekspor dulu ke Excel atau CSV", file=display)
    if kind == "zip":
        scan = scan_archive(path, display, limits)
    elif kind == "ole":
        if is_encrypted_ole(path):
            raise LoadError("berkas terenkripsi (dilindungi kata sandi); buka di Excel dan simpan "
                            "tanpa kata sandi", file=display)
    elif kind == "text":
        raise LoadError("berkas ini bukan lembar kerja Excel (isinya teks atau format lain; "
                        "bila CSV, ganti akhirannya menjadi .csv)", file=display)
    try:
        if kind == "ole" and path.suffix.lower() != ".xls":
            with open(path, "rb") as fh:  # an .xls saved under another name: read by content
                wb = CalamineWorkbook.from_filelike(fh)
        else:
            wb = CalamineWorkbook.from_path(str(path))
    except Exception as err:  # noqa: BLE001 - any reader failure is one clear line
        raise LoadError(_reader_error(err), file=display) from None
    by_sheet = scan.sheets
    sheets = []
    meta = {m.name: m for m in getattr(wb, "sheets_metadata", [])}
    for name in wb.sheet_names:
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as err:  # noqa: BLE001
            raise LoadError(_reader_error(err, "sheet tidak dapat dibaca"), file=display, sheet=name) from None
        if len(rows) > max_rows:
            raise LoadError(f"sheet berisi {len(rows):,} baris, melebihi batas {max_rows:,} "
                            f"({raise_hint('max_rows')})", file=display, sheet=name)
        if sum(map(len, rows)) > limits.max_cells:  # a format the archive scan cannot see (.xls)
            raise refuse_limit("lembar kerja terlalu besar", "max_cells", limits.max_cells, "sel", display, name)
        m = meta.get(name)
        # SheetVisibleEnum.Hidden / VeryHidden; str() of each contains "SheetVisibleEnum"
        hidden = m is not None and str(getattr(m, "visible", "Visible")).rsplit(".", 1)[-1] != "Visible"
        # calamine already returns fresh lists: no copy (it cost 0.7 s on 200k rows)
        sheet = Sheet(display, name, rows, list(range(1, len(rows) + 1)), hidden=hidden)
        if name in by_sheet:
            apply_scan(sheet, by_sheet[name], display)
        sheets.append(sheet)
    return sheets


def _reader_error(err: Exception, what: str = "lembar kerja tidak dapat dibaca") -> str:
    text = (str(err).splitlines() or [""])[0][:200]
    if type(err).__name__ == "PasswordError" or "password" in text.lower():
        return "berkas terenkripsi (dilindungi kata sandi); buka di Excel dan simpan tanpa kata sandi"
    if "entity" in text.lower():
        return f"{what}: XML memuat entitas yang tidak dikenal ({text})"
    return f"{what}: {text}"


# ---------------------------------------------------------------- CSV / text


def read_text_table(path: Path, display: str, limits: Limits | None = None) -> list[Sheet]:
    limits = limits or LIMITS
    max_rows, max_text_bytes = limits.max_rows, limits.max_text_bytes
    size = path.stat().st_size
    if size > max_text_bytes:
        raise LoadError(f"berkas teks berukuran {size / 1024**2:,.0f} MiB, melebihi batas "
                        f"{max_text_bytes / 1024**2:,.0f} MiB ({raise_hint('max_text_bytes')})", file=display)
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        raise LoadError("berkas ini arsip zip/xlsx, bukan CSV; ganti akhiran namanya", file=display)
    if data.startswith(b"%PDF"):
        raise LoadError("berkas ini PDF, bukan CSV", file=display)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise LoadError("berkas ini lembar kerja Excel lama (.xls) atau terenkripsi, bukan CSV", file=display)
    text, encoding = decode_text(data)
    del data
    if not text.strip():
        raise LoadError("berkas kosong", file=display)
    if "\x00" in text:
        raise LoadError("berkas berisi data biner, bukan teks CSV", file=display)
    lines = text.count("\n") or text.count("\r")
    if lines > max_rows:  # before splitting: a file of empty lines would make millions of records
        raise LoadError(f"berkas berisi {lines:,} baris, melebihi batas {max_rows:,} "
                        f"({raise_hint('max_rows')})", file=display)
    wide: list[tuple[int, int, int]] = []
    repaired: list[tuple[int, int, int, int]] = []
    suspect: list[tuple[int, int]] = []
    try:
        rows, notes = parse_csv_text(text, limits.max_cell_chars, wide, limits, repaired, suspect=suspect)
    except LoadError as err:
        raise LoadError(err.message, file=display, row=err.row) from None
    del text
    findings = [Finding("too_many_fields", f"baris berisi {n} kolom, lebih banyak dari judul kolomnya ({m}); "
                        "mungkin angka seperti 1,234,567.00 tanpa tanda kutip memecah kolom",
                        display, None, k, "warning", {"fields": n, "usual": m}) for k, n, m in wide]
    findings += [Finding("file_note", f"tanda kutip di tengah sel pada baris berkas {a} tidak tertutup dan "
                         f"menelan baris berkas {a + 1}–{b}; semuanya dibaca sebagai {r2 - r1 + 1} baris "
                         f"tersendiri (baris {r1}–{r2}), seperti dibaca Excel; periksa baris itu",
                         display, None, r1, "warning", {"rows": [r1, r2], "lines": [a, b]})
                 for r1, r2, a, b in repaired]
    findings += [Finding("file_note", f"sel bertanda kutip di baris {r} memuat {k} baris yang tampak seperti "
                         "baris anggaran (kode dan kolom-kolomnya): mungkin tanda kutip pembukanya tidak "
                         "tertutup; dibaca sebagai satu sel, seperti dibaca Excel; periksa baris itu",
                         display, None, r, "warning", {"rows": [r], "record_like_lines": k})
                 for r, k in suspect]
    if wide:
        notes.append(f"{len(wide):,} baris berisi lebih banyak kolom dari judul kolomnya (baris "
                     f"{rows_text([k for k, _, _ in wide])}); periksa pemisah dan tanda kutip")
    if len(rows) > max_rows:
        raise LoadError(f"berkas berisi {len(rows):,} baris, melebihi batas {max_rows:,} "
                        f"({raise_hint('max_rows')})", file=display)
    if encoding not in ("utf-8",):
        notes.append(f"encoding {encoding}")
    return [Sheet(display, "", rows, list(range(1, len(rows) + 1)), notes=notes, findings=findings)]


def read_grids(path: Path, display: str | None = None, **limits) -> list[Sheet]:
    """Read a file into sheets of raw cells; raise :class:`LoadError` when it cannot be.

    ``limits`` override :data:`LIMITS` for this call (any field of :class:`Limits`;
    ``max_inflated`` is an alias of ``max_inflated_bytes``). Running out of memory anyway
    is a :class:`LoadError` naming the limits, never a ``MemoryError``.
    """
    display = display or str(path)
    lim = LIMITS.with_overrides(limits)
    try:
        return _read_grids(path, display, lim)
    except MemoryError:
        raise LoadError("memori tidak cukup untuk membaca berkas ini; turunkan batas max_cells atau "
                        f"max_text_bytes ({raise_hint('max_cells')}) atau pakai mesin bermemori lebih besar",
                        file=display) from None


def _read_grids(path: Path, display: str, limits: Limits) -> list[Sheet]:
    if not path.exists():
        raise LoadError("berkas tidak ditemukan", file=display)
    if path.is_dir():
        raise LoadError("ini folder, bukan berkas", file=display)
    if path.stat().st_size == 0:
        raise LoadError("berkas kosong (0 byte)", file=display)
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return read_spreadsheet(path, display, limits)
    if suffix in TEXT_SUFFIXES:
        return read_text_table(path, display, limits)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if _sniff_kind(path, head) in ("zip", "ole"):
        return read_spreadsheet(path, display, limits)
    raise LoadError(f"jenis berkas {suffix or '(tanpa akhiran)'} tidak dikenal; "
                    "gunakan .xlsx, .xls, .ods atau .csv", file=display)
