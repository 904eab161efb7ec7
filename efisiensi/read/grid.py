"""Turn any input file into raw grids: sheets of cells with the row numbers users see.

This is the only module that touches file formats. xlsx/xlsm/xls/ods are read with
python-calamine (fast, Rust); CSV/TXT with our own record splitter, because real
penjabaran CSVs mix separators between lines, wrap whole rows in one quoted field and
come in UTF-8, UTF-16 or cp1252. Nothing here interprets the cells.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field, fields
from pathlib import Path

from .._errors import Finding, LoadError

#: Refuse xlsx parts that inflate beyond this many bytes (zip-bomb guard).
MAX_INFLATED_BYTES = 2 * 1024**3
#: Refuse sheets with more rows than this.
MAX_ROWS = 5_000_000
#: Refuse a CSV field longer than this many characters (Excel itself stops at 32,767).
MAX_CELL_CHARS = 1_000_000
#: Refuse a CSV/TXT file larger than this many bytes.
MAX_TEXT_BYTES = 1024**3
#: Refuse a workbook archive with more parts than this.
MAX_ZIP_ENTRIES = 20_000

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}

_ENV = "EFISIENSI_"


@dataclass
class Limits:
    """Safety limits of the readers; change them on :data:`LIMITS` or with environment
    variables ``EFISIENSI_MAX_INFLATED_BYTES``, ``EFISIENSI_MAX_ROWS``,
    ``EFISIENSI_MAX_CELL_CHARS``, ``EFISIENSI_MAX_TEXT_BYTES`` (read at import).

    >>> Limits.from_env({"EFISIENSI_MAX_ROWS": "10"}).max_rows
    10
    """

    max_inflated_bytes: int = MAX_INFLATED_BYTES
    max_rows: int = MAX_ROWS
    max_cell_chars: int = MAX_CELL_CHARS
    max_text_bytes: int = MAX_TEXT_BYTES

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        env = os.environ if environ is None else environ
        out = cls()
        for f in fields(cls):
            raw = env.get(_ENV + f.name.upper())
            if raw:
                try:
                    setattr(out, f.name, int(raw.replace("_", "")))
                except ValueError:
                    pass  # a bad value keeps the default rather than breaking every load
        return out


#: The limits in force; ``efisiensi.read.grid.LIMITS.max_rows = 10_000_000`` raises one.
LIMITS = Limits.from_env()

_RAISE_HINT = "naikkan dengan {env} atau efisiensi.read.grid.LIMITS.{attr}"


def _hint(attr: str) -> str:
    return _RAISE_HINT.format(env=_ENV + attr.upper(), attr=attr)


@dataclass
class Sheet:
    """One sheet (or one CSV file) as rows of raw cells.

    ``row_numbers[i]`` is the 1-based row of ``rows[i]`` as the user sees it in
    Excel (for CSV: the record number, header included). ``hidden_rows`` are the
    Excel row numbers marked hidden; ``findings`` are row-level things noticed in
    the file itself (hidden rows, formulas without a stored value).
    """

    file: str
    name: str
    rows: list[list[object]]
    row_numbers: list[int]
    hidden: bool = False
    notes: list[str] = field(default_factory=list)
    hidden_rows: list[int] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def _sniff_kind(path: Path, head: bytes) -> str:
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"  # .xls, or an encrypted xlsx
    if head.startswith(b"%PDF"):
        return "pdf"
    return "text"


# ------------------------------------------------------------ xlsx: the archive

_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
_CHUNK = 1 << 20
_DOCTYPE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.I)
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_COLS = re.compile(rb"<(?:\w+:)?col\b([^>]*)>")
_HIDDEN = re.compile(rb"""\bhidden\s*=\s*["'](?:1|true)["']""")
_R_ATTR = re.compile(rb"""\br\s*=\s*["']([A-Z]*)(\d+)["']""")
_MINMAX = re.compile(rb"""\bmin\s*=\s*["'](\d+)["'][^>]*?\bmax\s*=\s*["'](\d+)["']""")
_CELL = re.compile(rb"<((?:\w+:)?)c\b([^>]*?)(?<!/)>(.*?)</\1c>", re.S)
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_ERROR_TYPE = re.compile(rb"""\bt\s*=\s*["']e["']""")
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|t)(?:\s[^>]*)?>([^<]+)</", re.S)


@dataclass
class _PartScan:
    hidden_rows: list[int] = field(default_factory=list)
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)
    #: (row, column, formula text) of formula cells without a stored value
    formulas: list[tuple[int, int, str]] = field(default_factory=list)
    formulas_with_value: int = 0
    #: (row, column, error text) of error cells (#REF!, #DIV/0! ...), which calamine reads as ""
    errors: list[tuple[int, int, str]] = field(default_factory=list)


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _scan_sheet_piece(piece: bytes, scan: _PartScan) -> None:
    if b"hidden" in piece:
        for m in _ROW.finditer(piece):
            if _HIDDEN.search(m.group(1)) and (r := _R_ATTR.search(m.group(1))):
                scan.hidden_rows.append(int(r.group(2)))
        for m in _COLS.finditer(piece):
            if _HIDDEN.search(m.group(1)) and (mm := _MINMAX.search(m.group(1))):
                scan.hidden_cols.append((int(mm.group(1)), int(mm.group(2))))
    if b"<f" in piece or b":f" in piece or b'"e"' in piece:
        for m in _CELL.finditer(piece):
            inner = m.group(3)
            if _ERROR_TYPE.search(m.group(2)):
                ref, v = _R_ATTR.search(m.group(2)), _VALUE.search(inner)
                if ref and ref.group(1) and v:
                    scan.errors.append((int(ref.group(2)), _col_index(ref.group(1)),
                                        v.group(1).decode("utf-8", "replace").strip()[:40]))
                continue
            f = _FORMULA.search(inner)
            if f is None:
                continue
            rest = inner[: f.start()] + inner[f.end():]
            if _VALUE.search(rest):
                scan.formulas_with_value += 1
                continue
            ref = _R_ATTR.search(m.group(2))
            if ref is None or not ref.group(1):
                continue
            text = (f.group(1) or b"").decode("utf-8", "replace")
            scan.formulas.append((int(ref.group(2)), _col_index(ref.group(1)), text))


def _inflate(fh, info: zipfile.ZipInfo, display: str, budget: int, sink) -> int:
    """Inflate one archive member from its raw bytes, counting what comes out.

    Stops as soon as the output exceeds the declared size or the budget left, so a
    member whose header lies about its size cannot inflate unbounded.
    """
    fh.seek(info.header_offset)
    head = fh.read(_LOCAL_HEADER.size)
    if len(head) < _LOCAL_HEADER.size or head[:4] != b"PK\x03\x04":
        raise LoadError("berkas xlsx rusak atau terpotong (header zip tidak sah)", file=display)
    name_len, extra_len = _LOCAL_HEADER.unpack(head)[9:11]
    fh.seek(info.header_offset + _LOCAL_HEADER.size + name_len + extra_len)
    if info.flag_bits & 0x1:
        raise LoadError("berkas terenkripsi (dilindungi kata sandi); buka di Excel dan simpan tanpa "
                        "kata sandi", file=display)
    limit = min(info.file_size, budget)
    left_in = info.compress_size
    out_n, crc = 0, 0
    if info.compress_type == zipfile.ZIP_STORED:
        dec = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        dec = zlib.decompressobj(-15)
    else:
        raise LoadError(f"metode kompresi zip {info.compress_type} tidak didukung", file=display)
    pending = b""
    while True:
        if dec is not None and dec.unconsumed_tail:
            pending = dec.unconsumed_tail
        else:
            if left_in <= 0:
                break
            pending = fh.read(min(_CHUNK, left_in))
            if not pending:
                break
            left_in -= len(pending)
        try:
            out = pending if dec is None else dec.decompress(pending, _CHUNK)
        except zlib.error:
            raise LoadError(f"berkas xlsx rusak: bagian {info.filename} tidak dapat dibuka", file=display) from None
        out_n += len(out)
        if out_n > limit:
            if out_n > budget:
                raise LoadError(f"isi berkas mengembang melebihi batas {budget / 1024**2:,.0f} MiB "
                                f"({_hint('max_inflated_bytes')})", file=display)
            raise LoadError(f"berkas xlsx rusak atau dimanipulasi: bagian {info.filename} lebih besar "
                            "dari ukuran yang dinyatakan", file=display)
        crc = zlib.crc32(out, crc)
        sink(out)
        if dec is not None and dec.eof:
            break
    if out_n != info.file_size or crc != info.CRC:
        raise LoadError(f"berkas xlsx rusak atau terpotong: bagian {info.filename} tidak utuh", file=display)
    return out_n


def _scan_archive(path: Path, display: str, max_inflated: int) -> dict[str, _PartScan]:
    """Check a workbook archive before any XML parser sees it; scan the sheet XML.

    Refuses an archive whose declared size exceeds ``max_inflated`` (before inflating
    anything), a member whose actual size exceeds its declared size, DTDs/entities
    (billion laughs), encrypted members and corrupt data. Returns, per worksheet
    part, its hidden rows and its formulas without a stored value.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise LoadError("berkas xlsx rusak atau terpotong (bukan arsip zip yang utuh)", file=display) from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise LoadError(f"arsip berisi {len(infos):,} bagian; bukan lembar kerja yang wajar", file=display)
    names = [i.filename for i in infos]
    if not any(n.startswith("xl/") for n in names) and "content.xml" not in names:
        raise LoadError("berkas zip ini bukan lembar kerja Excel/ODS", file=display)
    total = sum(i.file_size for i in infos)
    if total > max_inflated:
        raise LoadError(
            f"isi berkas mengembang menjadi {total / 1024**2:,.0f} MiB, melebihi batas "
            f"{max_inflated / 1024**2:,.0f} MiB ({_hint('max_inflated_bytes')})",
            file=display,
        )
    scans: dict[str, _PartScan] = {}
    used = 0
    with open(path, "rb") as fh:
        for info in infos:
            name = info.filename
            if info.is_dir() or not name.lower().endswith((".xml", ".rels", ".bin")):
                continue  # media and the like: calamine never reads them
            is_sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
            scan = _PartScan()
            buf = bytearray()
            tail = b""

            def sink(chunk: bytes, name=name, is_sheet=is_sheet, scan=scan, buf=buf) -> None:
                nonlocal tail
                probe = tail + chunk[:64]
                if _DOCTYPE.search(probe) or _DOCTYPE.search(chunk):
                    raise LoadError(f"bagian {name} memuat DTD/ENTITY XML (mis. serangan 'billion "
                                    "laughs'); berkas ditolak", file=display)
                tail = chunk[-16:]
                if not is_sheet:
                    return
                buf.extend(chunk)
                cut = max(buf.rfind(b"</row>"), buf.rfind(b":row>"))
                if cut >= 0:
                    _scan_sheet_piece(bytes(buf[: cut + 5]), scan)
                    del buf[: cut + 5]

            used += _inflate(fh, info, display, max_inflated - used, sink)
            if is_sheet:
                if buf:
                    _scan_sheet_piece(bytes(buf), scan)
                scans[name] = scan
    return scans


def _sheet_parts(path: Path) -> dict[str, str]:
    """Worksheet part name -> sheet name, from workbook.xml and its relationships."""
    import defusedxml.ElementTree as ET  # noqa: N817

    out: dict[str, str] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            wb = ET.fromstring(zf.read("xl/workbook.xml"))
            rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # noqa: BLE001 - without the map, sheets are still read
        return out
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = os.path.normpath(target).replace("\\", "/")
    for el in wb.iter():
        if el.tag.endswith("}sheet") or el.tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            if rid in targets:
                out[targets[rid]] = el.get("name", "")
    return out


def _is_encrypted_ole(path: Path) -> bool:
    import mmap

    marker = "EncryptionInfo".encode("utf-16-le")
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        return mm.find(marker) >= 0


def _apply_scan(sheet: Sheet, scan: _PartScan, display: str) -> None:
    """Hidden rows and formulas without a stored value: say so, never read them as 0."""
    rows = sheet.rows
    if scan.formulas:
        placed = []
        for r, c, text in scan.formulas:
            while len(rows) < r:
                rows.append([])
                sheet.row_numbers.append(len(rows))
            row = rows[r - 1]
            if len(row) < c:
                row.extend([""] * (c - len(row)))
            if row[c - 1] in ("", None):
                row[c - 1] = "=" + text if text else "=(rumus)"
                placed.append(r)
                sheet.findings.append(Finding(
                    "formula_without_value",
                    f"sel berisi rumus ={text[:60]} tanpa nilai tersimpan; tidak dibaca sebagai 0 "
                    "(buka dan simpan ulang berkas di Excel/LibreOffice agar nilainya terhitung)",
                    display, sheet.name, r, "error", {"formula": text[:200]}))
        if placed:
            sheet.notes.append(f"{len(placed):,} sel rumus tanpa nilai tersimpan (baris "
                               f"{_rows_text(placed)}); tidak dibaca sebagai 0")
    placed = []
    for r, c, text in scan.errors:
        if r <= len(rows) and c <= len(rows[r - 1]) and rows[r - 1][c - 1] in ("", None):
            rows[r - 1][c - 1] = text or "#GALAT"
            placed.append(r)
    if placed:
        kinds = ", ".join(sorted({t for _, _, t in scan.errors}))[:80]
        sheet.notes.append(f"{len(placed):,} sel galat ({kinds}) di baris {_rows_text(placed)}; "
                           "dibaca sebagai galat, bukan kosong")
    if scan.formulas_with_value:
        sheet.notes.append(f"{scan.formulas_with_value:,} sel rumus dibaca dari nilai tersimpannya")
    if scan.hidden_rows:
        hidden = sorted(set(scan.hidden_rows))
        sheet.hidden_rows = hidden
        sheet.notes.append(f"{len(hidden):,} baris tersembunyi ikut dibaca (baris {_rows_text(hidden)})")
        sheet.findings += [Finding("hidden_content", "baris tersembunyi ikut dibaca", display, sheet.name, r,
                                   "info") for r in hidden if r <= len(rows)]
    if scan.hidden_cols:
        spans = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in scan.hidden_cols[:10])
        sheet.notes.append(f"kolom tersembunyi ikut dibaca (kolom ke-{spans})")


def _rows_text(rows: list[int], most: int = 10) -> str:
    head = ", ".join(str(r) for r in rows[:most])
    return head + (f" … dan {len(rows) - most:,} lainnya" if len(rows) > most else "")


def read_spreadsheet(path: Path, display: str, *, max_inflated: int | None = None,
                     max_rows: int | None = None, **_ignored) -> list[Sheet]:
    """Read every sheet of a workbook with python-calamine, after checking the archive."""
    from python_calamine import CalamineWorkbook

    max_inflated = LIMITS.max_inflated_bytes if max_inflated is None else max_inflated
    max_rows = LIMITS.max_rows if max_rows is None else max_rows
    with open(path, "rb") as fh:
        head = fh.read(8)
    kind = _sniff_kind(path, head)
    scans: dict[str, _PartScan] = {}
    if kind == "pdf":
        raise LoadError("berkas ini PDF, bukan lembar kerja; ekspor dulu ke Excel atau CSV", file=display)
    if kind == "zip":
        scans = _scan_archive(path, display, max_inflated)
    elif kind == "ole":
        if _is_encrypted_ole(path):
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
    part_names = _sheet_parts(path) if any(s.formulas or s.errors or s.hidden_rows or s.hidden_cols
                                           or s.formulas_with_value
                                           for s in scans.values()) else {}
    by_sheet = {part_names[p]: s for p, s in scans.items() if p in part_names}
    sheets = []
    meta = {m.name: m for m in getattr(wb, "sheets_metadata", [])}
    for name in wb.sheet_names:
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as err:  # noqa: BLE001
            raise LoadError(_reader_error(err, "sheet tidak dapat dibaca"), file=display, sheet=name) from None
        if len(rows) > max_rows:
            raise LoadError(f"sheet berisi {len(rows):,} baris, melebihi batas {max_rows:,} "
                            f"({_hint('max_rows')})", file=display, sheet=name)
        m = meta.get(name)
        # SheetVisibleEnum.Hidden / VeryHidden; str() of each contains "SheetVisibleEnum"
        hidden = m is not None and str(getattr(m, "visible", "Visible")).rsplit(".", 1)[-1] != "Visible"
        sheet = Sheet(display, name, [list(r) for r in rows], list(range(1, len(rows) + 1)), hidden=hidden)
        if name in by_sheet:
            _apply_scan(sheet, by_sheet[name], display)
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


def _latin1_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error("efisiensi-latin1", _latin1_fallback)


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte of ASCII text is zero."""
    head = data[:4096]
    if len(head) < 4 or len(head) % 2:
        head = head[: len(head) - len(head) % 2]
    if len(head) < 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 (BOM, or evident) or cp1252.

    >>> decode_text("Rp 1.000 – x".encode("cp1252"))
    ('Rp 1.000 – x', 'cp1252')
    >>> decode_text("a;b".encode("utf-16"))
    ('a;b', 'utf-16')
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if (utf16 := _looks_utf16(data)) is not None:
        return data.decode(utf16, errors="replace"), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # cp1252 leaves five bytes undefined; latin-1 covers them
    return data.decode("cp1252", errors="efisiensi-latin1"), "cp1252"


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


_QUOTED = re.compile(r'"[^"]*"')
_SEPARATORS = (",", ";", "\t")
# a decimal comma of an id-ID amount right before a ";" ("675.000,00;"): not a separator
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d\d?\)?(?:\s*;|\s*$))")


def _outside_quotes(rec: str) -> str:
    """The record with its quoted spans removed (an unclosed quote hides the rest)."""
    if '"' not in rec:
        return rec
    bare = _QUOTED.sub("", rec)
    cut = bare.find('"')
    return bare if cut < 0 else bare[:cut]


def _count_outside_quotes(rec: str, ch: str) -> int:
    return _outside_quotes(rec).count(ch)


def _counts(rec: str) -> dict[str, int]:
    """Separator counts that decide a record's split.

    A trailing run of separators only pads empty columns
    (``Judul,Penjabaran APBD,,,;;;;;;;``) and does not vote; decimal commas of id-ID
    amounts in a ``;`` record (``675.000,00 ;``) do not vote for ``,``.
    """
    bare = _outside_quotes(rec.rstrip(" ,;\t"))
    counts = {d: bare.count(d) for d in _SEPARATORS}
    if counts[";"] and counts[","]:
        counts[","] -= len(_DECIMAL_COMMA.findall(bare))
    return counts


def _strip_padding(rec: str, delim: str) -> str:
    """Drop a trailing run of the *other* separators (``…,,,;;;;`` split on ``,``)."""
    others = "".join(d for d in _SEPARATORS if d != delim)
    tail = rec.rstrip(" ")
    if tail and tail[-1] in others:
        return tail.rstrip(others + " ")
    return rec


def _split(rec: str, delim: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(rec), delimiter=delim, quotechar='"'), [])
    except csv.Error:
        return rec.split(delim)


def _choose(counts: dict[str, int], main: str, modal: int) -> str:
    """The separator of one record: the file's main one whenever it gives about the
    usual number of fields, else the one that occurs most (ties go to the main one)."""
    if counts[main] and abs(counts[main] + 1 - modal) <= max(1, modal // 4):
        return main
    delim = max(counts, key=lambda k: (counts[k], k == main))
    return main if counts[delim] == counts[main] else delim


def parse_csv_text(text: str, max_cell_chars: int | None = None,
                   wide: list[tuple[int, int, int]] | None = None) -> tuple[list[list[object]], list[str]]:
    """Parse CSV text with per-record separator choice; returns rows and notes.

    >>> parse_csv_text("Judul,Penjabaran APBD,,,;;;;\\nKode;Uraian;Jumlah\\n5.2;Jasa, Ahli;675.000,00\\n")[0]
    [['Judul', 'Penjabaran APBD', '', '', ''], ['Kode', 'Uraian', 'Jumlah'], ['5.2', 'Jasa, Ahli', '675.000,00']]

    A field longer than ``max_cell_chars`` raises :class:`LoadError` with its record number.
    Records with more non-empty fields than the usual count are appended to ``wide`` as
    (record number, fields, usual).
    """
    cap = LIMITS.max_cell_chars if max_cell_chars is None else max_cell_chars
    if cap > csv.field_size_limit():
        csv.field_size_limit(min(cap, 2**31 - 1))
    records = _records(text)
    notes: list[str] = []
    decided = [_counts(r) for r in records]
    votes = {",": 0, ";": 0, "\t": 0}
    for counts in decided:
        best = max(counts.items(), key=lambda kv: (kv[1], kv[0] == ","))
        if best[1] > 0:
            votes[best[0]] += 1
    main = max(votes, key=lambda k: votes[k])
    widths: dict[int, int] = {}
    for counts in decided:
        if counts[main]:
            widths[counts[main] + 1] = widths.get(counts[main] + 1, 0) + 1
    modal = max(widths, key=lambda k: (widths[k], k)) if widths else 1
    used = set()
    rows: list[list[object]] = []
    for k, (rec, counts) in enumerate(zip(records, decided, strict=True), start=1):
        delim = _choose(counts, main, modal)
        fields = _split(_strip_padding(rec, delim), delim)
        # whole row wrapped in one quoted field: re-split its content
        nonempty = [f for f in fields if f.strip()]
        if len(nonempty) == 1 and rec.lstrip().startswith('"'):
            inner = nonempty[0]
            inner_counts = _counts(inner)
            if any(inner_counts.values()):
                d2 = _choose(inner_counts, main, modal)
                again = _split(_strip_padding(inner, d2), d2)
                if len(again) >= max(3, modal // 2):
                    fields, delim = again, d2
                    notes.append("baris terbungkus kutip utuh dipecah ulang")
        if len(rec) > cap and max(map(len, fields), default=0) > cap:
            longest = max(map(len, fields))
            raise LoadError(f"sebuah sel berisi {longest:,} karakter, melebihi batas {cap:,} "
                            f"({_hint('max_cell_chars')})", row=k)
        if any(f for f in fields if f.strip()):
            used.add(delim)
            if wide is not None and delim == main and len(fields) > modal > 1 \
                    and any(f.strip() for f in fields[modal:]):
                wide.append((k, len(fields), modal))
        rows.append(list(fields))
    if len(used) > 1:
        notes.append("pemisah kolom bercampur: " + " dan ".join(sorted(repr(u) for u in used)))
    return rows, sorted(set(notes))


def read_text_table(path: Path, display: str, *, max_rows: int | None = None,
                    max_text_bytes: int | None = None, max_cell_chars: int | None = None,
                    **_ignored) -> list[Sheet]:
    max_rows = LIMITS.max_rows if max_rows is None else max_rows
    max_text_bytes = LIMITS.max_text_bytes if max_text_bytes is None else max_text_bytes
    size = path.stat().st_size
    if size > max_text_bytes:
        raise LoadError(f"berkas teks berukuran {size / 1024**2:,.0f} MiB, melebihi batas "
                        f"{max_text_bytes / 1024**2:,.0f} MiB ({_hint('max_text_bytes')})", file=display)
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
    wide: list[tuple[int, int, int]] = []
    try:
        rows, notes = parse_csv_text(text, max_cell_chars, wide)
    except LoadError as err:
        raise LoadError(err.message, file=display, row=err.row) from None
    findings = [Finding("too_many_fields", f"baris berisi {n} kolom, lebih banyak dari biasanya ({m}); "
                        "mungkin angka seperti 1,234,567.00 tanpa tanda kutip memecah kolom",
                        display, None, k, "warning", {"fields": n, "usual": m}) for k, n, m in wide]
    if wide:
        notes.append(f"{len(wide):,} baris berisi lebih banyak kolom dari biasanya (baris "
                     f"{_rows_text([k for k, _, _ in wide])}); periksa pemisah dan tanda kutip")
    if len(rows) > max_rows:
        raise LoadError(f"berkas berisi {len(rows):,} baris, melebihi batas {max_rows:,} "
                        f"({_hint('max_rows')})", file=display)
    if encoding not in ("utf-8",):
        notes.append(f"encoding {encoding}")
    return [Sheet(display, "", rows, list(range(1, len(rows) + 1)), notes=notes, findings=findings)]


def read_grids(path: Path, display: str | None = None, **limits) -> list[Sheet]:
    """Read a file into sheets of raw cells; raise :class:`LoadError` when it cannot be.

    ``limits`` override :data:`LIMITS` for this call: ``max_inflated_bytes`` (or
    ``max_inflated``), ``max_rows``, ``max_cell_chars``, ``max_text_bytes``.
    """
    display = display or str(path)
    if "max_inflated_bytes" in limits:  # the name LIMITS and the messages use
        limits["max_inflated"] = limits.pop("max_inflated_bytes")
    unknown = set(limits) - {"max_inflated", "max_rows", "max_cell_chars", "max_text_bytes"}
    if unknown:
        raise TypeError(f"unknown limit(s): {', '.join(sorted(unknown))}")
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
        return read_text_table(path, display, **limits)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if _sniff_kind(path, head) in ("zip", "ole"):
        return read_spreadsheet(path, display, **limits)
    raise LoadError(f"jenis berkas {suffix or '(tanpa akhiran)'} tidak dikenal; "
                    "gunakan .xlsx, .xls, .ods atau .csv", file=display)
