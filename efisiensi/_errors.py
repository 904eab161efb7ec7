"""The one exception type users catch, and the findings record.

Findings are data, not exceptions: a loader or an audit step that meets a row it
cannot use records a :class:`Finding` and goes on. :class:`LoadError` is raised
only when a whole input cannot be used at all (missing file, not a spreadsheet,
no amount column ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class EfisiensiError(Exception):
    """Root of every error raised on purpose by efisiensi."""


class LoadError(EfisiensiError, ValueError):
    """An input that cannot be read at all.

    Carries the file, sheet and row (when known) and a message a budget officer
    understands. ``str(err)`` is one line: ``"<file> [sheet <s>, baris <r>]: <message>"``.

    >>> str(LoadError("kolom anggaran tidak ditemukan", file="dpa.xlsx", sheet="Sheet1"))
    'dpa.xlsx [sheet Sheet1]: kolom anggaran tidak ditemukan'
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.sheet = sheet
        self.row = row
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.sheet is not None:
            where.append(f"sheet {self.sheet}")
        if self.row is not None:
            where.append(f"baris {self.row}")
        loc = f" [{', '.join(where)}]" if where else ""
        head = f"{self.file}{loc}: " if self.file else (f"{loc.strip()}: " if loc else "")
        return f"{head}{self.message}"


@dataclass(frozen=True)
class Finding:
    """One thing noticed in the data, keyed to where it was seen.

    ``code`` is stable (scripts and reports rely on it); ``message`` is for people.
    """

    code: str
    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    severity: str = "warning"
    detail: dict[str, Any] = field(default_factory=dict)

    def as_record(self) -> dict[str, Any]:
        # what asdict() gives, without its recursive deep copy (a hot path: one per finding)
        return {"code": self.code, "message": self.message, "file": self.file, "sheet": self.sheet,
                "row": self.row, "severity": self.severity, "detail": dict(self.detail)}


#: Stable finding codes, with what they mean. Never rename one.
FINDING_CODES: dict[str, str] = {
    "unreadable_amount": "an amount cell is not a number; the row is kept in findings, not in the table",
    "ambiguous_amount": "a number whose format is ambiguous: read with a warning where one reading is "
                        "evident (770.322.000.00), else not counted, with its candidate readings "
                        "('3.000 000', '1,234' in an id column, finer than the sen)",
    "malformed_code": "an account code that is not a code of any known chart",
    "subtotal_mismatch": "a subtotal row stated in the source differs from the sum of its lines",
    "total_mismatch": "a total row stated in the source differs from the sum of the line items",
    "sheet_skipped": "a sheet with no recognisable budget table",
    "no_line_items": "a table was recognised but held no line item",
    "row_arithmetic": "a row whose own columns do not add up (e.g. pagu + tambah - kurang != hasil)",
    "duplicate_column": "a header names the same column twice; the first is used",
    "not_line_items": "a summary table (no codes or line items); read for totals only",
    "hidden_content": "hidden sheets or rows were read",
    "formula_without_value": "a formula cell has no stored result (file written without calculating); "
                             "it is not read as 0",
    "duplicate_row": "a line printed again with the same code, context, name and amount; counted once "
                     "(detail: both rows)",
    "skipped_amount": "a row with money on it that is neither a line item nor a checked subtotal or "
                      "total: not counted, and said",
    "duplicate_source": "the same content twice in a stage (same SHA-256, or the same sheet content in two "
                        "files or sheets); counted once",
    "stages_identical": "two consecutive stages hold identical content ('revisi sama dengan baseline')",
    "stage_order": "the stages the file names say contradict the order given (murni passed as revised)",
    "stage_mixed": "files named for different stages were given as one stage",
    "stage_years_differ": "baseline and revised are of different budget years (a year-over-year comparison)",
    "multi_year": "several budget years added into one stage, as asked (multi_year=True)",
    "other_year_skipped": "files or rows of another year than tahun= were left out",
    "cut_reversed": "a target met at the judged stage is no longer met at a later stage (potongan dibatalkan)",
    "realisasi_from_months": "a realisasi-to-date cell is empty where the line's monthly realisasi cells hold "
                             "amounts: the line's realisasi is their sum, said",
    "repeated_row": "a summary row written twice in a row (kelompok and jenis of the same name); read once",
    "ambiguous_amount_column": "two columns could be the amount and nothing in the file decides; "
                               "the one taken is named with the columns= fix",
    "balance_row": "a surplus/deficit or net financing row: a difference, not spending; not counted",
    "file_note": "something noticed about the file as a whole (its encoding, a repaired record ...)",
    "file_unreadable": "a file of a folder could not be read at all; the others are (errors='skip')",
    "merged_text_line": "a row with money but no text (its text cells merged with the row above) that "
                        "closes nothing: counted as a line",
    "not_spending": "revenue (4.*) and financing (6.*) rows kept out of the belanja table",
    "outside_hierarchy": "coded rows outside the table's code hierarchy, with no match inside it: "
                         "counted, and said",
    "reconciliation_mismatch": "a stage's total read differs from its categorized lines",
    "repeated_header": "repeated column-header rows or column-number rows (1 2 3 ...) skipped",
    "repeated_sheet": "a sheet repeating another sheet's lines (or its per-SKPD sums) is not counted again",
    "skpd_missing_in_stage": "an SKPD present in one stage and not in the other (a 100 % cut there is no "
                             "proof of efficiency)",
    "group_total_mismatch": "a column repeated per group (sub kegiatan, SKPD) differs from the group's sum",
    "months_mismatch": "monthly columns that do not add up to the amount of their row",
    "repeated_block_mismatch": "a block that should repeat other blocks' lines does not add up to them",
    "too_many_fields": "a CSV record has a field beyond its header's last column (an unquoted "
                       "1,234,567.00 in a comma CSV breaks the columns)",
}
