"""Turn any input file into raw grids: sheets of cells with the row numbers users see.

This is the only module that touches file formats. xlsx/xlsm/xls/ods are read with
python-calamine (fast, Rust); CSV/TXT with our own record splitter, because real
penjabaran CSVs mix separators between lines, wrap whole rows in one quoted field and
come in UTF-8, UTF-16 or cp1252. Nothing here interprets the cells.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .._errors import LoadError

#: Refuse xlsx parts that inflate beyond this many bytes (zip-bomb guard).
MAX_INFLATED_BYTES = 2 * 1024**3
#: Refuse sheets with more rows than this.
MAX_ROWS = 5_000_000

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}


@dataclass
class Sheet:
    """One sheet (or one CSV file) as rows of raw cells.

    ``row_numbers[i]`` is the 1-based row of ``rows[i]`` as the user sees it in
    Excel (for CSV: the record number, header included).
    """

    file: str
    name: str
    rows: list[list[object]]
    row_numbers: list[int]
    hidden: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def _sniff_kind(path: Path, head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"  # .xls, or an encrypted xlsx
    if head.startswith(b"%PDF"):
        return "pdf"
    return "text"


def _check_zip(path: Path, display: str, max_inflated: int) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            total = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile:
        raise LoadError("berkas xlsx rusak atau terpotong (bukan arsip zip yang utuh)", file=display) from None
    if not any(n.startswith("xl/") for n in names) and "content.xml" not in names:
        raise LoadError("berkas zip ini bukan lembar kerja Excel/ODS", file=display)
    if total > max_inflated:
        raise LoadError(
            f"isi berkas mengembang menjadi {total / 1024**2:,.0f} MiB, melebihi batas "
            f"{max_inflated / 1024**2:,.0f} MiB (naikkan dengan max_inflated_bytes=...)",
            file=display,
        )


def read_spreadsheet(path: Path, display: str, *, max_inflated: int = MAX_INFLATED_BYTES,
                     max_rows: int = MAX_ROWS) -> list[Sheet]:
    """Read every sheet of a workbook with python-calamine."""
    from python_calamine import CalamineWorkbook

    with open(path, "rb") as fh:
        head = fh.read(8)
    kind = _sniff_kind(path, head)
    if kind == "pdf":
        raise LoadError("berkas ini PDF, bukan lembar kerja; ekspor dulu ke Excel atau CSV", file=display)
    if kind == "zip":
        _check_zip(path, display, max_inflated)
    elif kind == "ole" and path.suffix.lower() != ".xls":
        raise LoadError("berkas terenkripsi (dilindungi kata sandi) atau format .xls lama; "
                        "buka di Excel dan simpan tanpa kata sandi", file=display)
    elif kind == "text":
        raise LoadError("berkas ini bukan lembar kerja Excel (isinya teks atau format lain)", file=display)
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as err:  # noqa: BLE001 - any reader failure is one clear line
        raise LoadError(f"lembar kerja tidak dapat dibaca: {str(err).splitlines()[0][:200]}",
                        file=display) from None
    sheets = []
    meta = {m.name: m for m in getattr(wb, "sheets_metadata", [])}
    for name in wb.sheet_names:
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as err:  # noqa: BLE001
            raise LoadError(f"sheet tidak dapat dibaca: {str(err).splitlines()[0][:200]}",
                            file=display, sheet=name) from None
        if len(rows) > max_rows:
            raise LoadError(f"sheet berisi {len(rows):,} baris, melebihi batas {max_rows:,} "
                            "(naikkan dengan max_rows=...)", file=display, sheet=name)
        m = meta.get(name)
        hidden = m is not None and "Visible" not in str(getattr(m, "visible", "Visible"))
        sheets.append(Sheet(display, name, [list(r) for r in rows],
                            list(range(1, len(rows) + 1)), hidden=hidden))
    return sheets


# ---------------------------------------------------------------- CSV / text


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 (BOM) or cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # cp1252 leaves five bytes undefined; latin-1 covers them
    return "".join(
        ch if ch != "\ufffd" else data[i : i + 1].decode("latin-1")
        for i, ch in enumerate(data.decode("cp1252", errors="replace"))
    ), "cp1252"


def _records(text: str) -> list[str]:
    """Split text into CSV records, keeping newlines inside quoted fields."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    buf: list[str] = []
    in_quotes = False
    for line in text.split("\n"):
        buf.append(line)
        in_quotes ^= line.count('"') % 2 == 1
        if not in_quotes:
            out.append("\n".join(buf))
            buf = []
    if buf:
        out.append("\n".join(buf))
    if out and out[-1] == "":
        out.pop()
    return out


def _count_outside_quotes(rec: str, ch: str) -> int:
    n, inq = 0, False
    for c in rec:
        if c == '"':
            inq = not inq
        elif c == ch and not inq:
            n += 1
    return n


def _split(rec: str, delim: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(rec), delimiter=delim, quotechar='"'), [])
    except csv.Error:
        return rec.split(delim)


def parse_csv_text(text: str) -> tuple[list[list[object]], list[str]]:
    """Parse CSV text with per-record separator choice; returns rows and notes."""
    records = _records(text)
    notes: list[str] = []
    counts = [(_count_outside_quotes(r, ","), _count_outside_quotes(r, ";"), _count_outside_quotes(r, "\t"))
              for r in records]
    votes = {",": 0, ";": 0, "\t": 0}
    for c, s, t in counts:
        best = max((c, ","), (s, ";"), (t, "\t"))
        if best[0] > 0:
            votes[best[1]] += 1
    main = max(votes, key=lambda k: votes[k])
    used = set()
    rows: list[list[object]] = []
    for rec, (c, s, t) in zip(records, counts, strict=True):
        by = {",": c, ";": s, "\t": t}
        delim = max(by, key=lambda k: (by[k], k == main))
        if by[delim] == 0:
            delim = main
        if by[main] == by[delim]:
            delim = main
        fields = _split(rec, delim)
        # whole row wrapped in one quoted field: re-split its content
        nonempty = [f for f in fields if f.strip()]
        if len(nonempty) == 1 and (delim in nonempty[0]) and rec.lstrip().startswith('"'):
            fields = _split(nonempty[0], delim)
            notes.append("baris terbungkus kutip utuh dipecah ulang")
        if any(f for f in fields if f.strip()):
            used.add(delim)
        rows.append(list(fields))
    if len(used) > 1:
        notes.append("pemisah kolom bercampur: " + " dan ".join(sorted(repr(u) for u in used)))
    return rows, sorted(set(notes))


def read_text_table(path: Path, display: str, *, max_rows: int = MAX_ROWS) -> list[Sheet]:
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        raise LoadError("berkas ini arsip zip/xlsx, bukan CSV; ganti akhiran namanya", file=display)
    if data.startswith(b"%PDF"):
        raise LoadError("berkas ini PDF, bukan CSV", file=display)
    text, encoding = decode_text(data)
    if not text.strip():
        raise LoadError("berkas kosong", file=display)
    if "\x00" in text:
        raise LoadError("berkas berisi data biner, bukan teks CSV", file=display)
    rows, notes = parse_csv_text(text)
    if len(rows) > max_rows:
        raise LoadError(f"berkas berisi {len(rows):,} baris, melebihi batas {max_rows:,}", file=display)
    if encoding not in ("utf-8",):
        notes.append(f"encoding {encoding}")
    return [Sheet(display, "", rows, list(range(1, len(rows) + 1)), notes=notes)]


def read_grids(path: Path, display: str | None = None, **limits) -> list[Sheet]:
    """Read a file into sheets of raw cells; raise :class:`LoadError` when it cannot be."""
    display = display or str(path)
    if not path.exists():
        raise LoadError("berkas tidak ditemukan", file=display)
    if path.is_dir():
        raise LoadError("ini folder, bukan berkas", file=display)
    if path.stat().st_size == 0:
        raise LoadError("berkas kosong (0 byte)", file=display)
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return read_spreadsheet(path, display, **limits)
    if suffix in TEXT_SUFFIXES:
        return read_text_table(path, display, max_rows=limits.get("max_rows", MAX_ROWS))
    with open(path, "rb") as fh:
        head = fh.read(8)
    if _sniff_kind(path, head) in ("zip", "ole"):
        return read_spreadsheet(path, display, **limits)
    raise LoadError(f"jenis berkas {suffix or '(tanpa akhiran)'} tidak dikenal; "
                    "gunakan .xlsx, .xls, .ods atau .csv", file=display)
