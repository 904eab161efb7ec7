"""Formatting for people: rupiah in Indonesian or English style, small text tables."""

from __future__ import annotations

from decimal import Decimal


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
    if value is None:
        return "-"
    d = Decimal(value)
    whole = d == d.to_integral_value()
    text = f"{d:,.0f}" if whole else f"{d:,.2f}"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def table(rows: list[list[str]], header: list[str], align: str | None = None) -> str:
    """A plain text table; ``align`` is a string of 'l'/'r' per column.

    >>> print(table([["a", "1"]], ["x", "y"], "lr"))
    x  y
    -  -
    a  1
    """
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
    align = align or "l" * len(header)

    def fmt(row: list[str]) -> str:
        cells = [str(c).rjust(w) if a == "r" else str(c).ljust(w) for c, w, a in zip(row, widths, align, strict=False)]
        return "  ".join(cells).rstrip()

    lines = [fmt(header), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows]
    return "\n".join(lines)
