"""The verification stage: the reading checked against the file's own arithmetic.

One small module per check (:mod:`.hierarchy`, :mod:`.groups`, :mod:`.totals`,
:mod:`.arithmetic`, :mod:`.repeated`), the check records and verdicts (:mod:`.records`)
and the ordered runner the loader calls for every file (:mod:`.runner`).
"""

from .records import CHECK_CODES, LABELS, VERDICTS, label, record, sheet_verdict, worst

__all__ = ["CHECK_CODES", "LABELS", "VERDICTS", "label", "record", "sheet_verdict", "worst"]
