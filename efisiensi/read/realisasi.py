"""Anggaran vs realisasi summaries (e.g. the DJPK portal's ``akun, anggaran, realisasi,
persentase``): what was spent per akun against the budget of the current stage.

Such a table has no account codes and no line items, so it never enters the line table
(the loaders call it ``not_line_items``); this reader keeps its rows as they are, one per
akun / kelompok / jenis, and checks each one's own arithmetic: the share spent computed
exactly from the two amounts against the percentage the file states. Rows repeated
verbatim (a kelompok and its only jenis with the same name) are kept once, said.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "2024_Contoh.csv"
>>> _ = p.write_text('akun,anggaran,realisasi,persentase\\n" Belanja Daerah","4.366,08 M","3.929,06 M",89.99\\n')
>>> r = read_realisasi_summary(p)
>>> r.loc[0, ["akun", "anggaran", "realisasi"]].tolist(), float(r.loc[0, "persen_realisasi"])
(['Belanja Daerah', Decimal('4366080000000.00'), Decimal('3929060000000.00')], 89.99)
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from .._errors import Finding, LoadError
from .._format import rupiah
from .._money import MONEY
from .codes import clean_text
from .grid import read_grids
from .headers import normalize_header
from .numbers import parse_column
from .stages import REALISASI, stage_from_header, year_from_name

COLUMNS = ["akun", "anggaran", "realisasi", "persen_realisasi", "persen_tertulis", "tahun",
           "sumber_file", "sumber_baris"]
_LABELS = ("akun", "uraian", "nama akun", "rekening", "kelompok", "jenis")
_BUDGET = ("anggaran", "pagu", "apbd", "anggaran perubahan", "pagu anggaran")
_SHARE = ("persentase", "prosentase", "persen", "%")


def _header(rows: list[list[object]]) -> tuple[int, int, int, int, int | None] | None:
    for i, row in enumerate(rows[:20]):
        norm = [normalize_header(c) for c in row]
        real = [j for j, c in enumerate(row) if (d := stage_from_header(c)) and d.value.tahap == REALISASI]
        budget = [j for j, h in enumerate(norm) if h in _BUDGET]
        label = [j for j, h in enumerate(norm) if h in _LABELS]
        if real and budget and label:
            share = next((j for j, h in enumerate(norm) if h in _SHARE), None)
            return i, label[0], budget[0], real[0], share
    return None


def _half_unit(values: list[Decimal]) -> Decimal:
    """Half of the coarsest unit every amount is a multiple of (the precision they were written to)."""
    unit = Decimal("0.01")
    while values and unit < Decimal(10) ** 15 and all(v % (unit * 10) == 0 for v in values):
        unit *= 10
    return unit / 2


def read_realisasi_summary(path: str | Path, unit: int | None = None) -> pd.DataFrame:
    """Read an anggaran/realisasi summary; findings in ``attrs["findings"]``.

    ``unit`` multiplies amounts written without a unit (``2223.07`` meaning miliar).
    """
    path = Path(path)
    sheets = read_grids(path, str(path))
    found: list[Finding] = []
    for sheet in sheets:
        head = _header(sheet.rows)
        if head is None:
            continue
        i, lab, bud, real, share = head
        body = [r for r in sheet.rows[i + 1:] if any(str(c).strip() for c in r if c is not None)]
        nums = [sheet.row_numbers[sheet.rows.index(r)] for r in body]
        cols = {}
        for name, j in (("anggaran", bud), ("realisasi", real)):
            parsed = parse_column([r[j] if j < len(r) else None for r in body])
            for k, why in parsed.errors.items():
                found.append(Finding("unreadable_amount", f"{name} tidak terbaca ({why})", str(path),
                                     sheet.name or None, nums[k], "error"))
            cols[name] = [v * unit if v is not None and unit else v for v in parsed.values]
        stated = parse_column([r[share] if share is not None and share < len(r) else None for r in body], "us")
        year = year_from_name(path)
        half = _half_unit([v for c in cols.values() for v in c if v])
        rows, seen_prev = [], None
        for k, r in enumerate(body):
            a, s = cols["anggaran"][k], cols["realisasi"][k]
            if a is None and s is None:
                continue
            label = clean_text(r[lab] if lab < len(r) else "")
            key = (label.casefold(), a, s)
            if key == seen_prev:
                found.append(Finding("repeated_row", f"baris {label!r} tertulis dua kali berturut-turut; "
                                     "dibaca sekali", str(path), sheet.name or None, nums[k], "info"))
                continue
            seen_prev = key
            pct = float(round(s / a * 100, 2)) if a and s is not None else None
            said = stated.values[k]
            # amounts written rounded (to 0,01 M) move the share: allow what that rounding can do
            slack = Decimal("0.01") + 100 * half * (1 / a + (s or 0) / (a * a)) if a else Decimal("0.01")
            if pct is not None and said is not None and abs(Decimal(str(pct)) - said) > slack:
                found.append(Finding("row_arithmetic", f"{label}: realisasi/anggaran = {pct} %, berkas menulis "
                                     f"{said} %", str(path), sheet.name or None, nums[k]))
            rows.append({"akun": label, "anggaran": a, "realisasi": s, "persen_realisasi": pct,
                         "persen_tertulis": float(said) if said is not None else None,
                         "tahun": year.value if year else None, "sumber_file": str(path), "sumber_baris": nums[k]})
        frame = pd.DataFrame(rows, columns=COLUMNS)
        for c in ("anggaran", "realisasi"):
            frame[c] = frame[c].astype(MONEY)
        for c in ("persen_realisasi", "persen_tertulis"):
            frame[c] = frame[c].astype("Float64")
        frame["tahun"] = frame["tahun"].astype("Int64")
        frame["sumber_baris"] = frame["sumber_baris"].astype("Int64")
        frame.attrs["findings"] = [f.as_record() for f in found]
        return frame
    raise LoadError("tidak ada tabel anggaran/realisasi (kolom akun, anggaran dan realisasi)", file=str(path))


# ------------------------------------------------------------------ realisasi columns beside the lines

def _is_realisasi(text: object) -> bool:
    det = stage_from_header(text)
    return det is not None and det.value.tahap == REALISASI


def realisasi_columns(header: list[str], below: list[object], months: dict[int, int]
                      ) -> tuple[list[int], int | None]:
    """The monthly realisasi columns and the realisasi-to-date column of a line table.

    ``header`` holds the header texts by column, ``below`` the row under it (the
    ``DKKB | REALISASI`` sub-header of a month), ``months`` the column of each month's
    header. A month's realisasi is the column under it (or the month's own column when
    its header says realisasi); the to-date column is the one whose header says
    realisasi and names no month, share or remainder (``TOTAL REALISASI S/D SAAT INI``).
    A realisasi column is never an amount of a budget stage.

    >>> realisasi_columns(["", "JANUARI", "", "FEBRUARI", "", "TOTAL REALISASI S/D SAAT INI", "PROSENTASE"],
    ...                   ["", "DKKB", "REALISASI", "DKKB", "REALISASI", "", ""], {1: 1, 2: 3})
    ([2, 4], 5)
    """
    starts = sorted(months.values())
    named = [j for j, t in enumerate(header) if str(t or "").strip()]
    monthly = []
    for c in starts:
        end = next((j for j in named if j > c), len(header))
        span = [j for j in range(c, end) if j < len(below) and _is_realisasi(below[j])]
        if not span and _is_realisasi(header[c]):
            span = [c]
        if len(span) == 1:
            monthly.append(span[0])
    if len(monthly) != len(starts):
        monthly = []  # months without a realisasi column each: not read as realisasi
    month_cols = set(months.values())
    to_date = [j for j in named if j not in month_cols and _is_realisasi(header[j])
               and not set(normalize_header(header[j]).split()) & _NOT_SPENT]
    return monthly, (to_date[0] if len(to_date) == 1 else None)


_NOT_SPENT = frozenset("sisa persen prosentase persentase selisih %".split())


def line_realisasi(header: list[str], below: list[object], months: dict[int, int], cells, keep, rownums: list[int],
                   unit: int | None, file: str, sheet: str | None) -> tuple[dict | None, list[Finding]]:
    """Realisasi to date of each line kept (``keep``: positions in the body), as a stage
    record of the reader (``tahap`` realisasi, values by Excel row), and what was found.

    A line's realisasi is the sum of its monthly realisasi cells where the table has them
    (exact); the to-date column, where it states an amount, must agree (else a
    ``row_arithmetic`` finding, the stated amount is not taken); a line whose to-date cell
    is empty while its months hold realisasi is counted from the months, said. Lines the
    reader did not keep (total rows, blocks that repeat other blocks) carry none, so
    nothing is counted twice.
    """
    from .cells import money_column

    monthly, to_date = realisasi_columns(header, below, months)
    if not monthly and to_date is None:
        return None, []
    keep = list(keep)
    found: list[Finding] = []

    def column(j: int) -> list:
        vals, _errors, _amb = money_column(cells(j), unit)
        return vals.to_pylist()

    month_vals = [column(j) for j in monthly]
    stated = column(to_date) if to_date is not None else None
    values: dict[str, str | None] = {}
    filled, filled_sum, bad = [], Decimal(0), []
    for i in keep:
        row = rownums[i]
        parts = [m[i] for m in month_vals if m[i] is not None]
        months_sum = sum(parts, Decimal(0)) if parts else None
        said = stated[i] if stated is not None else None
        if months_sum is None:
            value = said
        elif said is None:
            value = months_sum
            if months_sum and to_date is not None:
                filled.append(row)
                filled_sum += months_sum
        elif said == months_sum:
            value = said
        else:
            bad.append(row)
            found.append(Finding("row_arithmetic", f"realisasi bulanan berjumlah {months_sum}, kolom "
                                 f"{header[to_date]!r} menulis {said}; dipakai jumlah bulanan", file, sheet, row))
            value = months_sum
        values[str(row)] = None if value is None else str(value)
    name = header[to_date] if to_date is not None else "realisasi bulanan"
    if filled:
        shown = ", ".join(map(str, filled[:10])) + (f" … dan {len(filled) - 10} lainnya" if len(filled) > 10 else "")
        found.append(Finding("realisasi_from_months", f"kolom {header[to_date]!r} kosong di {len(filled)} baris yang "
                             f"realisasi bulanannya berisi (baris {shown}; Rp {rupiah(filled_sum)}); realisasi baris itu "
                             "diambil dari jumlah bulanan", file, sheet, filled[0], "warning",
                             detail={"rows": filled, "amount": str(filled_sum)}))
    column_text = f"{name} (= jumlah {len(monthly)} kolom realisasi bulanan)" if monthly else name
    return {"column": column_text, "tahap": REALISASI, "role": REALISASI, "values": values}, found
