"""Row arithmetic of a printed Rincian Belanja: what each component row proves by itself.

Each stage of a SIPD-RI print carries ``Koefisien | Satuan | Harga | PPN | Jumlah``:
the Jumlah of a component must be volume × harga plus PPN, where the volume is the
product of the numbers of the koefisien (``2 Orang x 3 Hari`` = 6) and PPN is
printed either as a rate (``11%``) or as an amount. A DPPA also states
Bertambah/(Berkurang), which must be Sesudah − Sebelum. Prints round to the sen
or to the rupiah, so a computed amount that rounds to the printed one holds.

>>> koefisien_volume("2 Orang x 3 Hari"), koefisien_volume("1,5 Bulan"), koefisien_volume("Orang")
(Decimal('6'), Decimal('1.5'), None)
>>> ppn_value("11%"), ppn_value("0,00"), ppn_value("")
(('rate', Decimal('11')), ('amount', Decimal('0.00')), None)
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from .._errors import Finding
from .._format import rupiah
from .checkrec import check
from .dppa_layout import AFTER, BEFORE, cell_text
from .numbers import AmountError, parse_amount

_ZERO = Decimal("0.00")
_TIMES = re.compile(r"\s*[x×*]\s*", re.I)
_NUMBER = re.compile(r"^\s*(\d[\d.,]*)")
_SIDE = {AFTER: "Sesudah", BEFORE: "Sebelum"}


def koefisien_volume(text: object) -> Decimal | None:
    """The volume a koefisien states: the product of its numbers (``None`` if it has none)."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return Decimal(str(text))
    return _volume(cell_text(text))


@lru_cache(maxsize=4096)
def _volume(text: str) -> Decimal | None:
    volume = Decimal(1)
    parts = [p for p in _TIMES.split(text) if p.strip()]
    if not parts:
        return None
    for part in parts:
        m = _NUMBER.match(part)
        if not m:
            return None
        digits = m.group(1).rstrip(".,")
        # Indonesian style: "." groups thousands, "," is the decimal comma
        if "," in digits or re.fullmatch(r"\d{1,3}(\.\d{3})+", digits):
            digits = digits.replace(".", "").replace(",", ".")
        try:
            volume *= Decimal(digits)
        except InvalidOperation:
            return None
    return volume


def ppn_value(cell: object) -> tuple[str, Decimal] | None:
    """``("rate", 11)`` for ``11%``, ``("amount", x)`` for a printed amount, ``None`` if empty."""
    return _ppn(cell_text(cell)) if not isinstance(cell, int | float) else _ppn_number(cell)


def _ppn_number(cell: float) -> tuple[str, Decimal] | None:
    try:
        value = parse_amount(cell)
    except AmountError:
        return None
    return None if value is None else ("amount", value)


@lru_cache(maxsize=4096)
def _ppn(text: str) -> tuple[str, Decimal] | None:
    if not text:
        return None
    try:
        if text.endswith("%"):
            value = parse_amount(text[:-1].strip())
            return None if value is None else ("rate", value.normalize())
        value = parse_amount(text)
    except AmountError:
        return None
    return None if value is None else ("amount", value)


def _rounds_to(computed: Decimal, printed: Decimal) -> bool:
    return any(computed.quantize(q, ROUND_HALF_UP) == printed for q in (Decimal("0.01"), Decimal("1")))


def _taxes(base: Decimal, ppn: tuple[str, Decimal] | None, unit: int | None) -> list[Decimal]:
    """The PPN amounts a printed PPN cell can mean: a rate, an amount, or a bare rate (``11``)."""
    if ppn is None:
        return [_ZERO]
    kind, value = ppn
    if kind == "rate":
        return [base * value / 100]
    out = [value * (unit or 1)]
    if 0 < value <= 100 and value == value.to_integral_value():
        out.append(base * value / 100)  # "11" in a numeric cell: the rate without its %
    return out


def check_rows(sheet, events, values, bad, unit: int | None) -> tuple[list[Finding], list[dict]]:
    """Every component row (koefisien × harga + PPN) and every Bertambah/(Berkurang) cell.

    PPN is part of Jumlah (SIPD-RI: total = volume × harga + pajak). A sheet whose every
    taxed line prints Jumlah without its PPN states that convention itself and is
    checked by it (the message says so).
    """
    findings: list[Finding] = []
    checks: list[dict] = []
    where = sheet.name or None
    lines = []
    for kind, i, hm in events:
        if kind not in ("data", "total"):
            continue
        row = sheet.rows[i]
        for side in (AFTER, BEFORE) if hm.before else (AFTER,):
            jumlah, harga = values.get((i, side, "jumlah")), values.get((i, side, "harga"))
            volume = koefisien_volume(hm.get(row, side, "koefisien"))
            if jumlah is None or harga is None or volume is None or (i, side, "jumlah") in bad:
                continue
            base = volume * harga
            ppn = ppn_value(hm.get(row, side, "ppn"))
            lines.append((i, side, hm, jumlah, harga, base, ppn, _taxes(base, ppn, unit)))
    taxed = [(j, b, t) for _, _, _, j, _, b, _, t in lines if any(t)]
    excluded = bool(taxed) and all(_rounds_to(b, j) and not any(_rounds_to(b + x, j) for x in t)
                                   for j, b, t in taxed)
    for i, side, hm, jumlah, harga, base, ppn, taxes in lines:
        rownum = sheet.row_numbers[i]
        tax = next((x for x in taxes if _rounds_to(base + x, jumlah)), taxes[0])
        computed = (base if excluded else base + tax).quantize(_ZERO, ROUND_HALF_UP)
        held = _rounds_to(base if excluded else base + tax, jumlah)
        what = f"{cell_text(hm.get(sheet.rows[i], side, 'koefisien'))} × {rupiah(harga)}"
        if ppn is not None and ppn[1]:
            what += (" (PPN tidak termasuk dalam Jumlah pada lembar ini)" if excluded
                     else f" + PPN {rupiah(tax.quantize(_ZERO, ROUND_HALF_UP))}")
        message = f"Jumlah ({_SIDE[side]}) tertulis {rupiah(jumlah)}, {what} = {rupiah(computed)}"
        checks.append(check("row_arithmetic", where, rownum, jumlah, computed, message, held=held))
        if not held:
            findings.append(Finding("row_arithmetic", message, sheet.file, sheet.name, rownum,
                                    detail={"stated": jumlah, "computed": computed,
                                            "side": side, "kind": "koefisien_harga"}))
    for kind, i, hm in events:
        diff = values.get((i, "", "selisih"))
        if kind not in ("data", "total") or diff is None or not hm.before \
                or any((i, s, "jumlah") in bad for s in (AFTER, BEFORE)):
            continue
        rownum = sheet.row_numbers[i]
        after, before = values.get((i, AFTER, "jumlah"), _ZERO), values.get((i, BEFORE, "jumlah"), _ZERO)
        message = (f"Bertambah/(Berkurang) tertulis {rupiah(diff)}, Sesudah − Sebelum = "
                   f"{rupiah(after - before)}")
        checks.append(check("row_arithmetic", where, rownum, diff, after - before, message))
        if after - before != diff:
            findings.append(Finding("row_arithmetic", message, sheet.file, sheet.name, rownum,
                                    detail={"stated": diff, "computed": after - before}))
    return findings, checks
