"""The checks the flat-table reader makes on the rows it read (see :mod:`efisiensi.verify`):
repeated blocks, monthly columns, row arithmetic."""

from __future__ import annotations

import numpy as np

from .._errors import Finding
from .._format import rupiah
from ..verify import arithmetic, blocks, groups
from ..verify._cents import cents
from ..verify.records import record
from .cells import money_column
from .columns import Columns
from .grid import Sheet


def _drop_derived_blocks(held: dict, kinds: dict, keep_mask: np.ndarray, codes: np.ndarray,
                         stage_cents: list[np.ndarray], rownums: list[int], sheet: str | None,
                         checks: list[dict]) -> None:
    """Blocks closed by their own total rows that add up other blocks are not counted again."""
    ends = sorted(i for i, k in kinds.items() if held.get(i) and k == "blok")
    if len(ends) < 3:
        return
    lines = np.flatnonzero(keep_mask)
    block = np.searchsorted(np.array(ends), lines)  # lines after the last total form their own block
    found = blocks.derived(block, codes[lines].tolist(), [a[lines] for a in stage_cents])
    if not found:
        return
    first = {}
    for b, i in zip(block.tolist(), lines.tolist(), strict=True):
        first.setdefault(b, rownums[i])
    checks += blocks.block_records(found, first, sheet)
    keep_mask[lines[np.isin(block, list(found))]] = False


def _months(cols: Columns, cells, amount: np.ndarray, keep: np.ndarray, rownums: list[int], sheet: str | None,
            checks: list[dict], name: str, unit: int | None) -> np.ndarray:
    n = len(keep)
    covered = np.zeros(n, dtype=bool)
    if len(cols.months) != 12:
        return covered
    rows = np.flatnonzero(keep)
    if len(rows) > 64:  # a first look: months that do not add up on a sample prove nothing
        sample = rows[:64]
        probe = []
        for m in range(1, 13):
            whole = cells(cols.months[m])
            col = [whole[i] for i in sample.tolist()]
            c = _whole_cents(col) if unit is None else None
            probe.append(c if c is not None else cents(money_column(col, unit)[0])[0])
        if (np.sum(np.vstack(probe), axis=0) == amount[sample]).mean() < groups.MIN_SHARE:
            return covered
    month_cents = []
    for m in range(1, 13):
        col = cells(cols.months[m])
        c = _whole_cents(col) if unit is None else None
        if c is None:
            c = cents(money_column(col, unit)[0])[0]
        month_cents.append(c[rows])
    res = groups.months_check(month_cents, amount[rows], np.ones(len(rows), dtype=bool),
                              [rownums[i] for i in rows.tolist()], sheet, name)
    if res is not None:
        recs, eq = res
        checks += recs
        covered[rows[eq]] = True
    return covered


def _row_arithmetic(amounts: dict, data: dict, stage_cents: list[np.ndarray], keep: np.ndarray,
                    rownums: list[int], sheet: str | None, checks: list[dict]) -> np.ndarray:
    """koefisien × harga (+ PPN) = jumlah and sebelum ± selisih = sesudah, where stated."""
    n = len(stage_cents[0])
    covered = np.zeros(n, dtype=bool)
    if "harga_satuan" in amounts and "koefisien" in data:
        kt = data["koefisien"]
        per_text = [arithmetic.coefficient(t) for t in kt.texts]
        koef = [per_text[c] for c in kt.codes.tolist()]
        harga, ok = cents(amounts["harga_satuan"])
        tax = None
        if "_pajak" in amounts:
            tc, tv = cents(amounts["_pajak"])
            tax = np.where(tv, tc / 100.0, 0.0)
        recs, cov = arithmetic.price_times_quantity(koef, harga, ok, stage_cents[0], tax, keep, rownums, sheet)
        checks += recs
        covered |= cov
    if "_selisih" in amounts and len(stage_cents) == 2:
        d, dv = cents(amounts["_selisih"])
        _, av = cents(amounts["anggaran"])
        _, bv = cents(amounts["anggaran_sebelum"])
        recs, cov = arithmetic.before_plus_difference(stage_cents[1], d, stage_cents[0], dv & av & bv, keep,
                                                      rownums, sheet)
        checks += recs
        covered |= cov
    return covered


def _whole_cents(col: list[object]) -> np.ndarray | None:
    """Cents of a column of whole rupiah (numbers or digit strings), else ``None``: the
    monthly columns of a cash plan, read without the general parser."""
    out = np.zeros(len(col), dtype=np.int64)
    for i, c in enumerate(col):
        t = type(c)
        if c is None or c == "":
            continue
        if t is int and abs(c) < 10**15:
            out[i] = c * 100
        elif t is float and c.is_integer() and abs(c) < 1e15:
            out[i] = int(c) * 100
        elif t is str and len(c) < 16 and (c.isdigit() or (c[:1] == "-" and c[1:].isdigit())):
            out[i] = int(c) * 100
        else:
            return None
    return out


def _check_arithmetic(sheet: Sheet, amounts: dict, keep: list[int], rownums: list[int]
                      ) -> tuple[list[Finding], list[dict]]:
    """pagu + tambah - kurang = hasil, where a source states all four (Pantau)."""
    out: list[Finding] = []
    recs: list[dict] = []
    a, b, t, k = (amounts[x] for x in ("anggaran", "anggaran_sebelum", "_tambah", "_kurang"))
    held = 0
    for i in keep:
        if None in (a[i], b[i], t[i], k[i]):
            continue
        expected = b[i] + t[i] - k[i]
        diff = a[i] - expected
        # a one-rupiah gap is a rounding artefact of the source; still shown, at lower severity
        rounding = abs(diff) <= 1
        if not diff or rounding:
            held += 1
        if diff:
            out.append(Finding("row_arithmetic",
                               f"pagu + tambah - kurang = {rupiah(expected)} tetapi hasil tertulis {rupiah(a[i])}"
                               + (" (selisih pembulatan)" if rounding else ""),
                               sheet.file, sheet.name, rownums[i], "info" if rounding else "warning",
                               {"expected": str(expected), "stated": str(a[i]), "difference": str(diff)}))
            if not rounding:
                recs.append(record("row_arithmetic", False, "pagu + tambah - kurang tidak sama dengan hasil",
                                   sheet=sheet.name, row=rownums[i], expected=a[i], found=expected))
    if held:
        recs.insert(0, record("row_arithmetic", True, f"pagu + tambah - kurang = hasil di {held} baris",
                              sheet=sheet.name, count=held))
    return out, recs
