"""The printed DPPA/DPA "Rincian Belanja" reader, on workbooks built by ``dppa_fixture``.

Expected figures come from the fixture's own spec (volume × unit price per component),
never from the reader's output.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest

from efisiensi._money import MONEY, money_sum
from efisiensi._schema import conform, validate
from efisiensi.read.base import ReadOptions
from efisiensi.read.dppa import READER
from efisiensi.read.grid import Sheet, read_grids
from tests.conftest import REAL
from tests.dppa_fixture import build_dppa_workbook

SHEETS = ("DPPA angka", "DPPA teks")


def _read(path: Path, **build) -> dict[str, tuple]:
    expected = build_dppa_workbook(path, **build)
    return {s.name: (s, READER.read(s, ReadOptions()), expected[s.name]) for s in read_grids(path)}


@pytest.fixture(scope="module")
def dppa(tmp_path_factory) -> dict[str, tuple]:
    return _read(tmp_path_factory.mktemp("dppa") / "dppa_2025.xlsx")


@pytest.mark.parametrize("name", SHEETS)
def test_leaf_count_and_exact_totals(dppa, name):
    _, res, exp = dppa[name]
    frame = res.frame
    assert len(exp.leaves) == 12
    assert len(frame) == len(exp.leaves)
    assert frame["anggaran"].dtype == MONEY and frame["anggaran_sebelum"].dtype == MONEY
    assert isinstance(frame["anggaran"].iloc[0], Decimal)
    assert money_sum(frame["anggaran"]) == exp.total_sesudah == Decimal("34669780.90")
    assert money_sum(frame["anggaran_sebelum"]) == exp.total_sebelum == Decimal("46473671.35")
    assert res.findings == []


@pytest.mark.parametrize("name", SHEETS)
def test_context_carried_onto_every_component(dppa, name):
    _, res, exp = dppa[name]
    frame = res.frame
    assert list(frame["kelompok"]) == [leaf.kelompok for leaf in exp.leaves]
    assert list(frame["keterangan"]) == [leaf.keterangan for leaf in exp.leaves]
    assert list(frame["kode_rekening"]) == [leaf.kode_rekening for leaf in exp.leaves]
    assert list(frame["kode_sub_kegiatan"]) == [leaf.kode_sub_kegiatan for leaf in exp.leaves]
    assert list(frame["sumber_dana"]) == [leaf.sumber_dana for leaf in exp.leaves]
    assert list(frame["koefisien"]) == [leaf.koefisien for leaf in exp.leaves]
    assert list(frame["harga_satuan"]) == [leaf.harga for leaf in exp.leaves]
    assert list(frame["anggaran"]) == [leaf.sesudah for leaf in exp.leaves]
    assert list(frame["anggaran_sebelum"]) == [leaf.sebelum for leaf in exp.leaves]
    for uraian, leaf in zip(frame["uraian"], exp.leaves, strict=True):
        assert uraian == f"{leaf.nama} | Spesifikasi: {leaf.spek}"
    first = frame.iloc[0]
    assert (first.tahun, first.kode_skpd, first.nama_skpd) == (
        2025, "1.01.0.00.0.00.01.0000", "Dinas Pendidikan dan Kebudayaan")
    assert (first.kode_kegiatan, first.kode_program, first.bagan_akun) == ("1.01.01.2.01", "1.01.01", "90/2019")
    assert frame["nama_rekening"].iloc[-1] == "Belanja Perjalanan Dinas Biasa"
    # the two sub kegiatan of the sheet keep their own kegiatan
    assert set(frame["kode_kegiatan"]) == {"1.01.01.2.01", "1.01.01.2.06"}


@pytest.mark.parametrize("name", SHEETS)
def test_provenance_points_at_component_rows(dppa, name):
    sheet, res, exp = dppa[name]
    rows = list(res.frame["sumber_baris"])
    assert rows == [leaf.row for leaf in exp.leaves]
    for row, leaf in zip(rows, exp.leaves, strict=True):
        cells = sheet.rows[sheet.row_numbers.index(row)]
        assert cells[1] == leaf.nama  # the Uraian cell of that Excel row is the component


@pytest.mark.parametrize("name", SHEETS)
def test_leaves_add_up_to_stated_jumlah(dppa, name):
    _, res, exp = dppa[name]
    stated = res.meta["stated_total"]
    assert stated["anggaran"] == money_sum(res.frame["anggaran"])
    assert stated["anggaran_sebelum"] == money_sum(res.frame["anggaran_sebelum"])
    assert stated["row"] == exp.jumlah_rows[-1]
    assert [t["row"] for t in res.meta["stated_totals"]] == exp.jumlah_rows
    for t in res.meta["stated_totals"]:
        assert t["computed"] == {"anggaran": t["anggaran"], "anggaran_sebelum": t["anggaran_sebelum"]}


@pytest.mark.parametrize("name", SHEETS)
def test_new_and_cut_lines_are_kept(dppa, name):
    frame = dppa[name][1].frame.set_index("uraian")
    cut = frame.loc["Map Plastik | Spesifikasi: Map plastik kancing"]
    assert (cut.anggaran, cut.anggaran_sebelum) == (Decimal("0.00"), Decimal("150000.00"))
    new = frame.loc["Biaya Penginapan | Spesifikasi: Hotel Kota Ambon, golongan III"]
    assert (new.anggaran, new.anggaran_sebelum) == (Decimal("2224000.00"), Decimal("0.00"))


@pytest.mark.parametrize("name", SHEETS)
def test_repeated_page_header_is_not_data(dppa, name):
    _, res, exp = dppa[name]
    assert len(exp.repeated_header_rows) == 2
    assert exp.repeated_header_rows[0] in res.meta["header_rows"]
    assert not set(res.frame["sumber_baris"]) & set(exp.header_rows)
    assert not res.frame["uraian"].str.contains("Koefisien|Kode Rekening").any()
    # the page broke between "Nasi Kotak" and its Spesifikasi line, which still belongs to it
    before_break = [leaf for leaf in exp.leaves if leaf.row < exp.repeated_header_rows[0]][-1]
    row = res.frame.set_index("sumber_baris").loc[before_break.row]
    assert row.uraian == "Nasi Kotak | Spesifikasi: Nasi kotak rapat lengkap"


def test_frame_conforms_to_the_line_item_schema(dppa):
    frame = conform(dppa["DPPA teks"][1].frame)
    validate(frame)
    assert frame.equals(conform(dppa["DPPA angka"][1].frame))


@pytest.mark.parametrize("wrong, level", [("5.1.02.04.01.0001", "sub rincian objek"),
                                          ("[#] Rapat Koordinasi Internal", "[#]"),
                                          ("5.1.02", "jenis")])
def test_wrong_subtotal_is_reported_at_its_row(tmp_path, wrong, level):
    for name, (_, res, exp) in _read(tmp_path / "salah.xlsx", wrong_subtotal=wrong).items():
        found = [f for f in res.findings if f.code == "subtotal_mismatch"]
        assert len(found) == 1, name
        f = found[0]
        assert (f.row, f.sheet, f.file) == (exp.wrong_subtotal_row, name, str(tmp_path / "salah.xlsx"))
        assert f.detail["level"] == level and f.detail["column"] == "anggaran"
        assert f.detail["stated"] - f.detail["computed"] == Decimal("100000.00")
        # the lines themselves are still read in full
        assert money_sum(res.frame["anggaran"]) == exp.total_sesudah


def test_wrong_jumlah_is_a_total_mismatch(tmp_path):
    for _, res, exp in _read(tmp_path / "jumlah.xlsx", wrong_subtotal="JUMLAH").values():
        assert [(f.code, f.row) for f in res.findings] == [("total_mismatch", exp.jumlah_rows[0])]
        assert res.findings[0].detail["computed"] == money_sum(res.frame["anggaran"].iloc[:7])


def test_unreadable_amount_is_a_finding_with_its_row(dppa):
    sheet, _, exp = dppa["DPPA teks"]
    broken = copy.deepcopy(sheet)
    leaf = exp.leaves[4]
    broken.rows[broken.row_numbers.index(leaf.row)][11] = "#REF!"
    res = READER.read(broken, ReadOptions())
    bad = [f for f in res.findings if f.code == "unreadable_amount"]
    assert [(f.row, f.detail["column"]) for f in bad] == [(leaf.row, "jumlah")]
    assert leaf.row not in set(res.frame["sumber_baris"])
    # its parents now disagree with the lines that could be read: said, not hidden
    assert any(f.code == "subtotal_mismatch" for f in res.findings)


def test_bertambah_berkurang_is_checked(dppa):
    sheet, _, exp = dppa["DPPA teks"]
    broken = copy.deepcopy(sheet)
    row = exp.leaves[0].row
    assert broken.rows[broken.row_numbers.index(row)][12] == "(110.000,00)"
    broken.rows[broken.row_numbers.index(row)][12] = "(100.000,00)"
    res = READER.read(broken, ReadOptions())
    assert [(f.code, f.row) for f in res.findings] == [("row_arithmetic", row)]


def test_dpa_with_one_stage(tmp_path):
    for _, res, exp in _read(tmp_path / "dpa.xlsx", perubahan=False, grand_total=True).values():
        assert len(res.frame) == len(exp.leaves) == 11  # the new line is not in the murni DPA
        assert res.frame["anggaran_sebelum"].isna().all()
        assert money_sum(res.frame["anggaran"]) == exp.total_sesudah == Decimal("46473671.35")
        assert res.meta["stated_totals"][-1]["scope"] == "lembar"
        assert res.meta["stated_total"] == {"row": exp.jumlah_rows[-1], "anggaran": exp.total_sesudah}
        assert list(res.frame["kelompok"]) == [leaf.kelompok for leaf in exp.leaves]
        assert res.findings == []


def test_export_without_components_reads_sub_rincian_objek(tmp_path):
    for _, res, exp in _read(tmp_path / "akun.xlsx", components=False).values():
        assert list(res.frame["sumber_baris"]) == [leaf.row for leaf in exp.leaves]
        assert list(res.frame["kode_rekening"]) == [leaf.kode_rekening for leaf in exp.leaves]
        assert len(res.frame) == 6
        assert money_sum(res.frame["anggaran"]) == exp.total_sesudah
        assert money_sum(res.frame["anggaran_sebelum"]) == exp.total_sebelum
        assert res.findings == []


def test_sniff_prefers_dppa(dppa):
    for sheet, _, _ in dppa.values():
        assert READER.sniff(sheet) >= 0.8
        try:
            from efisiensi.read.tabular import READER as TABULAR
        except ImportError:  # the flat-table reader is optional here
            continue
        assert READER.sniff(sheet) > TABULAR.sniff(sheet)


def test_sniff_is_low_for_a_flat_rekap():
    header = ["NO", "TAHUN", "KODE URUSAN", "NAMA URUSAN", "KODE SKPD", "NAMA SKPD", "KODE SUB UNIT",
              "NAMA SUB UNIT", "KODE SUB KEGIATAN", "NAMA SUB KEGIATAN", "KODE REKENING",
              "NAMA REKENING", "PAGU"]
    line = [1, 2025, "1", "URUSAN WAJIB", "1.01.0.00.0.00.01.0000", "Dinas Pendidikan", "1.01.0.00.0.00.01.0000",
            "Dinas Pendidikan", "1.01.01.2.01.0001", "Penyusunan Dokumen", "5.1.02.04.01.0001",
            "Belanja Perjalanan Dinas Biasa", 7600000]
    sheet = Sheet("rekap.xlsx", "Sheet 1", [header, line, line], [1, 2, 3])
    assert READER.sniff(sheet) <= 0.3
    real = REAL / "buru-sipd" / "2025_1_murni_rekap5.xlsx"
    if real.exists():
        assert READER.sniff(read_grids(real)[0]) <= 0.3


def test_sheet_without_table_is_skipped():
    sheet = Sheet("x.xlsx", "Catatan", [["Mengesahkan,"], ["NIP. 19700512 199803 1 007"]], [1, 2])
    res = READER.read(sheet, ReadOptions())
    assert res.frame.empty and [f.code for f in res.findings] == ["sheet_skipped"]


def test_three_row_header_and_unit_option():
    # "Sebelum Perubahan" over "Rincian Perhitungan | Jumlah" over "Koefisien | Satuan | Harga"
    rows = [
        ["Kode Rekening", "Uraian", "Sebelum Perubahan", "", "", "", "Setelah Perubahan", "", "", ""],
        ["", "", "Rincian Perhitungan", "", "", "Jumlah", "Rincian Perhitungan", "", "", "Jumlah"],
        ["", "", "Koefisien", "Satuan", "Harga", "", "Koefisien", "Satuan", "Harga", ""],
        ["5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat", "", "", "", "3.500", "", "", "", "2.625"],
        ["", "Nasi Kotak", "100 Kotak", "Kotak", "35", "3.500", "75 Kotak", "Kotak", "35", "2.625"],
        ["", "Spesifikasi : Nasi kotak rapat", "", "", "", "", "", "", "", ""],
        ["Jumlah", "", "", "", "", "3.500", "", "", "", "2.625"],
    ]
    sheet = Sheet("dpa_ribuan.xlsx", "Rincian", rows, list(range(10, 17)))
    res = READER.read(sheet, ReadOptions(unit=1000))
    leaf = res.frame.iloc[0]
    assert (leaf.sumber_baris, leaf.koefisien, leaf.harga_satuan) == (14, "75 Kotak", Decimal("35000.00"))
    assert (leaf.anggaran, leaf.anggaran_sebelum) == (Decimal("2625000.00"), Decimal("3500000.00"))
    assert leaf.uraian == "Nasi Kotak | Spesifikasi: Nasi kotak rapat"
    assert res.findings == [] and res.meta["stated_total"]["row"] == 16


def test_sniff_leaves_a_penjabaran_table_to_its_reader():
    rows = [["Judul", "Ringkasan APBD"], ["Tahun", 2014], ["Kode Organisasi", 0],
            ["Kode Rekening", "Uraian", "Sebelum Perubahan", "Sesudah Perubahan", "Selisih", "Prosentase"],
            [5, "BELANJA", "100", "120", "20", "20,00"], ["5 . 2", "BELANJA LANGSUNG", "100", "120", "20", "20,00"],
            ["5 . 2 . 2", "Belanja Barang dan Jasa", "100", "120", "20", "20,00"]]
    assert READER.sniff(Sheet("penjabaran.csv", "", rows, list(range(1, 8)))) <= 0.2
