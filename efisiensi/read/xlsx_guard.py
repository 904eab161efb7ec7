"""Check an xlsx archive before any XML parser sees it, and scan its sheets cheaply.

Each part is inflated from its raw bytes with the output counted against its declared size and
the total cap (zip bombs), a DTD or entity anywhere refuses the file (billion laughs), and a
regex pass over the sheet XML finds formulas without a stored value, error cells and hidden
rows and columns, which the fast reader would otherwise read as blank.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .._errors import Finding, LoadError
from .sheet import MAX_ZIP_ENTRIES, Limits, Sheet, raise_hint

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
class PartScan:
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


def _scan_sheet_piece(piece: bytes, scan: PartScan) -> None:
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
                                f"({raise_hint('max_inflated_bytes')})", file=display)
            raise LoadError(f"berkas xlsx rusak atau dimanipulasi: bagian {info.filename} lebih besar "
                            "dari ukuran yang dinyatakan", file=display)
        crc = zlib.crc32(out, crc)
        sink(out)
        if dec is not None and dec.eof:
            break
    if out_n != info.file_size or crc != info.CRC:
        raise LoadError(f"berkas xlsx rusak atau terpotong: bagian {info.filename} tidak utuh", file=display)
    return out_n


_MEDIA = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg", ".jfif")
_ROWS = (b"<row", b":row ")
_CELLS = (b"<c ", b"<c>", b":c ", b":c>")
_REFS = re.compile(rb""" r=["']([A-Za-z]+)\d""")
_LAST_ROW = re.compile(rb"""<(?:\w+:)?row\b[^>]*?\br\s*=\s*["'](\d+)["']""")
_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))
#: per widest column so far (0-26): one-letter columns up to it -> "a", letters beyond -> "Z"
_WIDER = [bytes.maketrans(_LETTERS, bytes(97 if i % 26 < k else 90 for i in range(52))) for k in range(27)]
#: after translating: a reference beyond the widest column, or of two letters or more
_WIDER_REFS = (b' r="Z', b" r='Z", b' r="aa', b" r='aa", b' r="aZ', b" r='aZ")
_WORKBOOK, _WORKBOOK_RELS, _SST = "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedstrings.xml"


def refuse_limit(what: str, attr: str, value: int, unit: str, display: str, sheet: str | None = None,
                 row: int | None = None) -> LoadError:
    """The one-line error of a memory limit: what, the limit, and how to raise it."""
    return LoadError(f"{what}, melebihi batas {value:,} {unit} ({raise_hint(attr)})", file=display,
                     sheet=sheet, row=row)


@dataclass
class _Extent:
    """What a sheet part will make in memory: rows, the widest column, cells."""

    max_row: int = 0
    rows: int = 0
    max_col: int = 0
    cells: int = 0

    def feed(self, piece: bytes) -> None:
        cut = max(piece.rfind(b"<row"), piece.rfind(b":row "))
        found = False
        if cut >= 0:
            for m in _LAST_ROW.finditer(piece, max(0, cut - 16)):
                self.max_row, found = max(self.max_row, int(m.group(1))), True
        if not found:  # rows without a number: count them
            self.rows += sum(piece.count(t) for t in _ROWS)
        if b' r="' not in piece and b" r='" not in piece:
            self.cells += sum(piece.count(t) for t in _CELLS)  # cells without a reference
            return
        # the widest column, cheaply: one translated copy tells whether any reference goes
        # beyond the widest seen so far (or has two letters); only then are they all read
        wider = piece.translate(_WIDER[min(self.max_col, 26)])
        if self.max_col == 0 or any(p in wider for p in _WIDER_REFS):
            for letters in set(_REFS.findall(piece)):
                self.max_col = max(self.max_col, _col_index(letters.upper()))

    @property
    def area(self) -> int:
        """The rectangle the reader builds from A1 (or the cell count when cells carry no
        reference)."""
        return max(max(self.max_row, self.rows) * max(self.max_col, 1 if self.cells else 0), self.cells)


def _piece_end(buf: bytearray) -> int:
    """Where the buffered sheet XML can be cut: after the last complete row, or after the
    last complete cell when a row runs on for megabytes (0: keep buffering)."""
    for tag in (b"</row>", b":row>"):
        if (k := buf.rfind(tag)) >= 0:
            return k + len(tag)
    if len(buf) > 16 * 1024**2:
        for tag in (b"</c>", b":c>"):
            if (k := buf.rfind(tag)) >= 0:
                return k + len(tag)
    return 0


@dataclass
class ArchiveScan:
    """Per sheet *name*: what the scan found; ``parts`` maps each sheet part to its name."""

    sheets: dict[str, PartScan] = field(default_factory=dict)
    parts: dict[str, str] = field(default_factory=dict)


def _check_members(infos: list[zipfile.ZipInfo], display: str) -> None:
    if len(infos) > MAX_ZIP_ENTRIES:
        raise LoadError(f"arsip berisi {len(infos):,} bagian; bukan lembar kerja yang wajar", file=display)
    seen: set[str] = set()
    for info in infos:
        key = info.filename.replace("\\", "/").lower()  # readers look names up case-insensitively
        if key in seen:
            raise LoadError(f"arsip berisi bagian {info.filename} dua kali; tidak jelas mana yang dibaca, "
                            "berkas ditolak", file=display)
        seen.add(key)


def _read_small(fh, info: zipfile.ZipInfo, display: str, budget: int) -> bytes:
    buf = bytearray()

    def sink(chunk: bytes) -> None:
        if _DOCTYPE.search(bytes(buf[-16:]) + chunk[:64]) or _DOCTYPE.search(chunk):
            raise LoadError(f"bagian {info.filename} memuat DTD/ENTITY XML (mis. serangan 'billion "
                            "laughs'); berkas ditolak", file=display)
        buf.extend(chunk)

    _inflate(fh, info, display, budget, sink)
    return bytes(buf)


_TAG = re.compile(rb"<(?:[\w.-]+:)?(sheet|Relationship)\b([^>]*)>")
_ATTR = re.compile(rb"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _attrs(raw: bytes) -> dict[str, str]:
    out = {}
    for m in _ATTR.finditer(raw):
        value = (m.group(2) if m.group(2) is not None else m.group(3)).decode("utf-8", "replace")
        for a, b in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
            value = value.replace(a, b)
        out[m.group(1).decode("ascii", "replace")] = value
    return out


def _sheet_map(fh, by_key: dict[str, zipfile.ZipInfo], display: str, budget: int) -> dict[str, str]:
    """Sheet part (as stored in the archive) -> sheet name, resolved as the reader resolves
    the workbook's relationships (a target may point anywhere: ``xl/lain/sheet1.xml``,
    ``data.dat``). Read with a lenient tag scan, as lenient as the reader's own parser, so
    that XML a strict parser refuses cannot hide a sheet from the scan."""
    wb_info, rels_info = by_key.get(_WORKBOOK), by_key.get(_WORKBOOK_RELS)
    if wb_info is None or rels_info is None:
        return {}
    small = min(budget, 64 * 1024**2)
    wb, rels = _read_small(fh, wb_info, display, small), _read_small(fh, rels_info, display, small)
    targets: dict[str, list[str]] = {}
    for m in _TAG.finditer(rels):
        if m.group(1) == b"Relationship":
            a = _attrs(m.group(2))
            t = a.get("Target", "")
            literal = t[1:] if t.startswith("/xl/") else t if t.startswith("xl/") else "xl/" + t
            normal = os.path.normpath(t.lstrip("/") if t.startswith("/") else "xl/" + t).replace("\\", "/")
            targets[a.get("Id", "")] = [literal, normal]
    out: dict[str, str] = {}
    for m in _TAG.finditer(wb):
        if m.group(1) == b"sheet":
            a = _attrs(m.group(2))
            rid = next((v for k, v in a.items() if k.endswith(":id")), None)
            for cand in targets.get(rid or "", []):
                if (info := by_key.get(cand.lower())) is not None:
                    out[info.filename] = a.get("name", "")
                    break
    return out


def scan_archive(path: Path, display: str, limits: Limits) -> ArchiveScan:
    """Check a workbook archive before any XML parser sees it; scan the sheet XML.

    Refuses an archive whose declared size exceeds ``max_inflated_bytes`` (before inflating
    anything), a member whose actual size exceeds its declared size, a member stored twice,
    DTDs/entities (billion laughs), encrypted members, corrupt data, and what would exceed the
    memory limits (shared strings, cells). Scans every sheet part the workbook names, wherever
    its relationships put it, for hidden rows and formulas without a stored value.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise LoadError("berkas xlsx rusak atau terpotong (bukan arsip zip yang utuh)", file=display) from None
    _check_members(infos, display)
    by_key = {i.filename.lower(): i for i in infos}
    names = [i.filename for i in infos]
    is_ods = "content.xml" in names and not any(n.startswith("xl/") for n in names)
    if not is_ods and not any(n.lower().startswith("xl/") for n in names):
        raise LoadError("berkas zip ini bukan lembar kerja Excel/ODS", file=display)
    max_inflated = limits.max_inflated_bytes
    total = sum(i.file_size for i in infos)
    if total > max_inflated:
        raise LoadError(
            f"isi berkas mengembang menjadi {total / 1024**2:,.0f} MiB, melebihi batas "
            f"{max_inflated / 1024**2:,.0f} MiB ({raise_hint('max_inflated_bytes')})",
            file=display,
        )
    if (sst := by_key.get(_SST)) is not None and sst.file_size > limits.max_shared_strings_bytes:
        raise refuse_limit(f"teks bersama (sharedStrings) berukuran {sst.file_size:,} byte",
                           "max_shared_strings_bytes", limits.max_shared_strings_bytes, "byte", display)
    out = ArchiveScan()
    used = 0
    cells = 0
    with open(path, "rb") as fh:
        out.parts = {} if is_ods else _sheet_map(fh, by_key, display, max_inflated)
        for info in infos:
            name = info.filename
            low = name.lower()
            if info.is_dir():
                continue
            is_sheet = name in out.parts or (low.startswith("xl/worksheets/") and low.endswith(".xml"))
            if not is_sheet and (low.endswith(_MEDIA) or (is_ods and low.startswith(("pictures/", "thumbnails/")))):
                continue  # images: no XML reader parses them
            scan = PartScan()
            extent = _Extent()
            ods = _ods_scanner(display, limits) if is_ods and low == "content.xml" else None
            buf = bytearray()
            tail = b""
            strings = 0
            is_sst = low == _SST
            si = [b""]  # the <si> tag as this part writes it (with or without a prefix)

            def sink(chunk: bytes, name=name, is_sheet=is_sheet, scan=scan, buf=buf, extent=extent,
                     ods=ods, is_sst=is_sst, done=cells, si=si) -> None:
                nonlocal tail, strings
                probe = tail + chunk[:64]
                if _DOCTYPE.search(probe) or _DOCTYPE.search(chunk):
                    raise LoadError(f"bagian {name} memuat DTD/ENTITY XML (mis. serangan 'billion "
                                    "laughs'); berkas ditolak", file=display)
                if is_sst:
                    joined = tail[-4:] + chunk
                    if not si[0]:
                        si[0] = b"<si" if b"<si" in joined else b":si" if b":si" in joined else b""
                    strings += joined.count(si[0]) - tail[-4:].count(si[0]) if si[0] else 0
                    if strings > limits.max_shared_strings:
                        raise refuse_limit("teks bersama (sharedStrings) terlalu banyak", "max_shared_strings",
                                           limits.max_shared_strings, "teks", display)
                tail = chunk[-16:]
                if ods is not None:
                    ods.feed(chunk)
                    return
                if not is_sheet:
                    return
                buf.extend(chunk)
                end = _piece_end(buf)
                if end > 0:
                    piece = bytes(buf[:end])
                    del buf[:end]
                    _scan_sheet_piece(piece, scan)
                    extent.feed(piece)
                    if done + extent.area > limits.max_cells:
                        raise refuse_limit("lembar kerja terlalu besar", "max_cells", limits.max_cells,
                                           "sel", display, out.parts.get(name))

            used += _inflate(fh, info, display, max_inflated - used, sink)
            if ods is not None:
                out.sheets.update(ods.finish())
            elif is_sheet:
                if buf:
                    piece = bytes(buf)
                    _scan_sheet_piece(piece, scan)
                    extent.feed(piece)
                cells += extent.area
                if cells > limits.max_cells:
                    raise refuse_limit("lembar kerja terlalu besar", "max_cells", limits.max_cells, "sel",
                                       display, out.parts.get(name))
                if name in out.parts:
                    out.sheets[out.parts[name]] = scan
    return out


def _ods_scanner(display: str, limits: Limits):
    from .ods_guard import OdsScanner

    return OdsScanner(display, limits)


def is_encrypted_ole(path: Path) -> bool:
    import mmap

    marker = "EncryptionInfo".encode("utf-16-le")
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        return mm.find(marker) >= 0


def apply_scan(sheet: Sheet, scan: PartScan, display: str) -> None:
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
                               f"{rows_text(placed)}); tidak dibaca sebagai 0")
    placed = []
    for r, c, text in scan.errors:
        if r <= len(rows) and c <= len(rows[r - 1]) and rows[r - 1][c - 1] in ("", None):
            rows[r - 1][c - 1] = text or "#GALAT"
            placed.append(r)
    if placed:
        kinds = ", ".join(sorted({t for _, _, t in scan.errors}))[:80]
        sheet.notes.append(f"{len(placed):,} sel galat ({kinds}) di baris {rows_text(placed)}; "
                           "dibaca sebagai galat, bukan kosong")
    if scan.formulas_with_value:
        sheet.notes.append(f"{scan.formulas_with_value:,} sel rumus dibaca dari nilai tersimpannya")
    if scan.hidden_rows:
        hidden = sorted(set(scan.hidden_rows))
        sheet.hidden_rows = hidden
        sheet.notes.append(f"{len(hidden):,} baris tersembunyi ikut dibaca (baris {rows_text(hidden)})")
        sheet.findings += [Finding("hidden_content", "baris tersembunyi ikut dibaca", display, sheet.name, r,
                                   "info") for r in hidden if r <= len(rows)]
    if scan.hidden_cols:
        spans = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in scan.hidden_cols[:10])
        sheet.notes.append(f"kolom tersembunyi ikut dibaca (kolom ke-{spans})")


def rows_text(rows: list[int], most: int = 10) -> str:
    head = ", ".join(str(r) for r in rows[:most])
    return head + (f" … dan {len(rows) - most:,} lainnya" if len(rows) > most else "")
