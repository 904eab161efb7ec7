"""Parse rupiah amounts written in every format seen in real APBD files.

The format is decided **per column**, not per cell: ``1.234`` is one thousand two
hundred thirty-four in an Indonesian column and one point two three four in a US one.
:func:`detect_style` looks at a whole column, :func:`parse_amount` reads one cell
with that style, and :func:`parse_column` does both and reports what it could not read.

>>> parse_amount("Rp. 15.000.000,-")
Decimal('15000000.00')
>>> parse_amount("(1.234,00)")
Decimal('-1234.00')
>>> parse_amount("1,965,699,630")
Decimal('1965699630.00')
>>> parse_amount("2.402,58 M")
Decimal('2402580000000.00')
>>> parse_amount(24597416.009999998)
Decimal('24597416.01')
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

SEN = Decimal("0.01")
#: Largest amount accepted (10^18 rupiah): beyond it a cell is not a budget line.
MAX_ABS = Decimal(10) ** 18 - 1

ID, US, PLAIN = "id", "us", "plain"

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")
_CURRENCY = re.compile(r"^(?:rp\.?|idr)", re.IGNORECASE)
_UNITS = {"m": Decimal(10) ** 9, "t": Decimal(10) ** 12, "jt": Decimal(10) ** 6, "juta": Decimal(10) ** 6}
_UNIT_RE = re.compile(r"(?i)(miliar|milyar|juta|jt|m|t)$")
_UNIT_WORDS = {"miliar": "m", "milyar": "m"}

_ID_FULL = re.compile(r"^(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")
_US_FULL = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_DOTS_ONLY_AMBIG = re.compile(r"^\d{1,3}(?:\.\d{3})+\.\d{2}$")  # 770.322.000.00


class AmountError(ValueError):
    """A cell that is not an amount in the column's format."""


@dataclass(frozen=True)
class ParsedColumn:
    """Result of :func:`parse_column`: values plus what could not be read."""

    values: list[Decimal | None]
    style: str
    errors: dict[int, str]  # position -> reason
    ambiguous: dict[int, str]  # position -> original text


def _clean(text: str) -> tuple[str, bool, Decimal]:
    """Strip currency, spaces, sign markers and unit suffix; return (core, negative, multiplier)."""
    s = _SPACES.sub("", text).replace("^", ",")
    s = _CURRENCY.sub("", s)
    if s.endswith(",-") or s.endswith(".-"):
        s = s[:-2]
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s.startswith("-") or s.startswith("\u2212"):
        negative, s = not negative, s[1:]
    elif s.startswith("+"):
        s = s[1:]
    if s.endswith("-") and not negative and len(s) > 1:  # accounting "1.234-"
        negative, s = True, s[:-1]
    mult = Decimal(1)
    m = _UNIT_RE.search(s)
    if m and len(s) > len(m.group(1)) and s[: -len(m.group(1))][-1:].isdigit():
        unit = m.group(1).lower()
        mult = _UNITS[_UNIT_WORDS.get(unit, unit)]
        s = s[: -len(m.group(1))]
    s = _CURRENCY.sub("", s)
    return s, negative, mult


def _evidence(core: str) -> str | None:
    """Which style a single cleaned cell proves, if any."""
    if "." in core and "," in core:
        return ID if core.rfind(",") > core.rfind(".") else US
    if core.count(".") > 1:
        return ID
    if core.count(",") > 1:
        return US
    if "." in core:
        return ID if len(core.split(".")[1]) == 3 else PLAIN
    if "," in core:
        return US if len(core.split(",")[1]) == 3 else ID
    return None


def detect_style(cells: Iterable[object]) -> str:
    """Decide the number style of a column from all its text cells.

    >>> detect_style(["1.234.567", "0", "12.500,50"])
    'id'
    >>> detect_style(["1,965,699,630", "0"])
    'us'
    >>> detect_style(["116600000.00", "1700000000"])
    'plain'
    """
    votes = {ID: 0, US: 0, PLAIN: 0}
    # each distinct text is looked at once and votes as often as it occurs
    for cell, n in Counter(c for c in cells if isinstance(c, str)).items():
        ev = _evidence(_clean(cell)[0])
        if ev:
            votes[ev] += n
    if votes[ID] > max(votes[US], votes[PLAIN]):
        return ID
    if votes[US] >= votes[PLAIN] and votes[US] > 0:
        return US
    return PLAIN


def _to_decimal(core: str, style: str) -> Decimal:
    if style == ID:
        if _DOTS_ONLY_AMBIG.match(core):  # 770.322.000.00: the last dot was meant as a comma
            core = core[:-3] + "," + core[-2:]
        if not _ID_FULL.match(core):
            raise AmountError(f"bukan angka format Indonesia: {core!r}")
        core = core.replace(".", "").replace(",", ".")
    else:
        if not _US_FULL.match(core):
            raise AmountError(f"bukan angka: {core!r}")
        core = core.replace(",", "")
    return Decimal(core)


def _quantize(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise AmountError("bukan angka berhingga")
    if value.adjusted() >= 18:  # beyond MAX_ABS, and beyond what quantize can hold
        raise AmountError(f"nilai terlalu besar: {value:.3e}")
    q = value.quantize(SEN, rounding=ROUND_HALF_UP)
    if abs(q) > MAX_ABS:
        raise AmountError(f"nilai terlalu besar: {value}")
    return q


def parse_amount(cell: object, style: str | None = None) -> Decimal | None:
    """Read one amount cell as rupiah exact to the sen; ``None`` for an empty cell.

    Numeric cells (int/float from a spreadsheet) are rounded to the sen, which
    removes binary-float noise. Text is read in ``style`` (``"id"``, ``"us"`` or
    ``"plain"``); without a style the cell's own evidence decides.
    Raises :class:`AmountError` for a cell that is not an amount.

    >>> parse_amount("545.000.000^00", "id")
    Decimal('545000000.00')
    >>> parse_amount("  ")
    >>> parse_amount("1.234", "id"), parse_amount("1.234", "plain")
    (Decimal('1234.00'), Decimal('1.23'))
    """
    if cell is None:
        return None
    if isinstance(cell, bool):
        raise AmountError("nilai logika, bukan angka")
    if isinstance(cell, int):
        return _quantize(Decimal(cell))
    if isinstance(cell, float):
        if math.isnan(cell) or math.isinf(cell):
            raise AmountError(f"sel angka berisi {cell!r}")
        return _quantize(Decimal(repr(cell)))
    if isinstance(cell, Decimal):
        return _quantize(cell)
    text = str(cell)
    if not text.strip() or text.strip() in {"-", "–"}:
        return None
    if text.strip().startswith("#"):
        raise AmountError(f"sel galat {text.strip()}")
    core, negative, mult = _clean(text)
    if not core:
        raise AmountError(f"bukan angka: {text.strip()!r}")
    use = style or _evidence(core) or PLAIN
    try:
        value = _to_decimal(core, use)
    except (AmountError, InvalidOperation):
        # a cell that is unambiguous by itself may still be read (e.g. "0,00" in a plain column)
        own = _evidence(core)
        if own is None or own == use:
            raise AmountError(f"bukan angka: {text.strip()!r}") from None
        try:
            value = _to_decimal(core, own)
        except (AmountError, InvalidOperation):
            raise AmountError(f"bukan angka: {text.strip()!r}") from None
    value = value * mult
    return _quantize(-value if negative else value)


def is_ambiguous(cell: object) -> bool:
    """True for text whose decimal mark cannot be told (``770.322.000.00``).

    >>> is_ambiguous("770.322.000.00"), is_ambiguous("770.322.000,00")
    (True, False)
    """
    return isinstance(cell, str) and bool(_DOTS_ONLY_AMBIG.match(_clean(cell)[0]))


def parse_column(cells: Sequence[object], style: str | None = None) -> ParsedColumn:
    """Parse a whole amount column; unreadable cells become ``None`` with a reason.

    Each distinct text is parsed once (real files repeat amounts heavily).

    >>> col = parse_column(["1.000,50", "#REF!", "", "2.000"])
    >>> col.style, col.values, sorted(col.errors)
    ('id', [Decimal('1000.50'), None, None, Decimal('2000.00')], [1])
    """
    style = style or detect_style(cells)
    cache: dict[object, Decimal | None | AmountError] = {}
    values: list[Decimal | None] = []
    errors: dict[int, str] = {}
    ambiguous: dict[int, str] = {}
    for i, cell in enumerate(cells):
        key = (type(cell), cell) if not isinstance(cell, float) or not math.isnan(cell) else ("nan",)
        try:
            hit = cache[key]
        except (KeyError, TypeError):
            try:
                hit = parse_amount(cell, style)
            except AmountError as err:
                hit = err
            except Exception as err:  # noqa: BLE001 - any odd cell is a finding, never a crash
                hit = AmountError(f"bukan angka: {err}")
            try:
                cache[key] = hit
            except TypeError:
                pass
        if isinstance(hit, AmountError):
            values.append(None)
            errors[i] = str(hit)
        else:
            values.append(hit)
            if style == ID and is_ambiguous(cell):
                ambiguous[i] = str(cell)
    return ParsedColumn(values, style, errors, ambiguous)
