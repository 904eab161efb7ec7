"""Text normalisation for matching: lower-case ASCII words separated by single spaces.

Everything runs in pyarrow compute (RE2) on the *distinct* values of a column, so the
cost follows the number of different descriptions, not the number of rows.

>>> normalize_text(["Perjalanan  Dinas–Luar Kota", "Cendramata (Plakat)", None]).to_pylist()
['perjalanan dinas luar kota', 'cendramata plakat', '']
>>> normalize_text(["[#] Belanja FotoCopy Rapat é"]).to_pylist()
['belanja foto copy rapat e']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def normalize_text(values: Sequence[object] | pa.Array | np.ndarray) -> pa.Array:
    """Normalise strings for matching.

    Accents are dropped (NFKD, then combining marks removed), "camelCase" joins are split
    ("PengadaanPeralatan" → "pengadaan peralatan", a common export glitch), the text is
    lower-cased, and every run of non-alphanumeric characters becomes one plain space, so
    patterns are written with plain spaces and ASCII word boundaries work.
    """
    arr = values if isinstance(values, pa.Array) else pa.array(
        [v if isinstance(v, str) else ("" if v is None or v != v else str(v)) for v in values],
        type=pa.string())
    arr = pc.fill_null(arr.cast(pa.string()), "")
    arr = pc.utf8_normalize(arr, form="NFKD")
    arr = pc.replace_substring_regex(arr, pattern="[\\x{0300}-\\x{036f}]+", replacement="")
    arr = pc.replace_substring_regex(arr, pattern="[^\\x00-\\x7f]+", replacement=" ")
    arr = pc.replace_substring_regex(arr, pattern="([a-z])([A-Z][a-z])", replacement="\\1 \\2")
    arr = pc.ascii_lower(arr)
    arr = pc.replace_substring_regex(arr, pattern="[^a-z0-9]+", replacement=" ")
    return pc.utf8_trim_whitespace(arr)


def factorize_column(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes per row and the distinct values of ``column`` (missing → "").

    A missing column counts as empty: every row gets code 0 and the only value is "".
    """
    n = len(frame)
    if column not in frame.columns:
        return np.zeros(n, dtype=np.intp), np.array([""], dtype=object)
    col = frame[column]
    if col.dtype == object or not isinstance(col.dtype, pd.StringDtype):
        col = col.astype("str")
    codes, uniques = pd.factorize(col.fillna(""), use_na_sentinel=False)
    values = np.asarray(uniques, dtype=object)
    if len(values) == 0:
        values = np.array([""], dtype=object)
    return codes.astype(np.intp, copy=False), values
