"""The grid a reader sees (:class:`Sheet`) and the safety limits of reading (:data:`LIMITS`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace

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
#: Refuse a workbook with more shared strings than this (each one is held in memory).
MAX_SHARED_STRINGS = 10_000_000
#: Refuse a workbook whose shared-strings part inflates beyond this many bytes.
MAX_SHARED_STRINGS_BYTES = 512 * 1024**2
#: Refuse a file that makes more cells than this (the sheets' rectangles as read, or CSV fields).
MAX_CELLS = 50_000_000
#: Refuse a CSV record with more fields than this (Excel itself stops at 16,384 columns).
MAX_FIELDS = 16_384
#: Refuse a CSV record (one line, or one quoted multi-line record) longer than this.
MAX_LINE_CHARS = 10_000_000

_ENV = "EFISIENSI_"


@dataclass
class Limits:
    """Safety limits of the readers: a budget for what one file may make in memory.

    Change them on :data:`LIMITS`, per call with ``load(..., limits={...})``, or with
    environment variables ``EFISIENSI_<NAME>`` (``EFISIENSI_MAX_CELLS`` ...; read at import).
    Each is checked while inflating or parsing, before the memory is spent.

    >>> Limits.from_env({"EFISIENSI_MAX_ROWS": "10"}).max_rows
    10
    """

    max_inflated_bytes: int = MAX_INFLATED_BYTES
    max_rows: int = MAX_ROWS
    max_cell_chars: int = MAX_CELL_CHARS
    max_text_bytes: int = MAX_TEXT_BYTES
    max_shared_strings: int = MAX_SHARED_STRINGS
    max_shared_strings_bytes: int = MAX_SHARED_STRINGS_BYTES
    max_cells: int = MAX_CELLS
    max_fields: int = MAX_FIELDS
    max_line_chars: int = MAX_LINE_CHARS

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


    def with_overrides(self, overrides: dict[str, int]) -> Limits:
        """A copy with some limits replaced (``max_inflated`` is an alias of
        ``max_inflated_bytes``); an unknown name raises ``TypeError``."""
        overrides = dict(overrides)
        if "max_inflated" in overrides:
            overrides["max_inflated_bytes"] = overrides.pop("max_inflated")
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise TypeError(f"unknown limit(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


#: The limits in force; ``efisiensi.read.grid.LIMITS.max_rows = 10_000_000`` raises one.
LIMITS = Limits.from_env()

_RAISE_HINT = "naikkan dengan {env} atau load(..., limits={{'{attr}': ...}})"


def raise_hint(attr: str) -> str:
    """How to raise a limit, for the end of a one-line message."""
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
