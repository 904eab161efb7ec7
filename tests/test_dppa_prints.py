"""Printed SIPD-RI DPA/DPPA as they really are: PPN per stage, cut ``[#]`` text, blocks per
funding source; and the check records the reader leaves in ``meta["checks"]``.

Expected figures come from the fixture's spec (volume × harga + PPN per component), never
from the reader's output.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest

from efisiensi._money import money_sum
from efisiensi.read.base import ReadOptions
from efisiensi.read.checkrec import CHECK_CODES
from efisiensi.read.dppa import READER
from efisiensi.read.grid import read_grids
from tests.dppa_fixture import build_dppa_workbook, with_cut_kelompok, with_ppn, with_sources

D = Decimal
KEYS = {"check", "sheet", "row", "held", "expected", "found", "message"}


def _read(path: Path, **build) -> list[tuple]:
    expected = build_dppa_workbook(path, **build)
    return [(s, READER.read(s, ReadOptions()), expected[s.name]) for s in read_grids(path)]


def _same_leaves(res, exp) -> None:
    frame = res.frame
    assert list(frame["sumber_baris"]) == [leaf.row for leaf in exp.leaves]
    assert list(frame["anggaran"]) == [leaf.sesudah for leaf in exp.leaves]
    assert list(frame["kelompok"]) == [leaf.kelompok for leaf in exp.leaves]
    assert list(frame["sumber_dana"]) == [leaf.sumber_dana for leaf in exp.leaves]
    assert money_sum(frame["anggaran"]) == exp.total_sesudah


def _of(res, code: str) -> list[dict]:
    return [c for c in res.meta["checks"] if c["check"] == code]


@pytest.mark.parametrize("ppn", ["persen", "rupiah"])
def test_ppn_per_stage_is_read_and_each_component_proves_its_jumlah(tmp_path, ppn):
    for _, res, exp in _read(tmp_path / "ppn.xlsx", spec=with_ppn(), ppn=ppn):
        _same_leaves(res, exp)
        # 11 % on every other component: 34.669.780,90 without PPN
        assert exp.total_sesudah == D("36643706.80")
        assert money_sum(res.frame["anggaran_sebelum"]) == exp.total_sebelum
        assert res.findings == []
        arith = [c for c in _of(res, "row_arithmetic") if "×" in c["message"]]
        # 12 components, Sebelum and Sesudah, less the new line's Sebelum and the cut line's Sesudah
        assert len(arith) == 22 and all(c["held"] for c in arith)
        assert any("PPN" in c["message"] for c in arith)


def test_dpa_one_stage_with_ppn(tmp_path):
    for _, res, exp in _read(tmp_path / "dpa.xlsx", spec=with_ppn(), ppn="persen", perubahan=False):
        _same_leaves(res, exp)
        assert exp.total_sesudah == D("49117375.20") and res.findings == []
        assert len([c for c in _of(res, "row_arithmetic") if c["held"]]) == 11


@pytest.mark.parametrize("ppn", ["persen", "rupiah"])
def test_wrong_harga_is_a_row_arithmetic_finding(tmp_path, ppn):
    sheet, _, exp = _read(tmp_path / "salah.xlsx", spec=with_ppn(), ppn=ppn)[1]  # the text sheet
    broken = copy.deepcopy(sheet)
    leaf = exp.leaves[2]  # Nasi Kotak: 75 × 35.000 + 11 % = 2.913.750
    cells = broken.rows[broken.row_numbers.index(leaf.row)]
    assert cells[9] == "35.000,00" and cells[11] == "2.913.750,00"
    cells[9] = "36.000,00"
    res = READER.read(broken, ReadOptions())
    assert [(f.code, f.row, f.detail["side"]) for f in res.findings] == [("row_arithmetic", leaf.row, "after")]
    [failed] = [c for c in res.meta["checks"] if not c["held"]]
    assert (failed["row"], failed["expected"]) == (leaf.row, "2913750.00")
    # the line keeps its printed Jumlah: the subtotals agree with it
    assert money_sum(res.frame["anggaran"]) == exp.total_sesudah


@pytest.mark.parametrize("ellipsis", [False, True])
def test_cut_group_text_is_kept_as_printed(tmp_path, ellipsis):
    for _, res, exp in _read(tmp_path / "cut.xlsx", spec=with_cut_kelompok(ellipsis=ellipsis)):
        kel = {leaf.kelompok for leaf in exp.leaves}
        assert all(len(k) <= 50 for k in kel) and any("Tahun Anggaran 2025" in k for k in kel)
        _same_leaves(res, exp)
        assert res.findings == []
        assert set(res.frame["tahun"]) == {2025}


@pytest.mark.parametrize("sumber", ["baris", "sel"])
def test_blocks_per_funding_source(tmp_path, sumber):
    for _, res, exp in _read(tmp_path / "sumber.xlsx", spec=with_sources(), sumber=sumber):
        _same_leaves(res, exp)
        assert money_sum(res.frame["anggaran_sebelum"]) == exp.total_sebelum == D("46473671.35")
        assert set(res.frame["sumber_dana"]) == {"Dana Alokasi Umum (DAU)", "Pendapatan Asli Daerah (PAD)",
                                                 "Dana Alokasi Khusus (DAK) Non Fisik"}
        assert res.findings == []
        # two sub kegiatan × two sources: four JUMLAH rows, each checked on both stages
        assert len(exp.jumlah_rows) == 4
        assert [t["row"] for t in res.meta["stated_totals"]] == exp.jumlah_rows
        totals = _of(res, "total_row")
        assert sorted({c["row"] for c in totals}) == exp.jumlah_rows and all(c["held"] for c in totals)
        assert res.meta["stated_total"]["anggaran"] == exp.total_sesudah
        # every block repeats the parent codes 5 … 5.1.02: they are checked, never lines
        assert not set(res.frame["sumber_baris"]) & {c["row"] for c in _of(res, "hierarchy_subtotal")}


def test_wrong_block_total_is_a_failed_check(tmp_path):
    for _, res, exp in _read(tmp_path / "sumber.xlsx", spec=with_sources(), sumber="sel",
                             wrong_subtotal="5.1.02.04.01.0001"):
        failed = [c for c in res.meta["checks"] if not c["held"]]
        assert [(c["check"], c["row"]) for c in failed] == [("hierarchy_subtotal", exp.wrong_subtotal_row)]
        assert D(failed[0]["expected"]) - D(failed[0]["found"]) == D("100000.00")


def test_check_records_of_the_standard_print(tmp_path):
    for _, res, exp in _read(tmp_path / "dppa.xlsx"):
        recs = res.meta["checks"]
        assert recs and all(set(c) == KEYS and c["check"] in CHECK_CODES for c in recs)
        assert all(c["held"] for c in recs) and all(isinstance(c["expected"], str) for c in recs)
        assert {c["check"] for c in recs} == {"hierarchy_subtotal", "total_row", "row_arithmetic"}
        assert sorted({c["row"] for c in _of(res, "total_row")}) == exp.jumlah_rows


@pytest.mark.parametrize("ppn", ["persen", "rupiah"])
def test_sipd_ri_print_with_three_row_header_rp_amounts_ppn_and_cut_groups(tmp_path, ppn):
    spec = with_ppn(with_cut_kelompok())
    for sheet, res, exp in _read(tmp_path / "sipd.xlsx", spec=spec, ppn=ppn, cetak="sipd"):
        _same_leaves(res, exp)
        assert money_sum(res.frame["anggaran_sebelum"]) == exp.total_sebelum == D("49117375.20")
        assert res.findings == []
        # three header rows each time, the first of each header is where the reader saw it
        assert len(exp.header_rows) == 9 and res.meta["header_rows"] == exp.header_rows[::3]
        # "Jumlah Anggaran Sub Kegiatan" closes each sub kegiatan: checked, not a line
        assert [t["row"] for t in res.meta["stated_totals"]] == exp.jumlah_rows
        closing = sheet.rows[sheet.row_numbers.index(exp.jumlah_rows[0])][0]
        assert closing == "Jumlah Anggaran Sub Kegiatan"
        arith = [c for c in _of(res, "row_arithmetic") if "×" in c["message"]]
        assert len(arith) == 22 and all(c["held"] for c in arith)


def test_sipd_ri_print_per_funding_source(tmp_path):
    spec = with_sources(with_ppn())
    for _, res, exp in _read(tmp_path / "sipd.xlsx", spec=spec, ppn="rupiah", cetak="sipd", sumber="sel"):
        _same_leaves(res, exp)
        assert res.findings == [] and len(exp.jumlah_rows) == 4
        assert res.meta["stated_total"]["anggaran"] == exp.total_sesudah == D("36643706.80")


def test_two_groups_cut_to_the_same_text_stay_two_checked_groups():
    from efisiensi.read.grid import Sheet

    cut = "[#] Belanja Makan Minum Rapat Koordinasi Penyusunan Re"  # cut at 50 characters
    rows = [
        ["Kode Rekening", "Uraian", "Koefisien", "Satuan", "Harga", "PPN", "Jumlah"],
        ["5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat", "", "", "", "", "Rp. 1.110.000,00"],
        ["", cut, "", "", "", "", "Rp. 555.000,00"],
        ["", "Nasi Kotak", "10 Kotak", "Kotak", "Rp. 50.000,00", "11%", "Rp. 555.000,00"],
        ["", cut, "", "", "", "", "Rp. 555.000,00"],
        ["", "Nasi Kotak", "5 Orang x 2 Kali", "Kotak", "Rp. 50.000,00", "11%", "Rp. 555.000,00"],
        ["Jumlah Anggaran Sub Kegiatan", "", "", "", "", "", "Rp. 1.110.000,00"],
    ]
    res = READER.read(Sheet("dpa.xlsx", "Rincian", rows, list(range(1, 8))), ReadOptions())
    assert list(res.frame["sumber_baris"]) == [4, 6]
    assert set(res.frame["kelompok"]) == {cut[4:]}
    assert money_sum(res.frame["anggaran"]) == D("1110000.00") and res.findings == []
    held = {(c["check"], c["row"]) for c in res.meta["checks"] if c["held"]}
    assert {("hierarchy_subtotal", 3), ("hierarchy_subtotal", 5), ("row_arithmetic", 4),
            ("row_arithmetic", 6), ("total_row", 7), ("hierarchy_subtotal", 2)} <= held
    assert len(cut[4:]) == 50


def _one_stage(lines: list[list[object]]):
    from efisiensi.read.grid import Sheet

    total = sum((D(str(r[-1])) for r in lines), D(0))
    rows = [["Kode Rekening", "Uraian", "Koefisien", "Satuan", "Harga", "PPN", "Jumlah"],
            ["5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat", "", "", "", "", float(total)],
            *[["", *r] for r in lines], ["JUMLAH", "", "", "", "", "", float(total)]]
    return READER.read(Sheet("dpa.xlsx", "Rincian", rows, list(range(1, len(rows) + 1))), ReadOptions())


def test_ppn_as_a_bare_number_is_a_rate_or_an_amount():
    res = _one_stage([["Nasi Kotak", "10 Kotak", "Kotak", 50000.0, 11.0, 555000.0],     # 11 = 11 %
                      ["Kue Kotak", "10 Kotak", "Kotak", 20000.0, 22000.0, 222000.0]])  # an amount
    assert res.findings == []
    assert [c["held"] for c in res.meta["checks"] if c["check"] == "row_arithmetic"] == [True, True]


def test_a_sheet_printing_jumlah_without_ppn_is_checked_by_its_own_convention():
    lines = [["Nasi Kotak", "10 Kotak", "Kotak", 50000.0, "11%", 500000.0],
             ["Kue Kotak", "5 Kotak", "Kotak", 20000.0, "11%", 100000.0]]
    res = _one_stage(lines)
    assert res.findings == [] and money_sum(res.frame["anggaran"]) == D("600000.00")
    arith = [c for c in res.meta["checks"] if c["check"] == "row_arithmetic"]
    assert all(c["held"] and "tidak termasuk" in c["message"] for c in arith)
    # one line that includes its PPN among lines that do not: the sheet contradicts itself
    res = _one_stage([*lines, ["Air Mineral", "10 Dus", "Dus", 10000.0, "11%", 111000.0]])
    assert [(f.code, f.row) for f in res.findings] == [("row_arithmetic", 3), ("row_arithmetic", 4)]
