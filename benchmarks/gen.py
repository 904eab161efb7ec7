"""Realistic synthetic APBD files for the benchmarks, grown from the Buru samples.

Every generated row is a real Buru row (SKPD, sub unit, program, kegiatan, sub kegiatan,
sumber dana, rekening, paket text) from ``data/samples/*.xlsx``, replicated into more sub
units with perturbed amounts and paket texts, so codes, text lengths, the share of sub
kegiatan header rows (no rekening, empty PAGU) and the number of distinct texts look like
a real Pemda export. Workbooks are written with xlsxwriter with shared strings, like SIPD's own exports.
"""

from __future__ import annotations

import csv
import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
HEADER = ["NO", "TAHUN", "KODE URUSAN", "NAMA URUSAN", "KODE SKPD", "NAMA SKPD", "KODE SUB UNIT",
          "NAMA SUB UNIT", "KODE BIDANG URUSAN", "NAMA BIDANG URUSAN", "KODE PROGRAM", "NAMA PROGRAM",
          "KODE KEGIATAN", "NAMA KEGIATAN", "KODE SUB KEGIATAN", "NAMA SUB KEGIATAN", "KODE SUMBER DANA",
          "NAMA SUMBER DANA", "KODE REKENING", "NAMA REKENING", "PAKET/KELOMPOK", "NAMA PAKET/KELOMPOK",
          "PAGU"]
PLACES = ["Namlea", "Waeapo", "Waplau", "Lolong Guba", "Air Buaya", "Fena Leisela", "Kayeli", "Teluk Kayeli",
          "Lilialy", "Batabual", "Waelata", "Ambon", "Jakarta", "Makassar", "Surabaya", "Desa Sawa",
          "Desa Savana Jaya", "Desa Waenetat", "Desa Wamlana", "Kecamatan Namrole"]
TITLE = ["PEMERINTAH KABUPATEN SINTETIS", "RINCIAN APBD MENURUT URUSAN PEMERINTAHAN DAERAH, ORGANISASI, "
         "PROGRAM, KEGIATAN, SUB KEGIATAN, SUMBER DANA DAN REKENING", "TAHUN ANGGARAN 2025", ""]


def templates() -> list[list[object]]:
    """Every body row of the four Buru rekap samples, in file order."""
    from python_calamine import CalamineWorkbook

    rows: list[list[object]] = []
    for f in sorted(SAMPLES.glob("*.xlsx")):
        wb = CalamineWorkbook.from_path(str(f))
        body = wb.get_sheet_by_name(wb.sheet_names[0]).to_python()[1:]
        rows += [list(r) for r in body]
    return rows


_TEMPLATES: list[list[object]] | None = None


def rows(n: int, seed: int = 2025, skpd_per_file: bool = False, start: int = 0) -> Iterator[list[object]]:
    """``n`` rekap rows: the Buru rows replicated into sub units, amounts perturbed.

    Replica ``r`` renames every sub unit (``…0000`` → ``…{r:04d}``) and gives every
    third paket text a place name; amounts are scaled by a random factor and rounded to
    the thousand, and one line in forty carries sen. Header rows (no rekening) keep an
    empty PAGU, as SIPD writes them.
    """
    global _TEMPLATES
    rnd = random.Random(seed)
    if _TEMPLATES is None:
        _TEMPLATES = templates()
    base = _TEMPLATES
    k = start  # rows ``start`` … ``start + n - 1`` of the stream (one agency file of many)
    replica, first = divmod(start, len(base))
    while True:
        for t in base[first:]:
            if k >= start + n:
                return
            r = list(t)
            r[0] = float(k + 1)
            if replica:
                r[6] = f"{r[6][:-4]}{replica:04d}"
                r[7] = f"{r[7]} Unit {replica}"
            if r[18] != "" and r[22] != "":
                if k % 3 == 0 and r[21]:
                    r[21] = f"{r[21]} {PLACES[(k // 3) % len(PLACES)]}"
                amount = float(r[22] or 0) * rnd.uniform(0.5, 1.5)
                amount = round(amount / 1000) * 1000
                if k % 40 == 7:
                    amount += rnd.randint(1, 99) / 100
                r[22] = amount
            yield r
            k += 1
        replica += 1
        first = 0


def write_xlsx(path: Path, body: Iterator[list[object]] | list[list[object]], title: bool = False) -> int:
    import xlsxwriter

    # shared strings, as SIPD writes its exports (constant_memory would write inline
    # strings: a third larger, and slower to parse for every reader)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet 1")
    r = 0
    if title:
        for line in TITLE:
            ws.write_row(r, 0, [line])
            r += 1
    ws.write_row(r, 0, HEADER)
    r += 1
    n = 0
    for row in body:
        ws.write_row(r, 0, row)
        r += 1
        n += 1
    wb.close()
    return n


def indonesian(v: float) -> str:
    """``1234567.5`` as SIPD's Indonesian export writes it: ``1.234.567,50``."""
    whole, sen = f"{v:,.2f}".split(".")
    return whole.replace(",", ".") + ("," + sen if sen != "00" else "")


def write_csv(path: Path, body: Iterator[list[object]], sep: str = ",", indonesian_numbers: bool = False) -> int:
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=sep)
        w.writerow(HEADER)
        for row in body:
            out = []
            for j, v in enumerate(row):
                if isinstance(v, float):
                    if j == 22:
                        out.append(indonesian(v) if indonesian_numbers else f"{v:.2f}")
                    else:
                        out.append(str(int(v)))
                else:
                    out.append(v)
            w.writerow(out)
            n += 1
    return n


def _agency_csv(args: tuple[Path, int, int, int]) -> int:
    folder, i, per_file, seed = args
    body = []
    for r in rows(per_file, seed=seed * 100_003 + i, start=i * per_file):
        r[4] = f"9.{i // 100:02d}.{i % 100:02d}.00.0.00.01.0000"
        r[5] = f"Badan Sintetis {i}"
        body.append(r)
    path = folder / f"pemda_{i // 40:03d}_skpd_{i % 40:02d}.csv"
    tmp = path.with_name(path.name + ".part")
    write_csv(tmp, iter(body), sep=";", indonesian_numbers=True)
    tmp.rename(path)
    return per_file


def write_agency_csvs(folder: Path, files: int, per_file: int, seed: int = 11, processes: int | None = None) -> int:
    """``files`` agency CSV exports (``;``, Indonesian numbers) of ``per_file`` rows each,
    one SKPD a file, as a national collection of SIPD exports looks (the national run).

    File ``i`` holds rows ``i × per_file …`` of the replicated Buru stream (so files differ
    in sub units and texts, as SKPD do), its amounts drawn from a seed of its own: the set
    is the same whatever the number of processes writing it (one per core by default);
    files already written are kept, so an interrupted generation continues.
    """
    import multiprocessing

    folder.mkdir(parents=True, exist_ok=True)
    todo = [(folder, i, per_file, seed) for i in range(files)
            if not (folder / f"pemda_{i // 40:03d}_skpd_{i % 40:02d}.csv").exists()]
    procs = processes or os.cpu_count() or 1
    if procs > 1 and len(todo) > 1:
        with multiprocessing.get_context("spawn").Pool(procs) as pool:
            for _ in pool.imap_unordered(_agency_csv, todo, chunksize=8):
                pass
    else:
        for job in todo:
            _agency_csv(job)
    return files


def write_per_skpd(folder: Path, n: int) -> int:
    """The ``n`` rows split into one workbook per SKPD (as a Pemda's SKPD send them)."""
    folder.mkdir(parents=True, exist_ok=True)
    by: dict[str, list[list[object]]] = {}
    for r in rows(n):
        by.setdefault(r[4], []).append(r)
    for i, (_, body) in enumerate(sorted(by.items())):
        write_xlsx(folder / f"skpd_{i:02d}.xlsx", body)
    return len(by)


def write_agencies(folder: Path, files: int, per_file: int) -> int:
    """``files`` small agency workbooks: each a distinct SKPD of ``per_file`` rows."""
    folder.mkdir(parents=True, exist_ok=True)
    src = rows(files * per_file, seed=7)
    for i in range(files):
        body = []
        for _ in range(per_file):
            r = next(src)
            r[4] = f"9.{i:02d}.0.00.0.00.01.0000"
            r[5] = f"Badan Sintetis {i}"
            body.append(r)
        write_xlsx(folder / f"agency_{i:03d}.xlsx", body)
    return files


def write_dppa(path: Path, blocks: int) -> None:
    """A printed DPPA workbook (tests/dppa_fixture.py) with ``blocks`` sub kegiatan per sheet."""
    sys.path.insert(0, str(ROOT / "tests"))
    from dppa_fixture import SPEC, build_dppa_workbook

    spec = tuple(SPEC[i % len(SPEC)] for i in range(blocks))
    build_dppa_workbook(path, spec=spec, page_break_after=None)


if __name__ == "__main__":  # pragma: no cover - manual use
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "bench-data")
    out.mkdir(exist_ok=True)
    print(write_xlsx(out / "rekap_1000.xlsx", rows(1000)))
