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
from decimal import ROUND_HALF_UP, Decimal, DecimalException

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._errors import EfisiensiError

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
# digits separated by spaces ("1 234 567", "3.000 000", "1 500 00")
_DIGIT_SPACE = re.compile(r"(?<=\d)[\s\u00a0\u2007\u202f]+(?=\d)")
_FIRST_GROUP = re.compile(r"(?:^|[^\d.,])\d{1,3}$")
_LAST_GROUP = re.compile(r"^\d{3}(?:[.,]\d+)?(?:\D.*)?$")
# a text of digits, dots and commas only is its own clean core (see _clean)
_BARE = re.compile(r"[\d.,]+")
_ONE = Decimal(1)
# the plain forms most cells take, read without the general path (see _fast_cents); ASCII
# digits only, at most 15 of them before the decimal mark so that cents fit in int64
_FAST = {"id": re.compile(r"([0-9]{1,3}(?:\.[0-9]{3}){1,4}|[0-9]{1,15})(?:,([0-9]{1,2}))?"),
         "us": re.compile(r"([0-9]{1,3}(?:,[0-9]{3}){1,4}|[0-9]{1,15})(?:\.([0-9]{1,2}))?")}
_FAST["plain"] = _FAST["us"]


class AmountError(EfisiensiError, ValueError):
    """A cell that is not an amount in the column's format."""


class AmbiguousAmount(AmountError):
    """A cell that reads as more than one amount, or as an amount finer than the sen:
    it is not taken (never rounded or guessed); ``candidates`` are the readings."""

    def __init__(self, message: str, text: str, candidates: Sequence[Decimal]) -> None:
        super().__init__(message)
        self.text = text
        self.candidates = tuple(candidates)


class Reason(str):
    """Why a cell of :func:`parse_column` was not read; for an ambiguous cell, ``code`` is
    ``"ambiguous_amount"`` and ``candidates`` holds its readings."""

    code = "unreadable_amount"
    candidates: tuple[Decimal, ...] = ()

    @classmethod
    def of(cls, err: AmountError) -> Reason:
        out = cls(str(err))
        if isinstance(err, AmbiguousAmount):
            out.code, out.candidates = "ambiguous_amount", err.candidates
        return out


def amount_text(value: Decimal) -> str:
    """An exact reading in id-ID digits, every decimal kept (``1.234,567``).

    >>> amount_text(Decimal("1234.567")), amount_text(Decimal("-3000000"))
    ('1.234,567', '-3.000.000')
    """
    sign, (whole, _, frac) = ("-" if value < 0 else ""), f"{abs(value):f}".partition(".")
    frac = frac.rstrip("0")
    return sign + f"{int(whole):,}".replace(",", ".") + ("," + frac if frac else "")


def _ambiguous(text: str, readings: Iterable[Decimal], why: str) -> AmbiguousAmount:
    found = list(dict.fromkeys(r.normalize() if r == r.to_integral_value() else r for r in readings))
    shown = " atau ".join(amount_text(r) for r in found)
    return AmbiguousAmount(f"format angka {text!r} ambigu ({why}): bisa dibaca {shown}; tidak dihitung",
                           text, found)


@dataclass(frozen=True)
class ParsedColumn:
    """Result of :func:`parse_column`: values plus what could not be read."""

    values: list[Decimal | None]
    style: str
    errors: dict[int, str]  # position -> reason (a :class:`Reason`; ``.code`` says ambiguous)
    ambiguous: dict[int, str]  # position -> original text, read but with a format worth a look


def _clean(text: str) -> tuple[str, bool, Decimal]:
    """Strip currency, spaces, sign markers and unit suffix; return (core, negative, multiplier)."""
    if _BARE.fullmatch(text):  # nothing to strip: every step below leaves it as it is
        return text, False, _ONE
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
    return _style_of(votes)


def _style_of(votes: dict[str, int]) -> str:
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


def _quantize(value: Decimal, text: str | None = None) -> Decimal:
    """``value`` exact to the sen; finer than the sen is ambiguous (never rounded)."""
    if not value.is_finite():
        raise AmountError("bukan angka berhingga")
    if value.adjusted() >= 18:  # beyond MAX_ABS, and beyond what quantize can hold
        raise AmountError(f"nilai terlalu besar: {value:.3e}")
    q = value.quantize(SEN, rounding=ROUND_HALF_UP)
    if q != value:
        raise _ambiguous(text if text is not None else str(value), [value], "lebih teliti dari sen")
    if abs(q) > MAX_ABS:
        raise AmountError(f"nilai terlalu besar: {value}")
    return q


def _from_float(x: float) -> Decimal:
    """A spreadsheet number to the sen: binary-float noise (``24597416.009999998``) is
    removed, a real fraction of a sen (``1.005``) is ambiguous."""
    if math.isnan(x) or math.isinf(x):
        raise AmountError(f"sel angka berisi {x!r}")
    exact = Decimal(float.__repr__(x))
    if exact.adjusted() >= 18:
        raise AmountError(f"nilai terlalu besar: {exact:.3e}")
    q = exact.quantize(SEN, rounding=ROUND_HALF_UP)
    if q != exact and abs(x - float(q)) > 64 * math.ulp(x):
        raise _ambiguous(float.__repr__(x), [exact], "lebih teliti dari sen")
    return _quantize(q)


def _scalar(cell: object) -> object:
    """NumPy, pandas and pyarrow scalars as the Python value they hold."""
    module = type(cell).__module__.partition(".")[0]
    if module == "numpy" and hasattr(cell, "item"):
        return cell.item()
    if module == "pyarrow" and hasattr(cell, "as_py"):
        return cell.as_py()
    if module == "pandas" and type(cell).__name__ in ("NAType", "NaTType"):
        return None
    return cell


def _spaced(text: str, core: str, style: str) -> list[Decimal] | None:
    """Readings of a text whose digits are separated by spaces, when the spaces are not a
    consistent thousands grouping (``3.000 000``, ``1 500 00``); None when they are."""
    parts = _DIGIT_SPACE.split(text.strip())
    if len(parts) < 2:
        return None
    if (_FIRST_GROUP.search(parts[0]) and all(re.fullmatch(r"\d{3}", p) for p in parts[1:-1])
            and _LAST_GROUP.match(parts[-1])):
        return None  # "1 234 567", "Rp. 1 234 567,89": spaces group the thousands
    mark = "." if style == ID else ","
    readings = []
    for variant in (core, _clean(mark.join(parts))[0],
                    _clean(mark.join(parts[:-1]) + ("," if style == ID else ".") + parts[-1])[0]):
        for st in (style, _evidence(variant) or style):
            try:
                readings.append(_to_decimal(variant, st))
                break
            except (AmountError, DecimalException):
                continue
    return readings


def parse_amount(cell: object, style: str | None = None) -> Decimal | None:
    """Read one amount cell as rupiah exact to the sen; ``None`` for an empty cell.

    Numeric cells (int/float from a spreadsheet, and NumPy, pandas or pyarrow scalars) are
    read to the sen, which removes binary-float noise. Text is read in ``style`` (``"id"``, ``"us"`` or
    ``"plain"``); without a style the cell's own evidence decides.
    Raises :class:`AmountError` for a cell that is not an amount.

    >>> parse_amount("545.000.000^00", "id")
    Decimal('545000000.00')
    >>> parse_amount("  ")
    >>> parse_amount("1.234", "id"), parse_amount("1.234,5", "id")
    (Decimal('1234.00'), Decimal('1234.50'))

    Nothing is guessed: a reading finer than the sen, a ``1,234`` in an id column (1234 or
    1.234?) or digits spaced in odd groups raise :class:`AmbiguousAmount` with the readings.

    >>> parse_amount("1,234", "id")
    Traceback (most recent call last):
    efisiensi.read.numbers.AmbiguousAmount: format angka '1,234' ambigu (pemisah ribuan atau desimal?): bisa dibaca 1,234 atau 1.234; tidak dihitung
    """
    cell = _scalar(cell)
    if cell is None:
        return None
    if isinstance(cell, bool):
        raise AmountError("nilai logika, bukan angka")
    if isinstance(cell, int):
        if not -MAX_ABS <= cell <= MAX_ABS:
            raise AmountError(f"nilai terlalu besar: {len(str(abs(cell)))} digit")
        return _quantize(Decimal(cell))
    if isinstance(cell, float):
        return _from_float(float(cell))
    if isinstance(cell, Decimal):
        return _quantize(cell)
    if not isinstance(cell, str):
        raise AmountError(f"bukan angka: {type(cell).__name__}")
    text = cell
    if not text.strip() or text.strip() in {"-", "–"}:
        return None
    if text.strip().startswith("#"):
        raise AmountError(f"sel galat {text.strip()}")
    core, negative, mult = _clean(text)
    if not core:
        raise AmountError(f"bukan angka: {text.strip()!r}")
    use = style or _evidence(core) or PLAIN
    shown = text.strip()
    if (readings := _spaced(text, core, use)) is not None and len(set(readings)) > 1:
        # one reading only ("17 580000.00"): read, and said by parse_column as ambiguous
        sign = -1 if negative else 1
        raise _ambiguous(shown, [sign * r * mult for r in readings], "angka dipisah spasi tak beraturan")
    try:
        value = _to_decimal(core, use)
    except (AmountError, DecimalException):
        # a cell that is unambiguous by itself may still be read (e.g. "0,00" in a plain column)
        own = _evidence(core)
        if own is None or own == use:
            raise AmountError(f"bukan angka: {shown!r}") from None
        try:
            value = _to_decimal(core, own)
        except (AmountError, DecimalException):
            raise AmountError(f"bukan angka: {shown!r}") from None
    value = value * mult
    value = -value if negative else value
    if value.is_finite() and value.adjusted() < 18 and value != value.quantize(SEN, rounding=ROUND_HALF_UP):
        readings = [value]
        other = US if use == ID else ID if use in (US, PLAIN) else None
        frac = core.rpartition("," if use == ID else ".")[2]
        if other and len(frac) == 3 and frac.isdigit():  # "1,234" in an id column: 1234 or 1.234?
            try:
                alt = _to_decimal(core, other) * mult
                readings.append(-alt if negative else alt)
            except (AmountError, DecimalException):
                pass
        why = "pemisah ribuan atau desimal?" if len(readings) > 1 else "lebih teliti dari sen"
        raise _ambiguous(shown, readings, why)
    return _quantize(value, shown)


def is_ambiguous(cell: object, style: str | None = ID) -> bool:
    """True for text read with one evident reading but a format worth a look: a decimal
    mark that cannot be told in an id column (``770.322.000.00``), digits spaced in odd
    groups that still read one way only (``17 580000.00``).

    >>> is_ambiguous("770.322.000.00"), is_ambiguous("770.322.000,00"), is_ambiguous("17 580000.00")
    (True, False, True)
    """
    if not isinstance(cell, str):
        return False
    core = _clean(cell)[0]
    if style == ID and _DOTS_ONLY_AMBIG.match(core):
        return True
    return _spaced(cell, core, style or _evidence(core) or PLAIN) is not None


def _fast_cents(texts: list[str], style: str) -> tuple[np.ndarray, np.ndarray]:
    """Which texts are plain (``1.234.567``, ``2.500,5`` in an id column; ``1,234.50``,
    ``700`` in a us/plain one) and their cents, read in Arrow; every other text takes the
    general path.

    What :func:`parse_amount` returns for these, without an error or an ambiguity: no sign,
    currency, unit or space, at most two decimals, far below :data:`MAX_ABS`.
    """
    pattern = _FAST.get(style)
    none = np.zeros(len(texts), dtype=bool), np.zeros(len(texts), dtype=np.int64)
    if pattern is None or not texts:
        return none
    try:
        arr = pa.array(texts, type=pa.string())
    except (pa.ArrowException, UnicodeError):  # e.g. a lone surrogate: the general path reads it
        return none
    hit = pc.match_substring_regex(arr, "^(?:" + pattern.pattern + ")$")
    plain = arr.filter(hit)
    thousands, mark = (".", ",") if style == ID else (",", ".")
    plain = pc.replace_substring(plain, thousands, "")
    if mark != ".":
        plain = pc.replace_substring(plain, mark, ".")
    dec = pc.cast(plain, pa.decimal128(17, 2))  # exact: at most 15 + 2 digits
    words = np.frombuffer(dec.buffers()[1], dtype="<i8").reshape(-1, 2)[dec.offset: dec.offset + len(dec), 0]
    ok = hit.to_numpy(zero_copy_only=False)
    cents = np.zeros(len(texts), dtype=np.int64)
    cents[ok] = words
    return ok, cents


@dataclass(frozen=True)
class Distinct:
    """A column parsed once per distinct cell (what :func:`parse_column` and
    :func:`efisiensi.read.cells.money_column` share).

    ``codes[i]`` is the distinct cell of cell ``i``. Per distinct cell: ``cents`` where
    ``valid`` (the reading fits int64 cents), ``exact`` the Decimal of every reading made by
    :func:`parse_amount` (``valid`` or not), ``reasons`` why a cell is unreadable and
    ``flagged`` the cells read with a format worth a look (``texts`` holds their ``str``).
    """

    style: str
    codes: np.ndarray
    cents: np.ndarray
    valid: np.ndarray
    exact: dict[int, Decimal]
    reasons: dict[int, Reason]
    flagged: np.ndarray
    texts: dict[int, str]

    def values(self) -> list[Decimal | None]:
        """The reading of each distinct cell (None: empty or unreadable)."""
        out: list[Decimal | None] = [None] * len(self.valid)
        for k, c in zip(np.flatnonzero(self.valid).tolist(), self.cents[self.valid].tolist(), strict=True):
            out[k] = Decimal(c).scaleb(-2)
        for k, v in self.exact.items():
            out[k] = v
        return out

    def errors(self) -> dict[int, Reason]:
        """Position -> reason of every unreadable cell, in row order."""
        return self._rows(self.reasons)

    def ambiguous(self) -> dict[int, str]:
        """Position -> original text of every cell read with a format worth a look."""
        return self._rows(self.texts)

    def _rows(self, by_distinct: dict[int, str]) -> dict[int, str]:
        if not by_distinct:
            return {}
        mark = np.zeros(len(self.valid), dtype=bool)
        mark[list(by_distinct)] = True
        rows = np.flatnonzero(mark[self.codes])
        return dict(zip(rows.tolist(), map(by_distinct.__getitem__, self.codes[rows].tolist()), strict=True))


def _read_one(cell: object, style: str) -> tuple[Decimal | None, Reason | None, bool]:
    """One distinct cell by the general path: (value, reason it is unreadable, flagged)."""
    try:
        value = parse_amount(cell, style)
    except AmountError as err:
        return None, Reason.of(err), False
    except Exception as err:  # noqa: BLE001 - any odd cell is a finding, never a crash
        return None, Reason.of(AmountError(f"bukan angka: {type(err).__name__}")), False
    return value, None, is_ambiguous(cell, style)


def _factorize(cells: Sequence[object]) -> tuple[np.ndarray, list[object]]:
    """Codes and distinct cells, cells equal only when of the same type (``1``, ``1.0`` and
    ``True`` stay apart; every NaN is one cell)."""
    n = len(cells)
    types = set(map(type, cells))
    if types <= {str, type(None)}:
        arr = np.empty(n, dtype=object)
        arr[:] = cells
        codes, uniques = pd.factorize(arr, use_na_sentinel=True)
        distinct: list[object] = uniques.tolist()
        if type(None) in types:
            codes = np.where(codes < 0, len(distinct), codes)
            distinct.append(None)
        return codes.astype(np.int64, copy=False), distinct
    index: dict[object, int] = {}
    distinct = []
    out = np.empty(n, dtype=np.int64)
    for i, cell in enumerate(cells):
        key = (type(cell), cell) if not isinstance(cell, float) or not math.isnan(cell) else ("nan",)
        try:
            k = index.get(key)
        except TypeError:  # unhashable: a distinct cell of its own
            k, key = None, None
        if k is None:
            k = len(distinct)
            distinct.append(cell)
            if key is not None:
                index[key] = k
        out[i] = k
    return out, distinct


def parse_distinct(cells: Sequence[object], style: str | None = None) -> Distinct:
    """Parse a column once per distinct cell: the work of :func:`parse_column`, with the
    per-cell results left as codes into the distinct readings.

    The style is decided on the whole column as :func:`detect_style` does (each distinct
    text votes as often as it occurs). Plain texts are read by :func:`_fast_cents`, every
    other cell by :func:`parse_amount`; both give the same reading (tests/test_numbers_ab.py).
    """
    codes, distinct = _factorize(cells)
    if style is None:
        counts = np.bincount(codes, minlength=len(distinct)).tolist()
        votes = {ID: 0, US: 0, PLAIN: 0}
        for cell, k in zip(distinct, counts, strict=True):
            if isinstance(cell, str) and (ev := _evidence(_clean(cell)[0])):
                votes[ev] += k
        style = _style_of(votes)
    m = len(distinct)
    strs = [k for k, c in enumerate(distinct) if type(c) is str]
    hit, fast = _fast_cents([distinct[k] for k in strs], style)
    cents = np.zeros(m, dtype=np.int64)
    valid = np.zeros(m, dtype=bool)
    idx = np.array(strs, dtype=np.int64)[hit]
    cents[idx], valid[idx] = fast[hit], True
    exact: dict[int, Decimal] = {}
    reasons: dict[int, Reason] = {}
    flagged = np.zeros(m, dtype=bool)
    texts: dict[int, str] = {}
    for k in np.flatnonzero(~valid).tolist():
        cell = distinct[k]
        value, why, odd = _read_one(cell, style)
        if why is not None:
            reasons[k] = why
        elif value is not None:
            exact[k] = value
            c = int(value.scaleb(2))
            if -(2**63) < c < 2**63:
                cents[k], valid[k] = c, True
            if odd:
                flagged[k], texts[k] = True, str(cell)
    return Distinct(style, codes, cents, valid, exact, reasons, flagged, texts)


def parse_column(cells: Sequence[object], style: str | None = None) -> ParsedColumn:
    """Parse a whole amount column; unreadable cells become ``None`` with a reason.

    Each distinct cell is parsed once (real files repeat amounts heavily).

    >>> col = parse_column(["1.000,50", "#REF!", "", "2.000"])
    >>> col.style, col.values, sorted(col.errors)
    ('id', [Decimal('1000.50'), None, None, Decimal('2000.00')], [1])
    """
    d = parse_distinct(cells, style)
    values = list(map(d.values().__getitem__, d.codes.tolist()))
    return ParsedColumn(values, d.style, d.errors(), d.ambiguous())
