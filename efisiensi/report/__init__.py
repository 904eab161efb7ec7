"""Reports: the evidence workbook, the notebook view and the charts."""

from .excel import write_excel
from .labels import label

__all__ = ["label", "write_excel"]
