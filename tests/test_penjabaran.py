"""The old-chart penjabaran reader on the 84 real DIY files and on a synthetic file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from efisiensi._errors import LoadError
from efisiensi.read._oldcodes import parse_old_code
from efisiensi.read.base import ReadOptions
from efisiensi.read.grid import Sheet, read_grids
from efisiensi.read.numbers import parse_column
from efisiensi.read.penjabaran import READER

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DIY = SHARED / "data" / "real" / "dulkemot-diy" / "files"
D = Decimal

# dulkemot-diy/README.md "Reference totals": travel object 5.2.2.15, Sebelum -> Sesudah
TRAVEL = {
    "3401_1475658126.csv": (D("133215000"), D("142580000")),
    "3401_1480397781.csv": (D("133215000"), D("142580000")),
    "3402_1474880908.csv": (D("582957000"), D("543467000")),
    "3402_1473841363.csv": (D("464505000"), D("464195300")),
}


def diy(name: str) -> Path:
    if not DIY.exists():
        pytest.skip(f"{DIY} is absent (../shared sits beside the checkout in CI)")
    return DIY / name


def read(path: Path):
    sheet = read_grids(path)[0]
    return sheet, READER.read(sheet, ReadOptions())


def travel(frame):
    from efisiensi.read.codes import AccountCode

    mask = [k != "" and AccountCode(k, "13/2006").startswith("5.2.2.15")
            for k in frame["kode_rekening"]]
    return frame[mask]


@pytest.mark.parametrize("name", sorted(TRAVEL))
def test_reference_travel_totals(name):
    sheet, res = read(diy(name))
    assert READER.sniff(sheet) >= 0.8
    rows = travel(res.frame)
    before, after = TRAVEL[name]
    assert sum(rows["anggaran_sebelum"], D(0)) == before
    assert sum(rows["anggaran"], D(0)) == after
    assert all(isinstance(v, Decimal) for v in rows["anggaran"])
    # leaves only: no object row (5.2.2.15) beside its rincian rows
    assert set(rows["kode_rekening"]) <= {"5.2.2.15.01", "5.2.2.15.02"}


def test_comma_and_semicolon_twins_read_the_same():
    _, a = read(diy("3401_1475658126.csv"))
    _, b = read(diy("3401_1480397781.csv"))
    # the twins differ in row numbers and in the organisation name of their preamble
    cols = [c for c in a.frame.columns if c not in ("sumber_baris", "nama_skpd")]
    assert len(a.frame) == len(b.frame) > 300
    assert a.frame[cols].equals(b.frame[cols])


def test_context_columns_on_a_leaf():
    _, res = read(diy("3402_1474880908.csv"))
    f = res.frame
    row = f[f["kode_rekening"] == "5.2.2.03.01"].iloc[0]
    assert row["kode_kegiatan"] == "2.01.2.01.01.01.02"
    assert row["nama_kegiatan"] == row["nama_sub_kegiatan"]
    assert row["nama_kegiatan"].startswith("Penyediaan Jasa Komunikasi")
    assert row["nama_program"] == "Program Pelayanan Administrasi Perkantoran"
    assert row["sumber_dana"] == "Dana Alokasi Umum (D A U)"
    assert row["tahun"] == 2014 and row["kode_skpd"] == "2.01.01"
    assert row["bagan_akun"] == "13/2006" and "10.000.000,00" in row["keterangan"]


def test_every_real_file_reads_without_exception():
    if not DIY.exists():
        pytest.skip(f"{DIY} is absent")
    files = sorted(DIY.glob("*.csv"))
    assert len(files) == 84
    failed, with_leaves = [], 0
    for path in files:
        try:
            sheet = read_grids(path)[0]
        except LoadError:
            failed.append(path.name)
            continue
        READER.sniff(sheet)
        res = READER.read(sheet, ReadOptions())
        with_leaves += len(res.frame) > 0
        assert {"sumber_baris", "anggaran"} <= set(res.frame.columns)
    assert failed == ["3402_1472867378.csv"]  # the 0-byte file
    assert with_leaves >= 80


def _stated_total(sheet, root: int) -> tuple[int, Decimal]:
    """The file's own top-level total row (akun 4/5) and its Sesudah/Jumlah amount."""
    for i, row in enumerate(sheet.rows):
        code = parse_old_code(str(row[0])) if row else None
        if code and code.account == (root,):
            col = 3 if len(row) > 6 and row[3].strip() else 2
            return sheet.row_numbers[i], parse_column([row[col]]).values[0]
    raise AssertionError("no total row")


@pytest.mark.parametrize("name", ["3401_1475658126.csv", "3402_1473841363.csv",
                                  "3401_1476080722.csv", "3402_1475312269.csv"])
def test_no_double_counting_against_the_stated_belanja_total(name):
    sheet, res = read(diy(name))
    row, stated = _stated_total(sheet, 5)
    belanja = res.frame[res.frame["kode_rekening"].str.startswith("5.")]
    assert sum(belanja["anggaran"], D(0)) == stated
    assert not [f for f in res.findings if f.code == "subtotal_mismatch" and f.row == row]


def test_source_mismatches_are_reported():
    # Bantul 2014: the BELANJA row states 25.393.693.300 before, its lines add to 25.358.276.104
    _, res = read(diy("3402_1474880908.csv"))
    hits = [f for f in res.findings if f.code == "subtotal_mismatch" and f.row == 20]
    assert [(f.detail["stated"], f.detail["computed"]) for f in hits] == [
        ("25393693300.00", "25358276104.00")]
    assert all(f.file and f.row for f in res.findings if f.code == "subtotal_mismatch")
    # Kota Yogyakarta 2016: a rincian typed with the whole belanja langsung total
    _, res = read(diy("3471_1474362312.csv"))
    assert any(f.code == "subtotal_mismatch" and f.detail["computed"] == "10151618359.00"
               for f in res.findings)


def test_economic_class_realisasi_gives_an_empty_frame_and_a_finding():
    _, res = read(diy("34_1472465980.csv"))
    assert len(res.frame) == 0
    assert [f.code for f in res.findings] == ["not_line_items"]


SYNTHETIC = (
    "Judul,Penjabaran Perubahan APBD,,,,,\r\n"
    "Daerah,Kabupaten Contoh,,,,,\r\n"
    "Tahun,2014,,,,,\r\n"
    "Kode Organisasi,1.20.03,,,,,\r\n"
    "Nama Organsisasi,Dinas Contoh,,,,,\r\n"
    "Kolom,7,,,,,\r\n"
    "No. Rekening;Uraian;Sebelum;Sesudah;Angka;Prosentase;Keterangan\r\n"
    "1.20 . 1.20.03 . 00.00 . 5 ;BELANJA ;1.500.000,00;1.200.000,00;;;\r\n"
    "1.20 . 1.20.03 . 00.00 . 5.2 ;BELANJA LANGSUNG ;1.500.000,00;1.200.000,00;;;\r\n"
    "1.20 . 1.20.03 . 01 ;Program Pelayanan Administrasi ;1.500.000,00;1.200.000,00;;;\r\n"
    "1.20 . 1.20.03 . 01.02 ;Rapat Koordinasi ;1.500.000,00;1.200.000,00;;;"
    "Sumber Dana : Dana Alokasi Umum (D A U)\r\n"
    "1.20 . 1.20.03 . 01.02 . 5.2.2 ;Belanja Barang dan Jasa ;1.500.000,00;1.200.000,00;;;\r\n"
    "1.20 . 1.20.03 . 01.02 . 5.2.2.15 ;Belanja Perjalanan Dinas ;1.000.000,00;700.000,00;;;\r\n"
    "1.20 . 1.20.03 . 01.02 . 5.2.2.15.01 ;Perjalanan Dinas Dalam Daerah ;600.000,00;"
    "300.000,00;;;2 org x 150.000,00\r\n"
    ";;;;;;= 300.000,00\r\n"
    '"1.20 . 1.20.03 . 01.02 . 5.2.2.15.02 ;Perjalanan Dinas Luar Daerah ;400.000,00;'
    '400.000,00;;;"\r\n'
    "1.20 . 1.20.03 . 01.02 . 5.2.2.11 ;Belanja Makanan dan Minuman ;500.000,00;500.000,00;;;\r\n"
    "1.20 . 1.20.03 . 01.02 . 5.2.2.11.02 ;Mamin Rapat \u2013 Tamu ;#REF!;500.000,00;;;\r\n"
).encode("cp1252")


def test_synthetic_file(tmp_path):
    path = tmp_path / "contoh.csv"
    path.write_bytes(SYNTHETIC)
    sheet, res = read(path)
    assert READER.sniff(sheet) >= 0.8
    f = res.frame
    assert list(f["kode_rekening"]) == ["5.2.2.15.01", "5.2.2.15.02"]
    assert list(f["anggaran_sebelum"]) == [D("600000.00"), D("400000.00")]
    assert list(f["anggaran"]) == [D("300000.00"), D("400000.00")]
    assert list(f["sumber_baris"]) == [14, 16]
    first = f.iloc[0]
    assert first["keterangan"] == "2 org x 150.000,00 = 300.000,00"
    assert (first["nama_kegiatan"], first["nama_program"]) == (
        "Rapat Koordinasi", "Program Pelayanan Administrasi")
    assert (first["sumber_dana"], first["tahun"], first["kode_skpd"], first["nama_skpd"]) == (
        "Dana Alokasi Umum (D A U)", 2014, "1.20.03", "Dinas Contoh")
    bad = [x for x in res.findings if x.code == "unreadable_amount"]
    assert [(x.row, "#REF!" in x.message, "\u2013" in x.message) for x in bad] == [(18, True, True)]
    # the parents now miss the unreadable line: reported, and marked as partial
    mism = [x for x in res.findings if x.code == "subtotal_mismatch"]
    assert {x.row for x in mism} >= {17, 12, 8} and all(x.detail["partial"] for x in mism)
    assert {x.detail["column"] for x in mism} == {"anggaran_sebelum", "anggaran"}


def test_sniff_leaves_a_flat_sipd_rekap_to_another_reader():
    header = ["NO", "TAHUN", "KODE SKPD", "NAMA SKPD", "KODE SUB KEGIATAN", "NAMA SUB KEGIATAN",
              "KODE REKENING", "NAMA REKENING", "URAIAN", "PAGU"]
    row = ["1", "2025", "1.02.0.00.0.00.01.0000", "Dinas", "1.02.01.2.06.0009", "Rapat",
           "5.1.02.04.01.0001", "Perjalanan Dinas Biasa", "x", "1000"]
    sheet = Sheet("rekap.xlsx", "Sheet1", [header, row], [1, 2])
    assert READER.sniff(sheet) <= 0.3
    assert READER.sniff(Sheet("x.csv", "", [["a", "b"], ["1", "2"]], [1, 2])) == 0
