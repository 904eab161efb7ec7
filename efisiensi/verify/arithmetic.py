"""Row arithmetic: the parts of a row that the file states must give its amount.

* koefisien × harga satuan (× (1 + PPN %) where a tax column is stated) = jumlah, for rows
  whose koefisien is a product of numbers ("2 Orang x 3 Hari");
* sebelum ± selisih = sesudah, where a row states both stages and the difference.

A row whose parts give its amount to within one rupiah holds (sources round); one that
does not is a failed check with its row. Rows whose parts are not all stated are skipped.
"""

from __future__ import annotations

import re

import numpy as np

from ._cents import dec
from .records import record

_NUM = re.compile(r"\d+(?:[.,]\d+)*")
_PRODUCT = re.compile(r"^\s*\d[\d.,]*\s*[^\dx×*]*(?:\s*[x×*]\s*\d[\d.,]*\s*[^\dx×*]*)*$", re.I)


def coefficient(text: str) -> float | None:
    """The product a koefisien text states, or ``None`` when it is not a plain product.

    >>> coefficient("2 Orang x 3 Hari"), coefficient("1,5 Paket"), coefficient("12 Bulan x 1.000 Lembar")
    (6.0, 1.5, 12000.0)
    >>> coefficient("Lumpsum") is None, coefficient("") is None
    (True, True)
    """
    if not text or not _PRODUCT.match(text):
        return None
    out = 1.0
    for tok in _NUM.findall(text):
        if "," in tok and "." in tok:
            tok = tok.replace(".", "").replace(",", ".")
        elif "," in tok:
            tok = tok.replace(",", ".")
        elif tok.count(".") == 1 and len(tok.split(".")[1]) != 3:
            pass  # a decimal point
        else:
            tok = tok.replace(".", "")
        out *= float(tok)
    return out


def _records(name: str, held: np.ndarray, checked: np.ndarray, expected: np.ndarray, found: np.ndarray,
             rownums: list[int], sheet: str | None, what: str) -> list[dict]:
    n_held = int((held & checked).sum())
    out = []
    if n_held:
        out.append(record("row_arithmetic", True, f"{what} di {n_held} baris", sheet=sheet, count=n_held))
    for i in np.flatnonzero(checked & ~held)[:200].tolist():
        out.append(record("row_arithmetic", False, f"{what} tidak terpenuhi", sheet=sheet, row=rownums[i],
                          expected=dec(int(round(expected[i]))), found=dec(int(found[i]))))
    return out


def price_times_quantity(koef: list[float | None], harga: np.ndarray, harga_ok: np.ndarray, amount: np.ndarray,
                         tax_pct: np.ndarray | None, rows: np.ndarray, rownums: list[int], sheet: str | None
                         ) -> tuple[list[dict], np.ndarray]:
    """koefisien × harga (+ PPN) = jumlah on the line rows; records and rows covered."""
    n = len(amount)
    k = np.array([np.nan if v is None else v for v in koef], dtype=np.float64)
    checked = np.zeros(n, dtype=bool)
    checked[rows] = True
    checked &= ~np.isnan(k) & harga_ok
    if not checked.any():
        return [], np.zeros(n, dtype=bool)
    base = np.where(checked, k, 0.0) * harga.astype(np.float64)
    held = np.abs(base - amount) <= 100
    if tax_pct is not None:
        held |= np.abs(base * (1 + tax_pct / 100.0) - amount) <= 100
    return (_records("koefisien", held, checked, base, amount, rownums, sheet, "koefisien × harga (+ PPN) = jumlah"),
            held & checked)


def before_plus_difference(before: np.ndarray, diff: np.ndarray, after: np.ndarray, ok: np.ndarray,
                           rows: np.ndarray, rownums: list[int], sheet: str | None
                           ) -> tuple[list[dict], np.ndarray]:
    """sebelum ± selisih = sesudah (the file's sign convention, whichever it is) on the line rows."""
    n = len(after)
    checked = np.zeros(n, dtype=bool)
    checked[rows] = True
    checked &= ok
    if not checked.any():
        return [], checked
    plus = np.abs(before + diff - after) <= 100
    minus = np.abs(before - diff - after) <= 100
    # one convention for the whole column: the one most rows follow
    use_plus = (plus & checked).sum() >= (minus & checked).sum()
    held, expected = (plus, before + diff) if use_plus else (minus, before - diff)
    return (_records("selisih", held, checked, expected.astype(np.float64), after, rownums, sheet,
                     "sebelum ± selisih = sesudah"), held & checked)
