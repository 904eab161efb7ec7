"""Money as an exact decimal dtype: rupiah with two decimals (sen), never float."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: The dtype of every amount column: rupiah exact to the sen.
MONEY_TYPE = pa.decimal128(20, 2)
MONEY = pd.ArrowDtype(MONEY_TYPE)

SEN = Decimal("0.01")


def to_money_series(values: Iterable[Decimal | None], index=None) -> pd.Series:
    """Build a money Series from ``Decimal``/``None`` values (quantized to the sen).

    >>> to_money_series([Decimal("7244849.01"), None]).tolist()
    [Decimal('7244849.01'), <NA>]
    """
    vals = [None if v is None else v.quantize(SEN) for v in values]
    return pd.Series(pa.array(vals, type=MONEY_TYPE), index=index, dtype=MONEY)


def money_sum(series: pd.Series) -> Decimal:
    """Exact sum of a money Series as a ``Decimal`` (0 for an empty series).

    >>> money_sum(to_money_series([Decimal("0.10"), Decimal("0.20")]))
    Decimal('0.30')
    """
    if len(series) == 0:
        return Decimal("0.00")
    # widen to 38 digits so that a national total cannot overflow the column's 20
    total = pc.sum(pa.array(series.array).cast(pa.decimal128(38, 2))).as_py()
    return Decimal("0.00") if total is None else total.quantize(SEN)
