"""Reports: the evidence workbook, the notebook view and the charts."""

from ..compliance import register_renderer
from .excel import write_excel
from .html import audit_html
from .labels import label
from .plot import plot_audit
from .summary import write_html

register_renderer("excel", write_excel)
register_renderer("html", audit_html)
register_renderer("plot", plot_audit)
register_renderer("summary", write_html)

__all__ = ["label", "write_excel"]
