"""The row vocabulary of printed RKA/DPA/DPPA "Rincian Belanja" sheets.

Kept apart from :mod:`efisiensi.read.dppa` (which walks the account tree and checks
the subtotals) so that everything a printed sheet *says* — two-row merged headers,
the ``Sub Kegiatan : …`` preamble, ``[#]``/``[-]`` markers, ``Spesifikasi :`` lines,
closing ``JUMLAH`` rows, signatures — is recognised in one place.

>>> preamble_item(["Sub Kegiatan", ": 1.01.01.2.01.0001 - Penyusunan Dokumen Perencanaan"])
('sub_kegiatan', '1.01.01.2.01.0001 - Penyusunan Dokumen Perencanaan')
>>> split_code_value("1.01.2.22.0.00.01.0000 - Dinas Pendidikan")
('1.01.2.22.0.00.01.0000', 'Dinas Pendidikan')
>>> marker("[#] Rapat Koordinasi Internal")
('#', 'Rapat Koordinasi Internal')
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .codes import normalize_code
from .grid import Sheet
from .headers import normalize_header

AFTER, BEFORE = "after", "before"

#: header label -> the field a column holds
FIELD_WORDS: dict[str, str] = {
    "kode rekening": "kode", "kode akun": "kode", "kode rek": "kode", "no rekening": "kode",
    "nomor rekening": "kode", "rekening": "kode",
    "uraian": "uraian", "uraian rekening": "uraian", "uraian belanja": "uraian",
    "koefisien": "koefisien", "volume": "koefisien", "vol": "koefisien", "koef": "koefisien",
    "satuan": "satuan", "sat": "satuan",
    "harga": "harga", "harga satuan": "harga", "tarif": "harga",
    "ppn": "ppn", "pajak": "ppn", "ppn %": "ppn", "pajak %": "ppn",
    "jumlah": "jumlah", "jumlah rp": "jumlah", "jumlah harga": "jumlah", "total": "jumlah",
    "anggaran": "jumlah", "nilai": "jumlah",
    "bertambah berkurang": "selisih", "bertambah kurang": "selisih", "selisih": "selisih",
    "bertambah": "selisih",
}
#: labels that span several columns (merged over a second header row)
GROUP_WORDS = {"rincian perhitungan", "rincian", "sebelum perubahan", "setelah perubahan",
               "sesudah perubahan", "sebelum", "sesudah", "setelah", "semula", "menjadi",
               "murni", "perubahan"}
_KODE = {"kode rekening", "kode akun", "kode rek", "no rekening", "nomor rekening"}

#: preamble label (normalised) -> internal key
PREAMBLE_KEYS: dict[str, str] = {
    "urusan pemerintahan": "urusan", "urusan": "urusan", "bidang urusan": "bidang",
    "program": "program", "kegiatan": "kegiatan", "sub kegiatan": "sub_kegiatan",
    "organisasi": "skpd", "skpd": "skpd", "perangkat daerah": "skpd", "opd": "skpd",
    "unit": "unit", "unit organisasi": "unit", "sub unit": "unit", "sub unit organisasi": "unit",
    "sub organisasi": "unit", "sumber dana": "sumber_dana", "sumber pendanaan": "sumber_dana",
    "lokasi": "lain", "waktu pelaksanaan": "lain", "keluaran sub kegiatan": "lain",
    "kelompok sasaran": "lain", "tahun anggaran": "tahun",
}

_MARK = re.compile(r"^\[\s*([#\-])\s*\]\s*(.*)$", re.S)
_SPEC = re.compile(r"^spesifikasi\s*:\s*(.*)$", re.I | re.S)
_CODE_VALUE = re.compile(r"^(\d+(?:\s*\.\s*\d+)*)\s*(?:[-\u2013\u2014:]\s*|\s+)(.*)$", re.S)
_TAHUN = re.compile(r"tahun\s+anggaran\s*:?\s*((?:19|20)\d\d)\b", re.I)
_TITLE = re.compile(r"dokumen pelaksanaan|rencana kerja dan anggaran|\b(?:dppa|dpa|rka)\s*-?\s*skpd\b",
                    re.I)
_TOTAL_WORDS = {"jumlah", "jumlah total", "total", "jumlah anggaran", "total anggaran",
                "jumlah belanja", "total belanja", "jumlah seluruhnya", "grand total"}
# Words that open the signature block: what follows is not the table any more.
_END = re.compile(r"^(mengesahkan|menyetujui|tim anggaran pemerintah daerah|nip\b)", re.I)


def cell_text(cell: object) -> str:
    """A cell as stripped text; integral floats lose their ``.0``.

    >>> cell_text(12.0), cell_text(" [#] Rapat "), cell_text(None)
    ('12', '[#] Rapat', '')
    """
    if type(cell) is str:
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, float):
        if math.isnan(cell) or math.isinf(cell):
            return ""
        return str(int(cell)) if cell.is_integer() else repr(cell)
    return str(cell).strip()


def _cell(row: Sequence[object], col: int | None) -> object:
    return row[col] if col is not None and col < len(row) else ""


def texts(row: Sequence[object]) -> list[str]:
    """The non-empty cells of a row, as text."""
    out = []
    for c in row:
        t = c.strip() if type(c) is str else cell_text(c)  # cell_text, without a call per text cell
        if t:
            out.append(t)
    return out


def marker(text: str) -> tuple[str, str] | None:
    """``"[#] text"`` -> ``("#", "text")``; ``"[-] text"`` -> ``("-", "text")``."""
    m = _MARK.match(text.strip())
    return (m.group(1), m.group(2).strip()) if m else None


def spec_text(text: str) -> str | None:
    """The text of a ``Spesifikasi : …`` line, ``None`` for any other text.

    >>> spec_text("Spesifikasi : Nasi kotak rapat"), spec_text("Nasi Kotak")
    ('Nasi kotak rapat', None)
    """
    m = _SPEC.match(text.strip())
    return m.group(1).strip() if m else None


def is_total_label(text: str) -> bool:
    return normalize_header(text) in _TOTAL_WORDS


def starts_total(text: str) -> bool:
    """``Jumlah Sumber Dana DAU``, ``TOTAL BELANJA …``, ``Sub Total``: a total's label."""
    words = normalize_header(text).split()
    return bool(words) and (words[0] in ("jumlah", "total", "subtotal") or words[:2] == ["sub", "total"])


def is_end_of_table(row: Sequence[object], t: list[str] | None = None) -> bool:
    """True for the first lines of a signature block (``Mengesahkan``, ``NIP …``).

    ``t`` is ``texts(row)`` when the caller has it already (so for every predicate here).
    """
    t = texts(row) if t is None else t
    return bool(t) and bool(_END.match(t[0]))


def year_in(row: Sequence[object], t: list[str] | None = None) -> int | None:
    """The year of a ``Tahun Anggaran 2025`` line."""
    m = _TAHUN.search(" ".join(texts(row) if t is None else t))
    return int(m.group(1)) if m else None


def split_code_value(value: str) -> tuple[str, str]:
    """Split a preamble value ``"1.01.01 - PROGRAM …"`` into its code and its name.

    >>> split_code_value("Dana Alokasi Umum (DAU)")
    ('', 'Dana Alokasi Umum (DAU)')
    """
    m = _CODE_VALUE.match(value.strip())
    if not m:
        return "", value.strip()
    return re.sub(r"\s+", "", m.group(1)), m.group(2).strip()


def preamble_item(row: Sequence[object], t: list[str] | None = None) -> tuple[str, str] | None:
    """``(key, value)`` for a ``Label : value`` preamble line, ``None`` otherwise.

    The colon may sit in the label cell, in its own cell or start the value cell;
    only known labels count, so a component named "Program …" is never taken.
    """
    t = texts(row) if t is None else t
    if not t:
        return None
    if ":" in t[0]:
        label, rest = t[0].split(":", 1)
        parts = [rest, *t[1:]]
    elif len(t) >= 2 and t[1].startswith(":"):
        label, parts = t[0], [t[1][1:], *t[2:]]
    else:
        return None
    norm = normalize_header(label)
    key = PREAMBLE_KEYS.get(norm) or ("lain" if norm.startswith("alokasi tahun") else None)
    if key is None:
        return None
    return key, " ".join(p.strip() for p in parts if p.strip())


def is_header_start(row: Sequence[object], t: list[str] | None = None) -> bool:
    """A table header: a ``Kode Rekening`` cell and an ``Uraian`` cell."""
    norm = {normalize_header(x) for x in (texts(row) if t is None else t)}
    return bool(norm & _KODE) and "uraian" in norm


def is_header_words(row: Sequence[object], t: list[str] | None = None) -> bool:
    """A row made only of header words (the second header row, repeated on a page)."""
    norm = [normalize_header(x) for x in (texts(row) if t is None else t)]
    return bool(norm) and all(n in FIELD_WORDS or n in GROUP_WORDS for n in norm)


def is_column_numbers(row: Sequence[object], t: list[str] | None = None) -> bool:
    """The ``1 | 2 | 3 …`` row some prints put under the header."""
    t = texts(row) if t is None else t
    if len(t) < 3 or not all(x.isdigit() for x in t):
        return False
    nums = [int(x) for x in t]
    return nums == sorted(nums) and len(set(nums)) == len(nums) and nums[-1] <= 40


def _side(label: str) -> str | None:
    words = label.split()
    if {"sebelum", "semula", "murni"} & set(words):
        return BEFORE
    if {"setelah", "sesudah", "menjadi", "perubahan"} & set(words):
        return AFTER
    return None


@dataclass
class HeaderMap:
    """Where each field sits, as found in one (possibly repeated) header.

    ``after`` holds the revised side, or the only side of a DPA/RKA; ``before`` the
    Sebelum side of a DPPA (empty when the sheet holds one stage).
    """

    kode: int
    uraian: int
    after: dict[str, int] = field(default_factory=dict)
    before: dict[str, int] = field(default_factory=dict)
    selisih: int | None = None
    rows: int = 1

    def get(self, row: Sequence[object], side: str, name: str) -> object:
        cols = self.after if side == AFTER else self.before
        return _cell(row, cols.get(name))


def read_header(rows: Sequence[Sequence[object]], i: int) -> HeaderMap | None:
    """Read the header starting at ``rows[i]`` (with up to two rows under it).

    Merged group labels (``Sebelum Perubahan`` over five columns) come from the
    grid only in their first column, so they are carried right over the columns
    that have a label underneath.
    """
    hdr = [rows[i]]
    while len(hdr) < 3 and i + len(hdr) < len(rows) and is_header_words(rows[i + len(hdr)]):
        hdr.append(rows[i + len(hdr)])
    width = max(len(r) for r in hdr)
    labels = [[normalize_header(cell_text(_cell(r, c))) for c in range(width)] for r in hdr]
    for k in range(len(labels) - 1):
        for c in range(1, width):
            left = labels[k][c - 1]
            below = any(labels[m][c] for m in range(k + 1, len(labels)))
            if not labels[k][c] and below and left and (left in GROUP_WORDS or _side(left)):
                labels[k][c] = left
    found: dict[tuple[str, str], int] = {}
    for c in range(width):
        path = [lab[c] for lab in labels if lab[c]]
        fields = [FIELD_WORDS[p] for p in path if p in FIELD_WORDS]
        side = next((s for s in map(_side, path) if s), None)
        name = fields[-1] if fields else ("jumlah" if side else None)
        if name is None:
            continue
        key = ("", name) if name in ("kode", "uraian", "selisih") else (side or "single", name)
        found.setdefault(key, c)
    if ("", "kode") not in found or ("", "uraian") not in found:
        return None
    by_side: dict[str, dict[str, int]] = {}
    for (side, name), c in found.items():
        if side:
            by_side.setdefault(side, {})[name] = c
    after = by_side.get(AFTER) or by_side.get("single") or {}
    before = by_side.get(BEFORE, {}) if by_side.get(AFTER) or by_side.get("single") else {}
    if not after and before:
        after, before = before, {}
    if "jumlah" not in after:
        return None
    return HeaderMap(found[("", "kode")], found[("", "uraian")], after, before,
                     found.get(("", "selisih")), len(hdr))


def sniff_score(sheet: Sheet, limit: int = 400) -> float:
    """Confidence that a sheet is a printed Rincian Belanja (see ``DppaReader.sniff``)."""
    rows = sheet.rows[:limit]
    if rows:
        first = {normalize_header(t) for t in texts(rows[0])}
        # a flat SIPD rekap: header in row 1 with TAHUN, the SKPD/urusan codes and PAGU
        if {"tahun", "pagu"} <= first and first & {"kode skpd", "kode urusan", "kode sub unit"}:
            return 0.05
    tx = [texts(r) for r in rows]
    hm, start = None, 0
    for i, row in enumerate(rows):
        if is_header_start(row, tx[i]):
            hm, start = read_header(rows, i), i + 1
            break
    quantities = hm is not None and bool({"koefisien", "satuan", "harga"} & set(hm.after))
    marks = preamble = title = False
    for row, t in zip(rows, tx, strict=True):
        if not t:
            continue
        marks = marks or any(marker(x) or spec_text(x) is not None for x in t[:3])
        item = preamble_item(row, t)
        preamble = preamble or (item is not None and item[0] in ("sub_kegiatan", "skpd"))
        title = title or bool(_TITLE.search(" ".join(t)))
    levels: set[int] = set()
    for row in rows[start:] if hm is not None else []:
        code = normalize_code(cell_text(_cell(row, hm.kode)))
        if code is not None:
            levels.add(code.code.count(".") + 1)
    score = (0.3 * (hm is not None) + 0.25 * quantities + 0.2 * marks + 0.1 * preamble
             + 0.1 * title + 0.05 * (len(levels) >= 3) + 0.05 * (quantities and bool(hm.before)))
    # "Kode Rekening | Uraian | Sebelum | Sesudah" alone is also a penjabaran table:
    # without components, markers or a sub kegiatan preamble leave it to that reader
    if hm is None or not (quantities or marks or preamble):
        return round(min(score, 0.2), 2)
    return round(min(score, 1.0), 2)
