"""Normalise account codes (kode rekening) segment by segment.

Two charts of accounts are known:

* ``"90/2019"`` — Permendagri 90/2019 (SIPD, 2021 on): six levels with widths
  1.1.2.2.2.4 (2025) or 1.1.2.2.3.5 (2026). The canonical form is 1.1.2.2.2.4, so
  ``5.1.2.04.01.1`` and ``5.1.02.04.001.00001`` both become ``5.1.02.04.01.0001``.
* ``"13/2006"`` — Permendagri 13/2006 (older files): five levels 1.1.1.2.2
  (``5.2.2.15.01``), written with or without dots (``5221501``).

Codes are split on dots into integers; nothing is sliced by position.

>>> normalize_code("5.1.02.04.001.00001")
AccountCode(code='5.1.02.04.01.0001', chart='90/2019')
>>> normalize_code("5.02.01.1.06.05.5.1.02.02.01.0001").code
'5.1.02.02.01.0001'
>>> normalize_code("5.1.02.01.01.0052 Belanja Makanan dan Minuman Rapat ").code
'5.1.02.01.01.0052'
>>> normalize_code("5221502")
AccountCode(code='5.2.2.15.02', chart='13/2006')
>>> normalize_code("Belanja Pegawai") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

CHART_2019 = "90/2019"
CHART_2006 = "13/2006"

#: Canonical segment widths per chart (level 1 .. 6).
WIDTHS = {CHART_2019: (1, 1, 2, 2, 2, 4), CHART_2006: (1, 1, 1, 2, 2)}

# A leading run of digits/dots/spaces, optionally followed by a name.
_LEAD = re.compile(r"^\s*([0-9][0-9.\s]*[0-9]|[0-9])\.?\s*(.*)$", re.S)
_ACCOUNT_ROOTS = {"4", "5", "6"}


@dataclass(frozen=True)
class AccountCode:
    """A normalised account code and the chart it belongs to."""

    code: str
    chart: str

    @property
    def segments(self) -> tuple[int, ...]:
        return tuple(int(s) for s in self.code.split("."))

    def startswith(self, prefix: str) -> bool:
        """Prefix match segment by segment (``5.1.02.04`` covers ``5.1.02.04.01.0001``).

        >>> AccountCode("5.1.02.04.01.0001", "90/2019").startswith("5.1.2.4")
        True
        >>> AccountCode("5.1.02.41.01.0001", "90/2019").startswith("5.1.02.4")
        False
        """
        want = tuple(int(s) for s in prefix.strip(".").split("."))
        return self.segments[: len(want)] == want


def format_segments(segments: list[int], chart: str) -> str:
    widths = WIDTHS[chart]
    out = []
    for i, seg in enumerate(segments):
        w = widths[i] if i < len(widths) else 1
        out.append(str(seg).zfill(w))
    return ".".join(out)


def split_compact(digits: str) -> list[int] | None:
    """``5221502`` → [5, 2, 2, 15, 2] (2006 chart written without dots)."""
    if not digits or digits[0] not in _ACCOUNT_ROOTS:
        return None
    segs: list[int] = []
    pos = 0
    for w in (1, 1, 1, 2, 2):
        if pos >= len(digits):
            break
        take = w
        if w == 2 and len(segs) == 4 and len(digits) - pos == 3:
            take = 3  # Gunungkidul's 3-digit rincian
        segs.append(int(digits[pos : pos + take]))
        pos += take
    if pos != len(digits):
        return None
    return segs


def _strip_prefix(raw: list[str]) -> list[str]:
    """Drop a sub kegiatan / SKPD code glued before a 90/2019 account code."""
    if len(raw) > 6:
        root = raw[-6]
        if root in _ACCOUNT_ROOTS:
            return raw[-6:]
    return raw


def _looks_2019(raw: list[str]) -> bool:
    # In 90/2019 the jenis (3rd segment) is written with two digits, and a full
    # code has six levels with a 4- or 5-digit last segment.
    if len(raw) >= 3 and len(raw[2]) == 2:
        return True
    if len(raw) == 6 and len(raw[5]) >= 4:
        return True
    return False


@lru_cache(maxsize=65536)
def normalize_code(text: object, chart: str | None = None) -> AccountCode | None:
    """Normalise one account code; ``None`` when the text holds no account code.

    ``chart`` forces the chart (a file's codes share one); otherwise it is
    recognised from the code's own shape.

    >>> normalize_code("5.1.2.02.09.0012").code
    '5.1.02.02.09.0012'
    >>> normalize_code("5.2.2.15", chart="13/2006")
    AccountCode(code='5.2.2.15', chart='13/2006')
    """
    if text is None:
        return None
    if isinstance(text, float):
        return None
    s = str(text).strip()
    m = _LEAD.match(s)
    if not m:
        return None
    lead = m.group(1).strip()
    if " " in lead.replace(" .", ".").replace(". ", "."):
        return None  # space-separated prefixed codes are layout-specific (penjabaran)
    lead = lead.replace(" ", "")
    raw = [p for p in lead.split(".") if p != ""]
    if not raw or not all(p.isdigit() for p in raw):
        return None
    if len(raw) == 1:
        if len(raw[0]) == 1:
            if raw[0] not in _ACCOUNT_ROOTS:
                return None
            return AccountCode(raw[0], chart or CHART_2019)
        segs = split_compact(raw[0])
        if segs is None:
            return None
        return AccountCode(format_segments(segs, CHART_2006), CHART_2006)
    raw = _strip_prefix(raw)
    if raw[0] not in _ACCOUNT_ROOTS:
        return None
    use = chart or (CHART_2019 if _looks_2019(raw) else CHART_2006)
    if use == CHART_2006 and len(raw) > 5:
        use = CHART_2019
    segs = [int(p) for p in raw]
    return AccountCode(format_segments(segs, use), use)


def split_code_and_name(text: object) -> tuple[str | None, str]:
    """Split ``"5.1.02.01.01.0052 Belanja Mamin Rapat"`` into the code and the name.

    >>> split_code_and_name("5.1.02.01.01.0052 Belanja Makanan dan Minuman Rapat ")
    ('5.1.02.01.01.0052', 'Belanja Makanan dan Minuman Rapat')
    >>> split_code_and_name("Belanja Pegawai")
    (None, 'Belanja Pegawai')
    """
    if text is None:
        return None, ""
    s = str(text).strip()
    m = _LEAD.match(s)
    if not m or normalize_code(m.group(1)) is None:
        return None, s
    return m.group(1).strip(), m.group(2).strip()


# ------------------------------------------------ identity of SKPD and names across stages

#: Characters that change a text's bytes but not what a person reads in it.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u3000\t\r\n"), " ")
_DOTTED = re.compile(r"^\d+(?:\s*\.\s*\d+)*$")


def clean_text(text: object) -> str:
    """A text without zero-width characters, with NBSP and other spaces as one space.

    >>> clean_text("DINAS\\u00a0 PENDIDIKAN\\u200b ")
    'DINAS PENDIDIKAN'
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    s = str(text).translate(_INVISIBLE).translate(_SPACES)
    return re.sub(r" {2,}", " ", s).strip()


def normalize_name(text: object) -> str:
    """A name as compared across stages: :func:`clean_text`, then case-folded.

    >>> normalize_name("Dinas  Pendidikan\\u00a0") == normalize_name("DINAS PENDIDIKAN")
    True
    """
    return clean_text(text).casefold()


def normalize_unit_code(text: object) -> str:
    """An SKPD, sub unit or sub kegiatan code as compared across stages: segments as
    integers, so leading zeros, spaces around dots, zero-width and non-breaking spaces
    do not make a second agency. A text that is not a dotted code is compared as a name.

    >>> normalize_unit_code("1.02.0.00.0.00.01.0000") == normalize_unit_code("1.2.0.0.0.0.1.0")
    True
    >>> normalize_unit_code("1.02.0.00.0.00.01.0000\\u200b"), normalize_unit_code(" 1 . 02 ")
    ('1.2.0.0.0.0.1.0', '1.2')
    >>> normalize_unit_code("X.XX.01")
    'x.xx.01'
    """
    s = clean_text(text)
    if _DOTTED.match(s):
        return ".".join(str(int(p)) for p in s.replace(" ", "").split("."))
    return s.casefold()
