"""Budget stages (tahap) and years (tahun) as facts: the vocabulary and where each is read.

A Pemda's budget of one year passes through ordered stages::

    murni  <  pergeseran-1 < pergeseran-2 …  <  efisiensi / penyesuaian  <  perubahan

and ``realisasi`` (what was spent) stands apart: it is never a budget stage.

Each detector returns a :class:`Detected` value with where it came from (``nama berkas``,
``judul``, ``kolom TAHUN``, ``kolom``, ``pengguna``), so a report can say why a file was
taken as the perubahan of 2025. Nothing here reads a file; callers hand in names, rows
or header texts.

>>> parse_stage("pergeseran1")
Stage(tahap='pergeseran', nomor=1, label='pergeseran-1')
>>> stage_from_name("2025_3_penyesuaian_rekap5.xlsx").value
Stage(tahap='efisiensi', nomor=1, label='penyesuaian')
>>> year_from_name("2025_1_murni_rekap5.xlsx").value
2025
>>> stage_from_header("ANGGARAN 1 TAHUN SETELAH EFISIENSI").value.tahap
'efisiensi'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

#: Budget stages in order (``tahap`` values); ``realisasi`` is apart; ``""`` is unknown.
TAHAP = ("murni", "pergeseran", "efisiensi", "perubahan")
REALISASI = "realisasi"
#: Where a detected value came from.
FROM_NAME, FROM_TITLE, FROM_YEAR_COLUMN, FROM_HEADER, FROM_USER = (
    "nama berkas", "judul", "kolom TAHUN", "kolom", "pengguna")


@dataclass(frozen=True, order=False)
class Stage:
    """One stage: the canonical ``tahap``, a number (pergeseran N; penyesuaian after a
    draft efisiensi), and the label users see (``"pergeseran-1"``, ``"penyesuaian"``)."""

    tahap: str
    nomor: int = 0
    label: str = ""

    @property
    def rank(self) -> tuple[int, int]:
        """Sort key along the budget's life; realisasi after every budget stage."""
        level = TAHAP.index(self.tahap) if self.tahap in TAHAP else len(TAHAP)
        return level, self.nomor

    @property
    def is_budget(self) -> bool:
        return self.tahap in TAHAP

    def __str__(self) -> str:
        return self.label or self.tahap


@dataclass(frozen=True)
class Detected:
    """A value and where it came from (``source``) with the text that said it (``evidence``)."""

    value: Any
    source: str
    evidence: str = ""


def _fold(text: object) -> str:
    s = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"\s+", " ", s).strip()


_WORDS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"(?<![a-z])realisasi(?![a-z])|(?<![a-z])lra(?![a-z])"), REALISASI),
    (re.compile(r"(?<![a-z])murni(?![a-z])"), "murni"),
    (re.compile(r"(?<![a-z])pergeseran[\s_-]*(?:ke[\s_-]*)?(\d{0,2})(?!\d)"), "pergeseran"),
    (re.compile(r"(?<![a-z])penyesuaian(?![a-z])"), "penyesuaian"),
    (re.compile(r"(?<![a-z])efisiensi(?![a-z])"), "efisiensi"),
    (re.compile(r"(?<![a-z])(?:perubahan|p[\s_-]?apbd|apbd[\s_-]?p)(?![a-z])"), "perubahan"),
)


def _stage(word: str, number: str = "") -> Stage:
    if word == "pergeseran":
        n = int(number) if number else 1
        return Stage("pergeseran", n, f"pergeseran-{n}")
    if word == "penyesuaian":
        # the adopted adjustment; a draft "efisiensi" of the same series comes before it
        return Stage("efisiensi", 1, "penyesuaian")
    if word == "efisiensi":
        return Stage("efisiensi", 0, "efisiensi")
    return Stage(word, 0, word)


def parse_stage(text: str | Stage) -> Stage:
    """A user's stage name (``murni``, ``pergeseran2``, ``penyesuaian``, ``P-APBD`` …).

    >>> parse_stage("P-APBD").tahap, parse_stage("Pergeseran ke-2").label
    ('perubahan', 'pergeseran-2')
    """
    if isinstance(text, Stage):
        return text
    found = _words(_fold(text))
    if len(found) != 1:
        from .._errors import LoadError

        raise LoadError(f"tahap {text!r} tidak dikenal; gunakan murni, pergeseran1, efisiensi, "
                        "penyesuaian, perubahan atau realisasi")
    return found[0]


def _words(text: str) -> list[Stage]:
    out: list[Stage] = []
    for pat, word in _WORDS:
        for m in pat.finditer(text):
            s = _stage(word, m.group(1) if m.groups() else "")
            if s not in out:
                out.append(s)
    return out


def stage_from_name(path: str | PurePath) -> Detected | None:
    """The stage a SIPD export's file name says (``2025_2_pergeseran1_rekap5.xlsx``).

    ``None`` when the name says none, two budget stages (``murni_vs_perubahan``) or
    several documents (``DKKB DAN REALISASI``); otherwise a name that says realisasi is
    realisasi whatever else it says.

    >>> stage_from_name("rekap_murni_vs_perubahan.xlsx") is None
    True
    >>> stage_from_name("Realisasi APBD Perubahan 2025.xlsx").value.tahap
    'realisasi'
    >>> stage_from_name("DKKB DAN REALISASI.xlsx") is None
    True
    """
    name = PurePath(str(path)).name
    stem = name.rsplit(".", 1)[0] if "." in name else name
    low = _fold(stem.replace("_", " "))
    if re.search(r"(?<![a-z])(?:dan|vs|versus|and)(?![a-z])|&|\+", low):
        return None
    found = _words(low)
    if any(s.tahap == REALISASI for s in found):
        return Detected(Stage(REALISASI, 0, REALISASI), FROM_NAME, name)
    if len(found) != 1:
        return None
    return Detected(found[0], FROM_NAME, name)


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def year_from_name(path: str | PurePath) -> Detected | None:
    """The one year a file name carries (``2025_1_murni_rekap5.xlsx`` → 2025), else ``None``."""
    name = PurePath(str(path)).name
    years = set(_YEAR.findall(name))
    if len(years) != 1:
        return None
    return Detected(int(years.pop()), FROM_NAME, name)


def series_of_name(path: str | PurePath) -> str:
    """What is left of a file name without its year, stage words and ordinal numbers:
    files of one export series share it (``2025_1_murni_rekap5`` and
    ``2025_5_perubahan_rekap5`` → ``rekap5``).

    >>> series_of_name("2025_old_efisiensi_rekap.xlsx"), series_of_name("2025_2_pergeseran1_rekap5.xlsx")
    ('old rekap', 'rekap5')
    """
    name = PurePath(str(path)).name
    stem = name.rsplit(".", 1)[0] if "." in name else name
    s = _fold(stem.replace("_", " "))
    for pat, _ in _WORDS:
        s = pat.sub(" ", s)
    s = _YEAR.sub(" ", s)
    s = re.sub(r"(?<![a-z0-9])\d{1,2}(?![a-z0-9])", " ", s)
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


# --------------------------------------------------------------- content: titles and columns

_TITLE_YEAR = re.compile(r"(?:tahun anggaran|tahun|t\.?a\.?)\s*[:.]?\s*((?:19|20)\d\d)(?!\d)")
_TITLE_STAGE: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"(?<![a-z])laporan realisasi|(?<![a-z])realisasi anggaran(?![a-z])"), REALISASI),
    (re.compile(r"(?<![a-z])(?:apbd|anggaran|tahap) murni(?![a-z])"), "murni"),
    (re.compile(r"(?<![a-z])pergeseran(?: anggaran)?(?: ke)?[\s-]*(\d{0,2})(?!\d)"), "pergeseran"),
    (re.compile(r"(?<![a-z])(?:apbd|anggaran|tahap) penyesuaian(?![a-z])"), "penyesuaian"),
    (re.compile(r"(?<![a-z])(?:apbd perubahan|perubahan apbd|p[\s-]?apbd)(?![a-z])"), "perubahan"),
)


def _cells_text(row: Iterable[object]) -> str:
    return " ".join(str(c) for c in row if c is not None and str(c).strip())


def _rows_of(sheet_or_rows: Any) -> Sequence[Sequence[object]]:
    return sheet_or_rows.rows if hasattr(sheet_or_rows, "rows") else sheet_or_rows


def year_from_rows(sheet_or_rows: Any, head: int = 15) -> Detected | None:
    """The year of a sheet: a title row (``TAHUN ANGGARAN 2025``), or a ``TAHUN`` column
    whose values agree. ``None`` when neither says one year.

    >>> year_from_rows([["PEMERINTAH PROVINSI"], ["TAHUN ANGGARAN : 2025"], ["KODE", "PAGU"]]).value
    2025
    >>> year_from_rows([["NO", "TAHUN", "PAGU"], [1, 2025, 10], [2, "2025", 5]]).source
    'kolom TAHUN'
    """
    rows = _rows_of(sheet_or_rows)
    for row in rows[:head]:
        cells = [c for c in row if c is not None and str(c).strip()]
        for i, c in enumerate(cells):
            if _fold(c) in ("tahun", "tahun anggaran", "ta"):
                col = list(row).index(c)
                years = {_int_year(r[col]) for r in rows[rows.index(row) + 1:] if col < len(r)} - {None}
                if len(years) == 1:
                    return Detected(years.pop(), FROM_YEAR_COLUMN, str(c).strip())
                nxt = cells[i + 1] if i + 1 < len(cells) else None
                if not years and _int_year(nxt) is None and _fold(nxt) == ":" and i + 2 < len(cells):
                    nxt = cells[i + 2]
                if not years and (y := _int_year(nxt)) is not None:
                    return Detected(y, FROM_TITLE, f"{c} {nxt}")
                break
        m = _TITLE_YEAR.search(_fold(_cells_text(row)))
        if m:
            return Detected(int(m.group(1)), FROM_TITLE, _cells_text(row)[:80])
    return None


def _int_year(v: object) -> int | None:
    if v is None:
        return None
    s = str(v).strip()
    if s.endswith(".0"):
        s = s[:-2]
    return int(s) if s.isdigit() and len(s) == 4 and s[:2] in ("19", "20") else None


def stage_from_rows(sheet_or_rows: Any, head: int = 12) -> Detected | None:
    """The stage a sheet's title rows name (``APBD PERUBAHAN``, ``PERGESERAN KE-2``,
    ``LAPORAN REALISASI``); ``None`` when they name none or several. A funding source
    such as ``PAD MURNI`` is not a stage.

    >>> stage_from_rows([["RINGKASAN APBD PERUBAHAN TAHUN ANGGARAN 2025"]]).value.tahap
    'perubahan'
    >>> stage_from_rows([["Sumber Anggaran : PAD MURNI"]]) is None
    True
    """
    found: list[tuple[Stage, str]] = []
    for row in _rows_of(sheet_or_rows)[:head]:
        if sum(stage_from_header(c) is not None for c in row if c is not None) >= 2:
            continue  # a header row of stage columns, not a title
        text = _cells_text(row)
        low = _fold(text)
        for pat, word in _TITLE_STAGE:
            m = pat.search(low)
            if m:
                s = _stage(word, m.group(1) if m.groups() else "")
                if s not in [f[0] for f in found]:
                    found.append((s, text[:80]))
    if len(found) != 1:
        return None
    return Detected(found[0][0], FROM_TITLE, found[0][1])


_HEADER_STAGE: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"realisasi"), REALISASI),
    (re.compile(r"(?:sebelum|semula)(?: (?:perubahan|efisiensi|penyesuaian|pergeseran|revisi))?"
                r"|murni"), "murni"),
    (re.compile(r"(?:setelah|sesudah|menjadi) (?:efisiensi|penyesuaian)"), "efisiensi"),
    (re.compile(r"(?:setelah|sesudah) pergeseran"), "pergeseran"),
    (re.compile(r"(?:setelah|sesudah) perubahan|(?<![a-z])p[\s-]?apbd|anggaran perubahan"), "perubahan"),
)


def stage_from_header(text: object) -> Detected | None:
    """The stage an amount column's header names, or ``None``.

    ``Efisiensi`` alone is the amount cut, not a stage; ``Setelah Revisi`` says no
    stage either (a revision may be any of them).

    >>> [stage_from_header(h).value.tahap for h in ("Sebelum Perubahan", "ANGGARAN PAPBD", "Realisasi s.d. Nov")]
    ['murni', 'perubahan', 'realisasi']
    >>> stage_from_header("Efisiensi") is None, stage_from_header("ANGGARAN SETELAH REVISI") is None
    (True, True)
    """
    low = _fold(text)
    for pat, word in _HEADER_STAGE:
        if pat.search(low):
            return Detected(_stage(word), FROM_HEADER, str(text).strip())
    return None
