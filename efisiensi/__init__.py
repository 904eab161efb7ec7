"""efisiensi: audit Indonesian regional budgets (APBD) for Inpres 1/2025.

>>> import efisiensi as ef
>>> items = ef.load_frame([{"kode_rekening": "5.1.02.04.01.0001", "anggaran": "12.000.000"}])
>>> ef.total(items)
Decimal('12000000.00')
"""

from . import report as _report  # noqa: F401  (registers how an Audit is rendered)
from ._errors import EfisiensiError, Finding, LoadError
from ._load import findings, load, load_frame, stages, total, verification
from ._money import MONEY
from ._schema import LINE_ITEM_COLUMNS, LineItems
from ._version import __version__
from .categories import CATEGORY_IDS, categorize, list_rules
from .compliance import Audit, audit, list_policies, load_policy
from .read.base import register_reader
from .read.codes import normalize_code
from .read.numbers import parse_amount

__all__ = [
    "Audit",
    "CATEGORY_IDS",
    "audit",
    "categorize",
    "list_policies",
    "list_rules",
    "load_policy",
    "EfisiensiError",
    "Finding",
    "LINE_ITEM_COLUMNS",
    "LineItems",
    "LoadError",
    "MONEY",
    "findings",
    "load",
    "load_frame",
    "normalize_code",
    "parse_amount",
    "register_reader",
    "stages",
    "total",
    "verification",
    "__version__",
]
