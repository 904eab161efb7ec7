"""The ordered runner: file-level checks, verdicts per sheet and file, findings for failures.

Readers record the checks they could make while reading (``ReadResult.meta["checks"]``,
with ``meta["lines_covered"]`` when not every line is covered by them). The runner adds
the checks across sheets (:mod:`.repeated`), derives the verdicts and turns every failed
check that no reader reported yet into a finding with its file, sheet and row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from time import perf_counter

import pandas as pd

from .._errors import Finding
from .._format import rupiah
from . import repeated
from .records import label, sheet_verdict, worst

_FINDING_CODE = {"hierarchy_subtotal": "subtotal_mismatch", "total_row": "total_mismatch",
                 "stated_total": "total_mismatch", "group_total": "group_total_mismatch",
                 "months_total": "months_mismatch", "repeated_block": "repeated_block_mismatch",
                 "row_arithmetic": "row_arithmetic", "repeated_sheet": "repeated_sheet"}


#: seconds spent in the checks in this process (read by ``make bench``; never part of a result,
#: which must not depend on timing)
SPENT = {"seconds": 0.0}


@dataclass
class SheetReading:
    """One sheet as read: its lines (conformed) and what the reader said about them."""

    name: str
    frame: pd.DataFrame
    meta: dict = field(default_factory=dict)


def run(file: str, sheets: list[SheetReading], findings: list[Finding]) -> tuple[list[SheetReading], dict,
                                                                                  list[Finding]]:
    """Sheets to count, the verification of the file, and new findings."""
    out_findings: list[Finding] = []
    t0 = perf_counter()
    drop, file_records = repeated.repeated_sheets([(s.name, s.frame) for s in sheets])
    for rec in file_records:
        out_findings.append(Finding("repeated_sheet", rec["message"], file, rec["sheet"], severity="info"))
    reported = {(f.sheet, f.row) for f in findings if f.row is not None and f.severity in ("error", "warning")}
    summaries, all_checks = [], []
    for k, s in enumerate(sheets):
        checks = [dict(c, sheet=c.get("sheet") if c.get("sheet") is not None else s.name)
                  for c in s.meta.get("checks", [])]
        if k in drop:
            checks += [r for r in file_records if r["sheet"] == s.name]
        lines = 0 if k in drop else len(s.frame)
        covered = s.meta.get("lines_covered")
        if s.meta.get("covered") is not None:
            covered = int(s.meta.pop("covered").sum())
        verdict = sheet_verdict(checks, lines, covered) if k not in drop else sheet_verdict(checks, 0, 0)
        summaries.append({"sheet": s.name, "verdict": verdict, "counted": k not in drop,
                          "checks_held": sum(c["held"] for c in checks),
                          "checks_failed": sum(not c["held"] for c in checks),
                          "lines": lines,
                          "lines_covered": 0 if k in drop else (lines if covered is None and checks else (covered or 0)),
                          "columns": s.meta.get("columns", {}), "stages": s.meta.get("stages", [])})
        for c in checks:
            if not c["held"] and (c["sheet"], c["row"]) not in reported:
                out_findings.append(_finding(file, c))
        all_checks += checks
    counted = [s for k, s in enumerate(sheets) if k not in drop]
    verdict = worst(x["verdict"] for x in summaries if x["counted"]) if counted else worst([])
    SPENT["seconds"] += perf_counter() - t0 + sum(s.meta.get("check_seconds", 0.0) for s in sheets)
    verification = {"verdict": verdict, "label": label(verdict), "sheets": summaries, "checks": all_checks}
    return counted, verification, out_findings


def _finding(file: str, c: dict) -> Finding:
    msg = c["message"]
    if c.get("expected") is not None and c.get("found") is not None:
        from decimal import Decimal

        msg += f": tertulis {rupiah(Decimal(c['expected']))}, terbaca {rupiah(Decimal(c['found']))}"
    detail = {k: c[k] for k in ("expected", "found") if c.get(k) is not None}
    detail["check"] = c["check"]
    return Finding(_FINDING_CODE.get(c["check"], c["check"]), msg, file, c["sheet"], c["row"], "error", detail)
