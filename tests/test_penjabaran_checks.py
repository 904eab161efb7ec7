"""Penjabaran: nothing merged or dropped without a finding, and every check recorded.

Real figures come from the DIY files themselves (read by hand, rows quoted below);
the synthetic files are written here with their expected figures.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from efisiensi.read.base import ReadOptions
from efisiensi.read.checkrec import CHECK_CODES
from efisiensi.read.grid import read_grids
from efisiensi.read.penjabaran import READER
from efisiensi.read.penjabaran_checks import same_item

DIY = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real" / "dulkemot-diy" / "files"
D = Decimal
KEYS = {"check", "sheet", "row", "held", "expected", "found", "message"}


def diy(name: str) -> Path:
    if not DIY.exists():
        pytest.skip(f"{DIY} is absent (../shared sits beside the checkout in CI)")
    return DIY / name


def read(path: Path):
    return READER.read(read_grids(path)[0], ReadOptions())


def checks(res, code: str, row: int | None = None) -> list[dict]:
    return [c for c in res.meta["checks"] if c["check"] == code and (row is None or c["row"] == row)]


def test_dlingo_two_perdes_drafts_of_one_price_are_two_items():
    # 3402100003_1480403648.csv (APBDesa Dlingo 2015), lines 37-38: two different drafts
    # under 2.1.5, both Rp 6.050.000. main merged them and 2.1 / 2 no longer reconciled.
    res = read(diy("3402100003_1480403648.csv"))
    f = res.frame
    both = f[f["sumber_baris"].isin([37, 38])]
    assert list(both["anggaran"]) == [D("6050000.00"), D("6050000.00")]
    assert both["nama_rekening"].str.contains("RPJMDesa").tolist() == [True, False]
    # the file's own subtotals now hold: 2.1 (row 32) 625.883.000 and 2 BELANJA DESA (row 31)
    for row, stated in ((32, "625883000.00"), (31, "1808584400.00")):
        [rec] = checks(res, "hierarchy_subtotal", row)
        assert rec["held"] and rec["expected"] == rec["found"] == stated
    assert not [x for x in res.findings if x.code in ("subtotal_mismatch", "duplicate_row")]
    belanja = f[f["kode_rekening"].str.startswith("2.")]
    assert sum(belanja["anggaran"], D(0)) == D("1808584400")


def test_kota_yogyakarta_repeat_is_counted_once_and_said():
    # 3471_1476076710.csv rows 195-197: "5.2.1 BELANJA PEGAWAI" / "Belanja Pegawai" /
    # "Belanja Pegawai", 336.295.101 each, under kegiatan row 194 (469.466.300 =
    # 336.295.101 + 108.933.654 + 24.237.545, each printed three times).
    res = read(diy("3471_1476076710.csv"))
    rows = set(res.frame["sumber_baris"])
    assert 195 in rows and not {196, 197} & rows
    dup = {x.row: x for x in res.findings if x.code == "duplicate_row"}
    assert dup[196].detail["rows"] == [195, 196] and dup[197].detail["rows"] == [195, 197]
    assert "baris 196 mengulang baris 195" in dup[196].message
    [kegiatan] = checks(res, "hierarchy_subtotal", 194)
    assert kegiatan["held"] and kegiatan["expected"] == "469466300.00"
    assert len(checks(res, "repeated_block")) == len(dup) == 106


def test_check_records_have_the_interface_shape():
    res = read(diy("3402_1474880908.csv"))
    recs = res.meta["checks"]
    assert recs and all(set(c) == KEYS and c["check"] in CHECK_CODES for c in recs)
    # every failed check is also a finding at its row
    failed = {c["row"] for c in recs if not c["held"]}
    assert failed and failed <= {x.row for x in res.findings}
    # Bantul 2014 row 20: BELANJA 25.393.693.300 stated before, 25.358.276.104 read
    [rec] = [c for c in checks(res, "hierarchy_subtotal", 20) if not c["held"]]
    assert (rec["expected"], rec["found"]) == ("25393693300.00", "25358276104.00")


HEAD = ("Judul,Penjabaran APBD,,,\r\nDaerah,Kabupaten Contoh,,,\r\nTahun,2015,,,\r\n"
        "Kode Organisasi,1.20.03,,,\r\nNama Organisasi,Dinas Contoh,,,\r\nKolom,4,,,\r\n"
        "No. Rekening,Uraian,Jumlah,Keterangan\r\n")
P = "1.20 . 1.20.03 . 01.02 . "


def _file(tmp_path: Path, body: list[str]) -> Path:
    path = tmp_path / "contoh.csv"
    path.write_text(HEAD + "\r\n".join(body) + "\r\n", encoding="utf-8")
    return path


def _body(lines: list[str], total: int, label: str = "JUMLAH BELANJA") -> list[str]:
    return [f"1.20 . 1.20.03 . 00.00 . 5 ,BELANJA ,{total},",
            f"1.20 . 1.20.03 . 01 ,Program Pelayanan Administrasi ,{total},",
            f"1.20 . 1.20.03 . 01.02 ,Rapat Koordinasi ,{total},Sumber Dana : PAD",
            *lines, f",{label},{total},"]


@pytest.mark.parametrize("first, second", [("BELANJA PEGAWAI ", "Belanja Pegawai"),
                                           ("DANA ALOKASI UMUM (DAU)", "Dana Alokasi Umum")])
def test_repeated_line_in_two_spellings_is_counted_once(tmp_path, first, second):
    body = _body([f"{P}5.2.1 ,{first},500000,", f"{P}5.2.1 ,{second},500000,",
                  f"{P}5.2.2.15.01 ,Perjalanan Dinas ,1000000,"], 1500000)
    res = read(_file(tmp_path, body))
    assert list(res.frame["sumber_baris"]) == [11, 13]
    assert sum(res.frame["anggaran"], D(0)) == D("1500000")
    assert [(x.code, x.row, x.detail["rows"]) for x in res.findings] == [("duplicate_row", 12, [11, 12])]
    assert all(c["held"] for c in res.meta["checks"])


@pytest.mark.parametrize("a, b", [("Perjalanan Dinas (Kabupaten A)", "Perjalanan Dinas (Kabupaten B)"),
                                  ("Perdes RPJMDesa", "Perdes Tanah Kas Desa")])
def test_same_code_and_amount_with_other_names_are_two_items(tmp_path, a, b):
    body = _body([f"{P}5.2.2.15.01 ,{a},500000,", f"{P}5.2.2.15.01 ,{b},500000,"], 1000000)
    res = read(_file(tmp_path, body))
    assert list(res.frame["sumber_baris"]) == [11, 12]
    assert res.findings == []
    assert [c["check"] for c in res.meta["checks"]].count("total_row") == 1


@pytest.mark.parametrize("label", ["JUMLAH BELANJA", "Jumlah Belanja Daerah"])
def test_wrong_total_row_is_a_failed_check_and_a_finding(tmp_path, label):
    body = _body([f"{P}5.2.2.15.01 ,Perjalanan Dinas ,1000000,"], 1000000, label)
    body[-1] = f",{label},1200000,"
    res = read(_file(tmp_path, body))
    [rec] = checks(res, "total_row")
    assert (rec["held"], rec["row"], rec["expected"], rec["found"]) == (False, 12, "1200000.00", "1000000.00")
    assert [(x.code, x.row) for x in res.findings] == [("total_mismatch", 12)]


def test_surplus_written_in_the_code_cell_is_read_where_it_sits(tmp_path):
    # "SURPLUS / (DEFISIT) ,-1000000" : no Uraian, the amount one column left
    body = _body([f"{P}5.2.2.15.01 ,Perjalanan Dinas ,1000000,"], 1000000)
    body.append("SURPLUS / (DEFISIT) ,-1000000,,")
    res = read(_file(tmp_path, body))
    rec = checks(res, "total_row", 13)
    assert [(c["held"], c["expected"]) for c in rec] == [(True, "-1000000.00")]


def test_uncoded_rows_with_money_are_a_breakdown_or_a_finding(tmp_path):
    good = _body([f"{P}5.2.2.15.01 ,Perjalanan Dinas ,1000000,", ",Tiket,600000,", ",Uang harian,400000,"],
                 1000000)
    res = read(_file(tmp_path, good))
    assert res.findings == [] and [c["held"] for c in checks(res, "hierarchy_subtotal", 11)] == [True]
    bad = _body([f"{P}5.2.2.15.01 ,Perjalanan Dinas ,1000000,", f"{P}5.2.2.15.01.a ,Tiket,600000,"], 1000000)
    res = read(_file(tmp_path, bad))
    [x] = res.findings
    assert (x.code, x.row, x.detail["amount"]) == ("skipped_amount", 12, "600000.00")
    assert "600.000" in x.message and "baris 11" in x.message


def test_coded_row_with_money_and_nothing_to_check_it_is_a_finding(tmp_path):
    body = _body([f"{P}5.2.2.15.01 ,Perjalanan Dinas ,1000000,"], 1000000)
    body.insert(0, "1.20 ,URUSAN WAJIB ,1000000,")
    res = read(_file(tmp_path, body))
    assert [(x.code, x.row, x.severity) for x in res.findings] == [("skipped_amount", 8, "info")]
    assert "1.000.000" in res.findings[0].message
    # an akun row with money and no line under it: its rupiah are not in the table
    body = _body([f"{P}5.2.2.15.01 ,Perjalanan Dinas ,1000000,"], 1000000)
    body.insert(0, "1.20 . 1.20.03 . 00.00 . 6 ,PEMBIAYAAN DAERAH ,250000,")
    res = read(_file(tmp_path, body))
    assert [(x.code, x.row, x.severity) for x in res.findings] == [("skipped_amount", 8, "warning")]


def test_same_item():
    assert same_item("Belanja  Barang dan Jasa", "Belanja Barang Dan Jasa")
    assert not same_item("Perdes (RPJMDesa dan RKPDesa)", "Perdes (Organisasi Pemerintah Desa)")
    assert not same_item("Belanja Pegawai", "Belanja Pegawai Honor")
