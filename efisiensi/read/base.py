"""The reader registry: one reader per layout, chosen by sniffing each sheet.

A reader is a small object with a ``name``, a ``sniff(sheet, options) -> float`` confidence in
[0, 1] and a ``read(sheet, options) -> ReadResult``. Users can add their own with
:func:`register_reader`. The loader asks every reader to sniff a sheet and uses the
most confident one (ties go to the earlier registered).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from .._errors import Finding
from .grid import Sheet


@dataclass
class ReadOptions:
    """Options every reader honours."""

    #: user column mapping: source header (case-insensitive) -> canonical column
    columns: dict[str, str] = field(default_factory=dict)
    #: multiply every amount by this (e.g. 1000 for "dalam ribuan rupiah")
    unit: int | None = None
    #: force the account chart ("90/2019" or "13/2006")
    chart: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReadResult:
    """What a reader returns for one sheet.

    ``frame`` holds any subset of the canonical columns (see ``efisiensi._schema``),
    at least ``sumber_baris`` and ``anggaran``; the loader fills provenance and
    conforms the dtypes. ``findings`` are things noticed (unreadable rows, subtotal
    mismatches ...). ``meta`` carries what the reader wants the loader to know (the
    ``layout`` name, totals the source states ...).
    """

    frame: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


class Reader(Protocol):
    name: str

    def sniff(self, sheet: Sheet, options: ReadOptions | None = None) -> float: ...

    def read(self, sheet: Sheet, options: ReadOptions) -> ReadResult: ...


_READERS: list[Reader] = []


def register_reader(reader: Reader, *, first: bool = False) -> Reader:
    """Add a reader for a new layout (``first=True`` to be tried before the built-ins)."""
    if first:
        _READERS.insert(0, reader)
    else:
        _READERS.append(reader)
    return reader


def readers() -> list[Reader]:
    return list(_READERS)


def choose_reader(sheet: Sheet, options: ReadOptions | None = None) -> tuple[Reader | None, float]:
    """The most confident reader for a sheet, with its confidence."""
    best, score = None, 0.0
    for r in _READERS:
        s = r.sniff(sheet, options)
        if s > score:
            best, score = r, s
    return best, score
