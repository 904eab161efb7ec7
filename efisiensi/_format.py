"""Formatting for people, one implementation used everywhere: numbers, rupiah, percentages
in Indonesian (``1.234.567,89``, ``-16,6 %``) or English (``1,234,567.89``, ``-16.6 %``)
style; text made safe for a terminal; small text tables."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def number(value: Decimal | int | float | None, lang: str = "id", decimals: int | None = None) -> str:
    """A number with the language's separators; ``decimals=None`` keeps what an exact value has
    (whole numbers without decimals, otherwise two), an int gives that many decimals.

    >>> number(Decimal("1234567.891"), decimals=2), number(1.0, decimals=3), number(1234, "en")
    ('1.234.567,89', '1,000', '1,234')
    """
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    d = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if decimals is None:
        text = f"{d:,.0f}" if d == d.to_integral_value() else f"{d:,.2f}"
    else:
        text = f"{d.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP):,.{decimals}f}"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def rupiah(value: Decimal | int | None, lang: str = "id") -> str:
    """Format an amount exactly: Indonesian ``1.234.567,89`` or English ``1,234,567.89``.

    Whole rupiah are written without sen.

    >>> rupiah(Decimal("1010280766001.33"))
    '1.010.280.766.001,33'
    >>> rupiah(Decimal("-44839327876.00"), lang="en")
    '-44,839,327,876'
    >>> rupiah(None)
    '-'
    """
    return number(value, lang)


def percent(value: Decimal | float | None, lang: str = "id", decimals: int = 1, sign: bool = True) -> str:
    """A percentage: ``-16,6 %`` (id) or ``-16.6 %`` (en); ``sign`` writes ``+`` for increases.

    >>> percent(-16.6), percent(7.05, "en"), percent(50, sign=False), percent(None)
    ('-16,6 %', '+7.1 %', '50 %', '-')
    """
    if value is None or value != value:
        return "-"
    d = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not sign and d == d.to_integral_value():
        text = number(d, lang, 0)
    else:
        text = number(d, lang, decimals)
        if sign and d > 0:
            text = "+" + text
    return f"{text} %"


def safe(text: object) -> str:
    """Text from a file or a file name, fit for one terminal line: control characters (ESC,
    BEL, newline ...) are shown escaped, never sent raw.

    >>> safe("a\\x1b[31mb\\nc")
    'a\\\\x1b[31mb\\\\nc'
    """
    s = str(text)
    if not _CONTROL.search(s):
        return s
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), s)


def table(rows: list[list[str]], header: list[str], align: str | None = None) -> str:
    """A plain text table; ``align`` is a string of 'l'/'r' per column. Cells are made
    :func:`safe`, so a cell can neither break a line nor drive the terminal.

    >>> print(table([["a", "1"]], ["x", "y"], "lr"))
    x  y
    -  -
    a  1
    """
    rows = [[safe(c) for c in r] for r in rows]
    header = [safe(c) for c in header]
    widths = [max(len(c) for c in col) for col in zip(header, *rows, strict=False)]
    align = align or "l" * len(header)

    def fmt(row: list[str]) -> str:
        cells = [c.rjust(w) if a == "r" else c.ljust(w) for c, w, a in zip(row, widths, align, strict=False)]
        return "  ".join(cells).rstrip()

    lines = [fmt(header), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows]
    return "\n".join(lines)
