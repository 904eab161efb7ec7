"""Check records: what a reader verified against the file's own arithmetic.

Readers put one record per check made (held or not) in ``ReadResult.meta["checks"]``;
the loader turns them into a verdict per file and sheet. A failed check is also a
:class:`~efisiensi._errors.Finding`, as before.

>>> from decimal import Decimal
>>> check("total_row", "Rincian", 12, Decimal("5.00"), Decimal("5.00"), "JUMLAH")["held"]
True
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

#: the codes a check record may carry
CHECK_CODES = ("hierarchy_subtotal", "total_row", "row_arithmetic", "stated_total", "repeated_block")


def check(code: str, sheet: str | None, row: int | None, expected: Decimal | None,
          found: Decimal | None, message: str, *, held: bool | None = None) -> dict[str, Any]:
    """One check record; ``held`` defaults to ``expected == found``.

    ``expected`` is what the file states (the subtotal, the JUMLAH, the Jumlah of a
    row), ``found`` what the lines read add up to; amounts become decimal strings.
    """
    if code not in CHECK_CODES:
        raise ValueError(f"unknown check code {code!r}")
    return {"check": code, "sheet": sheet or None, "row": row,
            "held": bool(expected == found) if held is None else held,
            "expected": None if expected is None else str(expected),
            "found": None if found is None else str(found), "message": message}
