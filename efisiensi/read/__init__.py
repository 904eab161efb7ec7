"""Reading budget files: sniffing, number formats, account codes, one module per layout.

The built-in readers are registered here, most specific first.
"""

from .base import register_reader
from .tabular import READER as _TABULAR

register_reader(_TABULAR)
