"""Flat tables with one line item per row: SIPD rekap and rincian exports, Pantau.

The header row is found by its known column names (not assumed to be row 1), columns
are mapped through the synonym table, and rows without an account code are sorted
into sub kegiatan header rows (no amount: skipped, as SIPD writes them), stated total
rows (checked against the sum of the lines) and lines without a code (kept, with a
finding). A flat summary such as a DJPK portal table is recognised and not mistaken
for line items.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd

from .._errors import Finding
from .._format import rupiah
from .base import ReadOptions, ReadResult
from .codes import CHART_2006, CHART_2019, normalize_code, split_code_and_name
from .grid import Sheet
from .headers import header_score, match_header, normalize_header, resolve_amounts
from .numbers import parse_column

HEADER_SCAN_ROWS = 40
_TOTAL_WORDS = re.compile(r"^\s*(jumlah|total|grand total|sub ?total|jumlah total)\b", re.I)
_LAYOUT_BY_COLUMN = {"uraian": "sipd_rincian", "kelompok": "sipd_rekap"}


def find_header(sheet: Sheet, user: dict[str, str] | None = None) -> tuple[int, int] | None:
    """Index of the best header row within the first rows and its number of known cells."""
    best: tuple[int, int] | None = None
    for i, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        n, has_amount = header_score(row, user)
        if has_amount and n >= 2 and (best is None or n > best[1]):
            best = (i, n)
    return best


def _text(values: list[object]) -> list[str]:
    out = []
    for v in values:
        if v is None or v == "":
            out.append("")
        elif isinstance(v, float) and v.is_integer():
            out.append(str(int(v)))
        else:
            out.append(str(v).strip())
    return out


class TabularReader:
    """SIPD-RI rekap (21/23 columns), SIPD rincian (API/RKA) and other flat tables."""

    name = "tabular"

    def sniff(self, sheet: Sheet, options: ReadOptions | None = None) -> float:
        user = options.columns if options else None
        hit = find_header(sheet, user)
        if hit is None:
            return 0.0
        idx, n = hit
        header = [match_header(c, user) for c in sheet.rows[idx]]
        if any(_is_hierarchical(sheet, idx, j) for j in range(min(len(sheet.rows[idx]), 4))):
            return 0.2  # parents and children interleaved: a hierarchical reader must keep the leaves only
        score = 0.4 + min(n, 8) * 0.05
        if "kode_rekening" in header and ("kode_sub_kegiatan" in header or "kode_skpd" in header):
            score += 0.2
        if "nama_kegiatan" in header or "nama_skpd" in header:
            score += 0.05
        return min(score, 0.95)

    def read(self, sheet: Sheet, options: ReadOptions) -> ReadResult:
        hit = find_header(sheet, options.columns)
        findings: list[Finding] = []
        if hit is None:
            return ReadResult(pd.DataFrame(), findings)
        hidx = hit[0]
        header_row = sheet.rows[hidx]
        mapped: dict[str, int] = {}
        roles: dict[int, str] = {}
        names: dict[int, str] = {}
        for j, cell in enumerate(header_row):
            m = match_header(cell, options.columns)
            if m is None:
                continue
            if m.startswith("$"):
                roles[j], names[j] = m, normalize_header(cell)
            elif m in mapped:
                findings.append(Finding("duplicate_column", f"kolom '{cell}' muncul dua kali; yang pertama dipakai",
                                        sheet.file, sheet.name, sheet.row_numbers[hidx]))
            else:
                mapped[m] = j
        for j, canon in resolve_amounts(roles, names).items():
            mapped.setdefault(canon, j)
        if "anggaran" not in mapped:
            return ReadResult(pd.DataFrame(), findings)
        if {"kode_rekening", "kode_skpd", "nama_skpd"}.isdisjoint(mapped) and "_realisasi" in mapped \
                and "nama_kegiatan" not in mapped:
            findings.append(Finding("not_line_items",
                                    "tabel ringkasan (tanpa kode rekening atau SKPD, mis. portal DJPK), "
                                    "bukan rincian belanja; tidak dimasukkan ke tabel", sheet.file, sheet.name))
            return ReadResult(pd.DataFrame(), findings, {"layout": "ringkasan"})

        body = sheet.rows[hidx + 1 :]
        rownums = sheet.row_numbers[hidx + 1 :]
        width = len(header_row)
        body = [r + [""] * (width - len(r)) if len(r) < width else r for r in body]
        cols = list(zip(*body, strict=False)) if body else [()] * width

        def col(name: str) -> list[object]:
            j = mapped.get(name)
            return list(cols[j]) if j is not None and j < len(cols) else [""] * len(body)

        data: dict[str, list] = {c: _text(col(c)) for c in mapped if not c.startswith("_")
                                 and c not in ("anggaran", "anggaran_sebelum", "harga_satuan")}
        data["sumber_baris"] = list(rownums)
        amounts: dict[str, list[Decimal | None]] = {}
        bad_rows: dict[int, str] = {}
        for name in ("anggaran", "anggaran_sebelum", "harga_satuan", "_tambah", "_kurang"):
            if name not in mapped:
                continue
            parsed = parse_column(col(name))
            vals = parsed.values
            if options.unit:
                vals = [None if v is None else v * options.unit for v in vals]
            amounts[name] = vals
            if name in ("anggaran", "anggaran_sebelum"):
                for i, why in parsed.errors.items():
                    bad_rows.setdefault(i, f"{header_row[mapped[name]]}: {why}")
                for i, txt in parsed.ambiguous.items():
                    findings.append(Finding("ambiguous_amount", f"format angka {txt!r} ambigu; dibaca sebagai "
                                            f"{rupiah(vals[i])}", sheet.file, sheet.name, rownums[i]))
        n = len(body)
        codes_raw = data.get("kode_rekening", [""] * n)
        # a code may sit inside the name column ("5.1.02.01.01.0052 Belanja Mamin Rapat")
        if "nama_rekening" in data:
            for i, (c, nm) in enumerate(zip(codes_raw, data["nama_rekening"], strict=True)):
                code, rest = split_code_and_name(nm)
                if code and (not c or normalize_code(c) == normalize_code(code)):
                    codes_raw[i] = c or code
                    data["nama_rekening"][i] = rest
        if "kode_rekening" in mapped or any(codes_raw):
            data["kode_rekening"] = codes_raw
        has_code_column = "kode_rekening" in data
        chart = options.chart or _file_chart(codes_raw)
        norm = {c: normalize_code(c, chart) for c in set(codes_raw) if c}
        if "_spek" in mapped:
            spek = _text(col("_spek"))
            base = data.get("uraian", [""] * n)
            data["uraian"] = [f"{u} | Spesifikasi: {s}" if s and u else (u or s) for u, s in zip(base, spek, strict=True)]

        keep: list[int] = []
        stated_totals: list[tuple[int, Decimal]] = []
        anggaran = amounts["anggaran"]
        sebelum = amounts.get("anggaran_sebelum")
        for i in range(n):
            code = codes_raw[i]
            if i in bad_rows:
                findings.append(Finding("unreadable_amount", f"jumlah tidak terbaca ({bad_rows[i]}); baris tidak dihitung",
                                        sheet.file, sheet.name, rownums[i], "error",
                                        {"kode_rekening": code}))
                continue
            a = anggaran[i]
            b = sebelum[i] if sebelum else None
            if a is None and b is None:
                continue  # sub kegiatan header rows and blank lines carry no money
            if has_code_column and not code:
                label = " ".join(str(x) for x in body[i] if isinstance(x, str) and x.strip())
                if _TOTAL_WORDS.match(label) or _is_blank_except_amounts(body[i], mapped):
                    stated_totals.append((i, a if a is not None else Decimal(0)))
                    continue
                findings.append(Finding("malformed_code", "baris beranggaran tanpa kode rekening; tetap dihitung",
                                        sheet.file, sheet.name, rownums[i]))
            elif has_code_column and norm.get(code) is None:
                findings.append(Finding("malformed_code", f"kode rekening {code!r} tidak dikenal; tetap dihitung",
                                        sheet.file, sheet.name, rownums[i]))
            keep.append(i)

        frame = pd.DataFrame({k: [v[i] for i in keep] for k, v in data.items()})
        frame["anggaran"] = [anggaran[i] if anggaran[i] is not None else Decimal("0.00") for i in keep]
        if sebelum is not None:
            frame["anggaran_sebelum"] = [sebelum[i] if sebelum[i] is not None else Decimal("0.00") for i in keep]
        if "harga_satuan" in amounts:
            frame["harga_satuan"] = [amounts["harga_satuan"][i] for i in keep]
        if has_code_column:
            nc = [norm.get(codes_raw[i]) for i in keep]
            frame["kode_rekening_asli"] = [codes_raw[i] for i in keep]
            frame["kode_rekening"] = [c.code if c else "" for c in nc]
            frame["bagan_akun"] = [c.chart if c else "" for c in nc]
        if "tahun" in frame:
            frame["tahun"] = pd.to_numeric(frame["tahun"], errors="coerce").astype("Int64")
        layout = "kegiatan" if not has_code_column else next(
            (v for k, v in _LAYOUT_BY_COLUMN.items() if k in mapped), "sipd_rekap")
        findings += _check_totals(sheet, stated_totals, frame, rownums)
        findings += _check_arithmetic(sheet, amounts, keep, rownums)
        return ReadResult(frame, findings, {"layout": layout, "header_row": sheet.row_numbers[hidx]})


def _is_hierarchical(sheet: Sheet, header_idx: int, col: int, sample: int = 2000) -> bool:
    """True when many codes are parents of other codes (4, 4.1, 4.1.1 ... in one column).

    A flat export (SIPD rekap) lists sub rincian objek only; a printed or penjabaran
    table repeats every level, and adding all its rows would count money twice.
    """
    codes = set()
    for row in sheet.rows[header_idx + 1 : header_idx + 1 + sample]:
        if col < len(row) and isinstance(row[col], str):
            # any dotted numeric code counts, whatever its chart (desa and summary tables too)
            parts = str(row[col]).replace(" ", "").strip(".").split(".")
            if parts and all(p.isdigit() for p in parts):
                codes.add(tuple(int(p) for p in parts))
    if len(codes) < 3:
        return False
    parents = {seg[:k] for seg in codes for k in range(1, len(seg))}
    hit = len(codes & parents)
    return hit >= 3 and hit >= 0.05 * len(codes)


def _is_blank_except_amounts(row: list[object], mapped: dict[str, int]) -> bool:
    amount_cols = {mapped.get("anggaran"), mapped.get("anggaran_sebelum")}
    return all((c is None or str(c).strip() == "") for j, c in enumerate(row) if j not in amount_cols)


def _file_chart(codes: list[str]) -> str | None:
    charts = [c.chart for c in (normalize_code(x) for x in set(codes) if x) if c]
    if not charts:
        return None
    return CHART_2019 if charts.count(CHART_2019) >= charts.count(CHART_2006) else CHART_2006


def _check_totals(sheet: Sheet, stated: list[tuple[int, Decimal]], frame: pd.DataFrame,
                  rownums: list[int]) -> list[Finding]:
    out = []
    if not stated or frame.empty:
        return out
    computed = sum(frame["anggaran"], Decimal("0.00"))
    for i, value in stated:
        if value != computed:
            out.append(Finding("total_mismatch", f"total tertulis {rupiah(value)} berbeda dari jumlah rincian {rupiah(computed)}",
                               sheet.file, sheet.name, rownums[i], "error",
                               {"stated": str(value), "computed": str(computed)}))
    return out


def _check_arithmetic(sheet: Sheet, amounts: dict, keep: list[int], rownums: list[int]) -> list[Finding]:
    """pagu + tambah - kurang = hasil, where a source states all four (Pantau)."""
    if not {"_tambah", "_kurang", "anggaran_sebelum"} <= amounts.keys():
        return []
    out = []
    a, b, t, k = (amounts[x] for x in ("anggaran", "anggaran_sebelum", "_tambah", "_kurang"))
    for i in keep:
        if None in (a[i], b[i], t[i], k[i]):
            continue
        expected = b[i] + t[i] - k[i]
        diff = a[i] - expected
        if diff:
            # a one-rupiah gap is a rounding artefact of the source; still shown, at lower severity
            rounding = abs(diff) <= 1
            out.append(Finding("row_arithmetic",
                               f"pagu + tambah - kurang = {rupiah(expected)} tetapi hasil tertulis {rupiah(a[i])}"
                               + (" (selisih pembulatan)" if rounding else ""),
                               sheet.file, sheet.name, rownums[i], "info" if rounding else "warning",
                               {"expected": str(expected), "stated": str(a[i]), "difference": str(diff)}))
    return out


READER = TabularReader()
