"""Check records and the verdict derived from them.

A check record says that the reading was compared with something the file itself states
(a subtotal, a total row, a repeated group total, the months of a row ...), where, and
whether it held. Readers put records in ``ReadResult.meta["checks"]``; the loader adds its
own (:mod:`efisiensi.verify.runner`). A record is a plain dict::

    {"check": code, "sheet": str|None, "row": int|None, "held": bool,
     "expected": str|None, "found": str|None, "message": str}

``expected`` is what the file states, ``found`` what was read (decimal strings). A record
may summarise many instances (``"count"``: how many; ``row`` is then ``None``); the failed
instances are always recorded one by one with their row.

The verdict of a sheet (and of a file, the worst of its sheets):

* ``terverifikasi``: checks were possible, all held and they cover every line read;
* ``sebagian``: all checks held but some lines are covered by none;
* ``tidak_dapat_diverifikasi``: the file states nothing to check the reading against;
* ``bertentangan``: a check failed — the file's stated figures disagree with what was read.
"""

from __future__ import annotations

from decimal import Decimal

CHECK_CODES = ("hierarchy_subtotal", "group_total", "total_row", "row_arithmetic", "months_total",
               "repeated_sheet", "repeated_block", "stated_total")

VERIFIED, PARTIAL, UNVERIFIABLE, CONTRADICTED = ("terverifikasi", "sebagian", "tidak_dapat_diverifikasi",
                                                  "bertentangan")
VERDICTS = (VERIFIED, PARTIAL, UNVERIFIABLE, CONTRADICTED)
LABELS = {
    "id": {VERIFIED: "terverifikasi", PARTIAL: "sebagian", UNVERIFIABLE: "tidak dapat diverifikasi",
           CONTRADICTED: "bertentangan"},
    "en": {VERIFIED: "verified", PARTIAL: "partial", UNVERIFIABLE: "unverifiable", CONTRADICTED: "contradicted"},
}
#: worst first
_RANK = {CONTRADICTED: 0, UNVERIFIABLE: 1, PARTIAL: 2, VERIFIED: 3}


def label(verdict: str, lang: str = "id") -> str:
    """The verdict as users read it.

    >>> label("tidak_dapat_diverifikasi"), label("bertentangan", "en")
    ('tidak dapat diverifikasi', 'contradicted')
    """
    return LABELS.get(lang, LABELS["id"]).get(verdict, verdict)


def _text(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, Decimal):
        return str(v.quantize(Decimal("0.01")))
    return str(v)


def record(check: str, held: bool, message: str, *, sheet: str | None = None, row: int | None = None,
           expected: object = None, found: object = None, count: int | None = None) -> dict:
    """One check record (amounts as decimal strings).

    >>> record("total_row", True, "JUMLAH", sheet="S", row=9, expected=Decimal(5), found=Decimal(5))["expected"]
    '5.00'
    """
    out = {"check": check, "sheet": sheet, "row": row, "held": bool(held), "expected": _text(expected),
           "found": _text(found), "message": message}
    if count is not None:
        out["count"] = int(count)
    return out


def sheet_verdict(checks: list[dict], lines: int, lines_covered: int | None) -> str:
    """The verdict of one sheet from its records.

    >>> sheet_verdict([], 10, 0)
    'tidak_dapat_diverifikasi'
    >>> sheet_verdict([record("total_row", True, "")], 10, 10), sheet_verdict([record("total_row", True, "")], 10, 4)
    ('terverifikasi', 'sebagian')
    >>> sheet_verdict([record("total_row", False, "")], 10, 10)
    'bertentangan'
    """
    if any(not c["held"] for c in checks):
        return CONTRADICTED
    if not checks:
        return UNVERIFIABLE
    covered = lines if lines_covered is None else lines_covered
    if lines and covered <= 0:
        return UNVERIFIABLE
    return VERIFIED if covered >= lines else PARTIAL


def worst(verdicts) -> str:
    """The worst of several verdicts (a file's verdict is the worst of its sheets).

    >>> worst(["terverifikasi", "sebagian"]), worst([])
    ('sebagian', 'tidak_dapat_diverifikasi')
    """
    vs = list(verdicts)
    return min(vs, key=_RANK.__getitem__) if vs else UNVERIFIABLE


def json_view(verification: dict | None) -> dict:
    """The verification of one input as the JSON output carries it (stage values left out)."""
    v = verification or {}
    sheets = [{k: x for k, x in s.items() if k != "stages"} | {"stages": [
        {k: y for k, y in st.items() if k != "values"} for st in s.get("stages", [])]} for s in v.get("sheets", [])]
    return {"verdict": v.get("verdict", UNVERIFIABLE), "label": label(v.get("verdict", UNVERIFIABLE)),
            "sheets": sheets, "checks": v.get("checks", [])}
