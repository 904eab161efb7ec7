"""The grid a reader sees (:class:`Sheet`) and the safety limits of reading (:data:`LIMITS`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields

from .._errors import Finding

#: Refuse xlsx parts that inflate beyond this many bytes (zip-bomb guard).
MAX_INFLATED_BYTES = 2 * 1024**3
#: Refuse sheets with more rows than this.
MAX_ROWS = 5_000_000
#: Refuse a CSV field longer than this many characters (Excel itself stops at 32,767).
MAX_CELL_CHARS = 1_000_000
#: Refuse a CSV/TXT file larger than this many bytes.
MAX_TEXT_BYTES = 1024**3
#: Refuse a workbook archive with more parts than this.
MAX_ZIP_ENTRIES = 20_000

_ENV = "EFISIENSI_"


@dataclass
class Limits:
    """Safety limits of the readers; change them on :data:`LIMITS` or with environment
    variables ``EFISIENSI_MAX_INFLATED_BYTES``, ``EFISIENSI_MAX_ROWS``,
    ``EFISIENSI_MAX_CELL_CHARS``, ``EFISIENSI_MAX_TEXT_BYTES`` (read at import).

    >>> Limits.from_env({"EFISIENSI_MAX_ROWS": "10"}).max_rows
    10
    """

    max_inflated_bytes: int = MAX_INFLATED_BYTES
    max_rows: int = MAX_ROWS
    max_cell_chars: int = MAX_CELL_CHARS
    max_text_bytes: int = MAX_TEXT_BYTES

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        env = os.environ if environ is None else environ
        out = cls()
        for f in fields(cls):
            raw = env.get(_ENV + f.name.upper())
            if raw:
                try:
                    setattr(out, f.name, int(raw.replace("_", "")))
                except ValueError:
                    pass  # a bad value keeps the default rather than breaking every load
        return out


#: The limits in force; ``efisiensi.read.grid.LIMITS.max_rows = 10_000_000`` raises one.
LIMITS = Limits.from_env()

_RAISE_HINT = "naikkan dengan {env} atau efisiensi.read.grid.LIMITS.{attr}"


def raise_hint(attr: str) -> str:
    return _RAISE_HINT.format(env=_ENV + attr.upper(), attr=attr)


@dataclass
class Sheet:
    """One sheet (or one CSV file) as rows of raw cells.

    ``row_numbers[i]`` is the 1-based row of ``rows[i]`` as the user sees it in
    Excel (for CSV: the record number, header included). ``hidden_rows`` are the
    Excel row numbers marked hidden; ``findings`` are row-level things noticed in
    the file itself (hidden rows, formulas without a stored value).
    """

    file: str
    name: str
    rows: list[list[object]]
    row_numbers: list[int]
    hidden: bool = False
    notes: list[str] = field(default_factory=list)
    hidden_rows: list[int] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)
