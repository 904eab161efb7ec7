"""Header recognition: normalise header text and map it to canonical columns.

The synonym table lists every spelling seen in real exports (REFERENCE.md §5):
SIPD rekap (``KODE SUB KEGIATAN``), SIPD rincian (``kode_sub_giat``), printed DPA
(``Kode Rekening``, ``Uraian``), penjabaran CSVs (``No. Rekening``, typos such as
``Jumah`` and ``Keteranga``), Pantau (``hasil_pembahasan``). Users add the rest with a
mapping (``efisiensi.load(..., columns={"Nilai Pagu": "anggaran"})``).

Amount columns come in three roles: ``before`` (baseline stage), ``after`` (revised
stage) and ``single`` (a file that holds one stage). :func:`resolve_amounts` turns the
roles found in one header into ``anggaran`` / ``anggaran_sebelum``.

>>> normalize_header(" NAMA PAKET/KELOMPOK ")
'nama paket kelompok'
>>> match_header("Kode Rekening")
'kode_rekening'
>>> match_header("subs_bl_teks")
'kelompok'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NON_ALNUM = re.compile(r"[^0-9a-z%]+")


def normalize_header(text: object) -> str:
    """Lower-case ASCII, punctuation and underscores as single spaces."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return _NON_ALNUM.sub(" ", s.lower()).strip()


#: canonical column -> spellings (already normalised by :func:`normalize_header`).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "tahun": ("tahun", "tahun anggaran", "ta"),
    "kode_skpd": ("kode skpd", "kode opd", "kode organisasi", "kode unit", "kd skpd", "kode perangkat daerah"),
    "nama_skpd": ("nama skpd", "skpd", "nama opd", "opd", "nama organisasi", "organisasi", "perangkat daerah",
                  "nama perangkat daerah", "nama unit"),
    "kode_sub_unit": ("kode sub unit", "kode sub skpd", "kode unit kerja"),
    "nama_sub_unit": ("nama sub unit", "nama sub skpd", "sub unit", "unit kerja"),
    "kode_program": ("kode program", "kd program"),
    "nama_program": ("nama program", "program"),
    "kode_kegiatan": ("kode kegiatan", "kode giat", "kd kegiatan"),
    "nama_kegiatan": ("nama kegiatan", "nama giat", "kegiatan"),
    "kode_sub_kegiatan": ("kode sub kegiatan", "kode sub giat", "kd sub kegiatan", "kode subkegiatan"),
    "nama_sub_kegiatan": ("nama sub kegiatan", "nama sub giat", "sub kegiatan", "nama subkegiatan"),
    "kode_sumber_dana": ("kode sumber dana", "kode dana", "kd dana"),
    "sumber_dana": ("nama sumber dana", "sumber dana", "nama dana", "dana"),
    "kode_rekening": ("kode rekening", "kode akun", "no rekening", "no  rekening", "nomor rekening",
                      "nomer rekening", "norekening", "rekening", "kode rek", "kd rekening", "akun kode"),
    "nama_rekening": ("nama rekening", "nama akun", "uraian rekening", "nama rek"),
    "kelompok": ("nama paket kelompok", "subs bl teks", "nama paket", "paket", "kelompok", "nama kelompok"),
    "_paket_jenis": ("paket kelompok",),
    "keterangan": ("keterangan", "ket bl teks", "keteranga", "katerangan", "penjelasan", "ket"),
    "uraian": ("uraian", "nama komponen", "nama standar harga", "komponen", "uraian komponen"),
    "_spek": ("spek", "spesifikasi", "spek komponen"),
    "koefisien": ("koefisien", "volume", "vol", "koef"),
    "satuan": ("satuan", "sat"),
    "harga_satuan": ("harga satuan", "harga", "tarif"),
    "_pajak": ("pajak", "ppn", "pajak %"),
    "_realisasi": ("realisasi", "realisasi anggaran"),
    "_selisih": ("selisih", "angka", "bertambah berkurang", "bertambah kurang", "delta", "lebih kurang"),
    "_persen": ("prosentase", "persentase", "%", "persen"),
    "_tambah": ("tambah",),
    "_kurang": ("kurang",),
    "_no": ("no", "nomor", "no urut"),
}

#: amount spellings by role.
AMOUNT_ROLES: dict[str, tuple[str, ...]] = {
    "before": ("sebelum", "sebelum perubahan", "total harga murni", "rincian murni", "pagu murni",
               "anggaran murni", "pagu sebelum", "murni", "jumlah sebelum", "pagu awal", "semula",
               "anggaran sebelum", "apbd murni", "total sebelum", "nilai sebelum", "pagu"),
    "after": ("sesudah", "setelah perubahan", "sesudah perubahan", "total harga", "hasil pembahasan",
              "pagu sesudah", "anggaran perubahan", "perubahan", "jumlah sesudah", "menjadi",
              "anggaran sesudah", "apbd perubahan", "pagu setelah efisiensi",
              "total sesudah", "nilai sesudah", "jumlah setelah", "setelah"),
    "single": ("pagu", "jumlah", "jumah", "anggaran", "nilai", "total", "jumlah rp", "anggaran rp",
               "nilai rp", "jumlah anggaran", "pagu anggaran", "pagu indikatif", "rincian"),
}

_LOOKUP: dict[str, str] = {}
for _canon, _names in SYNONYMS.items():
    for _n in _names:
        _LOOKUP.setdefault(_n, _canon)


def match_header(text: object, user: dict[str, str] | None = None) -> str | None:
    """Canonical (or internal ``_role``) column for a header cell, ``None`` if unknown.

    Amount headers return ``"$before"``, ``"$after"`` or ``"$single"`` (a role).

    >>> match_header("Sebelum Perubahan"), match_header("PAGU"), match_header("Jumah")
    ('$before', '$single', '$single')
    >>> match_header("Nilai Pagu", {"nilai pagu": "anggaran"})
    'anggaran'
    """
    key = normalize_header(text)
    if not key:
        return None
    if user:
        for src, dst in user.items():
            if normalize_header(src) == key:
                return dst
    if key in _LOOKUP:
        return _LOOKUP[key]
    for role in ("after", "before", "single"):
        if key in AMOUNT_ROLES[role] and not (role == "before" and key == "pagu"):
            return f"${role}"
    return None


def resolve_amounts(roles: dict[int, str], headers: dict[int, str]) -> dict[int, str]:
    """Map amount columns (by position) to ``anggaran`` / ``anggaran_sebelum``.

    With an ``after`` column present, a ``before`` column (or a plain ``pagu``) is the
    baseline; a file with one amount column holds one stage in ``anggaran``.

    >>> resolve_amounts({2: "$before", 3: "$after"}, {2: "sebelum", 3: "sesudah"})
    {3: 'anggaran', 2: 'anggaran_sebelum'}
    >>> resolve_amounts({6: "$single", 9: "$after"}, {6: "pagu", 9: "hasil pembahasan"})
    {9: 'anggaran', 6: 'anggaran_sebelum'}
    >>> resolve_amounts({5: "$single"}, {5: "jumlah"})
    {5: 'anggaran'}
    """
    after = [i for i, r in roles.items() if r == "$after"]
    before = [i for i, r in roles.items() if r == "$before"]
    single = [i for i, r in roles.items() if r == "$single"]
    out: dict[int, str] = {}
    if after:
        out[after[0]] = "anggaran"
        base = before or [i for i in single if headers.get(i) in AMOUNT_ROLES["before"]] or single
        if base:
            out[base[0]] = "anggaran_sebelum"
    elif before and single:
        out[single[0]] = "anggaran"
        out[before[0]] = "anggaran_sebelum"
    elif single:
        out[single[0]] = "anggaran"
    elif before:
        out[before[0]] = "anggaran"
    return out


def header_score(cells: Iterable[object], user: dict[str, str] | None = None) -> tuple[int, bool]:
    """How many cells of a row are known headers, and whether one is an amount."""
    n, has_amount = 0, False
    for c in cells:
        m = match_header(c, user)
        if m:
            n += 1
            has_amount = has_amount or m.startswith("$") or m in ("anggaran", "anggaran_sebelum")
    return n, has_amount
