"""Amount arrays as int64 cents, for exact and fast arithmetic in the checks."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa


def cents(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """int64 cents and validity of a ``decimal128(20, 2)`` array (exact below 9.2e16 rupiah).

    >>> from efisiensi._money import MONEY_TYPE
    >>> c, v = cents(pa.array([Decimal("1.50"), None, Decimal("-2.00")], type=MONEY_TYPE))
    >>> c.tolist(), v.tolist()
    ([150, 0, -200], [True, False, True])
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    words = np.frombuffer(arr.buffers()[1], dtype="<i8")[2 * arr.offset : 2 * (arr.offset + n)]
    low = words[0::2].copy()
    valid = arr.is_valid().to_numpy(zero_copy_only=False)
    low[~valid] = 0
    return low, valid


def dec(c: int) -> Decimal:
    """Cents as a Decimal rupiah amount.

    >>> dec(12345)
    Decimal('123.45')
    """
    return Decimal(int(c)).scaleb(-2)
