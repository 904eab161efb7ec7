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
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z%]+")


def normalize_header(text: object) -> str:
    """Lower-case ASCII, punctuation and underscores as single spaces; letter-spaced
    words joined (``"U R A I A N"`` is ``"uraian"``).

    >>> normalize_header("J U M L A H"), normalize_header("Total (Rp.)")
    ('jumlah', 'total rp')
    """
    if type(text) is str:
        return _normalize(text)
    if text is None:
        return ""
    return _normalize(str(text))


@lru_cache(maxsize=1 << 16)
def _normalize(text: str) -> str:
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    key = _NON_ALNUM.sub(" ", s.lower()).strip()
    if " " in key:
        toks = key.split(" ")
        if len(toks) >= 3 and all(len(t) == 1 and t.isalpha() for t in toks):
            return "".join(toks)
    return key


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
        mine = user_keys(user)
        if key in mine:
            return mine[key]
    return match_key(key)


def user_keys(user: dict[str, str]) -> dict[str, str]:
    """A user mapping keyed by normalised header (the first source of a key wins)."""
    return _user_keys(tuple(user.items()))


@lru_cache(maxsize=256)
def _user_keys(items: tuple[tuple[str, str], ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for src, dst in items:
        out.setdefault(normalize_header(src), dst)
    return out


@lru_cache(maxsize=1 << 16)
def match_key(key: str) -> str | None:
    """:func:`match_header` of an already normalised, non-empty header (no user mapping)."""
    if key in _LOOKUP:
        return _LOOKUP[key]
    for role in ("after", "before", "single"):
        if key in AMOUNT_ROLES[role] and not (role == "before" and key == "pagu"):
            return f"${role}"
    return None


#: words that make a header an amount, or a stage of one (recognised when no spelling matches)
AMOUNT_WORDS = frozenset("pagu nilai anggaran jumlah total rp rupiah biaya apbd papbd apbdp dpa dppa rincian".split())
_NOT_AMOUNT = frozenset("realisasi spd sisa persen prosentase persentase selisih harga satuan volume koefisien "
                        "kas dkkb sp2d bertambah berkurang kurang tambah no nomor kode nama uraian lalu "
                        # a header in thousands or millions needs unit=: never guessed
                        "ribu ribuan juta jutaan miliar milyar".split())
_BEFORE_WORDS = frozenset("sebelum murni semula awal".split())
_AFTER_WORDS = frozenset("sesudah setelah menjadi revisi perubahan papbd apbdp".split())
#: stages that name an amount only beside an amount word ("Anggaran Pergeseran"); alone
#: ("Efisiensi") such a header is the cut, not a stage
_WEAK_AFTER_WORDS = frozenset("pergeseran penyesuaian".split())
_MONTHS = ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september", "oktober",
           "november", "desember")
_MONTH_ALIASES = {"pebruari": 2, "nopember": 11, "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7,
                  "agu": 8, "agt": 8, "ags": 8, "sep": 9, "okt": 10, "nov": 11, "des": 12}


def month_of(text: object) -> int | None:
    """The month a header names (``bulan_3``, ``MARET``, ``Pebruari``), else ``None``.

    >>> month_of("bulan_12"), month_of("PEBRUARI"), month_of("jumlah")
    (12, 2, None)
    """
    return month_key(normalize_header(text))


@lru_cache(maxsize=1 << 16)
def month_key(key: str) -> int | None:
    """:func:`month_of` of an already normalised header."""
    toks = key.split()
    if len(toks) == 2 and toks[0] == "bulan" and toks[1].isdigit() and 1 <= int(toks[1]) <= 12:
        return int(toks[1])
    if len(toks) == 1:
        if key in _MONTHS:
            return _MONTHS.index(key) + 1
        return _MONTH_ALIASES.get(key)
    return None


def guess_amount(text: object) -> str | None:
    """Role of an amount header no spelling in the table matches, from its words.

    >>> [guess_amount(h) for h in ("Nilai Pagu", "Anggaran Tahun 2025", "Setelah Efisiensi",
    ...                             "ANGGARAN 1 TAHUN SEBELUM EFISIENSI", "ANGGARAN SPD TERBIT", "total_rincian")]
    ['$single', '$single', '$after', '$before', None, '$single']
    >>> guess_amount("Efisiensi"), guess_amount("Nilai Efisiensi"), guess_amount("Anggaran Pergeseran")
    (None, None, '$after')
    """
    return guess_key(normalize_header(text))


@lru_cache(maxsize=1 << 16)
def guess_key(key: str) -> str | None:
    """:func:`guess_amount` of an already normalised header."""
    toks = set(key.split())
    if not toks or toks & _NOT_AMOUNT or month_key(key):
        return None
    if toks & _BEFORE_WORDS:
        return "$before"
    if toks & _AFTER_WORDS or (toks & _WEAK_AFTER_WORDS and toks & AMOUNT_WORDS):
        return "$after"
    if "efisiensi" in toks:
        return None  # the cut itself
    if toks & AMOUNT_WORDS:
        return "$single"
    return None


#: stage names (``tahap``) by the words of an amount header
_STAGE_WORDS = (("realisasi", ("realisasi",)), ("efisiensi", ("efisiensi", "penyesuaian")),
                ("pergeseran", ("pergeseran",)), ("murni", ("murni", "sebelum", "semula", "awal")),
                ("perubahan", ("perubahan", "papbd", "apbdp", "dppa")))


def stage_of(text: object) -> str:
    """The stage an amount header names (``""`` when it does not say).

    >>> stage_of("ANGGARAN 1 TAHUN SEBELUM EFISIENSI"), stage_of("Setelah Efisiensi"), stage_of("ANGGARAN PAPBD")
    ('murni', 'efisiensi', 'perubahan')
    >>> stage_of("Sesudah Perubahan"), stage_of("Jumlah")
    ('perubahan', '')
    """
    toks = set(normalize_header(text).split())
    if toks & {"sebelum", "semula"}:
        return "murni"
    for stage, words in _STAGE_WORDS:
        if toks & set(words):
            return stage
    return ""


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
