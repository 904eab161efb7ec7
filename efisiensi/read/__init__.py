"""Reading budget files: sniffing, number formats, account codes, one module per layout.

The built-in readers are registered here; for each sheet the most confident one reads it.
"""

from .base import register_reader
from .dppa import READER as _DPPA
from .penjabaran import READER as _PENJABARAN
from .tabular import READER as _TABULAR

register_reader(_DPPA)
register_reader(_PENJABARAN)
register_reader(_TABULAR)
