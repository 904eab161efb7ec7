"""Stages and years read from file names, title rows, TAHUN columns and column headers."""

from __future__ import annotations

import pytest

from efisiensi import LoadError
from efisiensi.read.codes import normalize_name, normalize_unit_code
from efisiensi.read.grid import read_grids
from efisiensi.read.stages import (
    Stage,
    parse_stage,
    series_of_name,
    stage_from_header,
    stage_from_name,
    stage_from_rows,
    year_from_name,
    year_from_rows,
)
from tests.conftest import REAL, need

BURU = {
    "2024_murni_rekap.xlsx": ("murni", 2024, "rekap"),
    "2025_1_murni_rekap5.xlsx": ("murni", 2025, "rekap5"),
    "2025_2_pergeseran1_rekap5.xlsx": ("pergeseran-1", 2025, "rekap5"),
    "2025_3_penyesuaian_rekap5.xlsx": ("penyesuaian", 2025, "rekap5"),
    "2025_5_perubahan_rekap5.xlsx": ("perubahan", 2025, "rekap5"),
    "2025_old_efisiensi_rekap.xlsx": ("efisiensi", 2025, "old rekap"),
    "2025_old_murni_rekap.xlsx": ("murni", 2025, "old rekap"),
    "2025_old_penyesuaian_rekap.xlsx": ("penyesuaian", 2025, "old rekap"),
    "2026_murni_rekap5.xlsx": ("murni", 2026, "rekap5"),
}


@pytest.mark.parametrize(("name", "want"), BURU.items())
def test_sipd_file_names(name, want):
    det = stage_from_name(name)
    assert (det.value.label, year_from_name(name).value, series_of_name(name)) == want
    assert det.source == "nama berkas" and det.evidence == name


def test_the_budget_order():
    order = sorted((stage_from_name(n).value for n in BURU), key=lambda s: s.rank)
    labels = list(dict.fromkeys(s.label for s in order))
    assert labels == ["murni", "pergeseran-1", "efisiensi", "penyesuaian", "perubahan"]
    assert parse_stage("realisasi").rank > parse_stage("perubahan").rank
    assert not parse_stage("realisasi").is_budget


@pytest.mark.parametrize(("name", "label"), [
    ("APBD-P 2025.xlsx", "perubahan"), ("rekap_pergeseran_ke-2.xlsx", "pergeseran-2"),
    ("LRA realisasi 2025.xlsx", "realisasi"), ("dpa_dinkes.xlsx", None), ("murni_vs_perubahan.xlsx", None),
    ("DKKB DAN REALISASI.xlsx", None), ("Perubahan-APBD.csv", "perubahan"),
])
def test_other_names(name, label):
    det = stage_from_name(name)
    assert (det.value.label if det else None) == label


def test_user_stage_names():
    assert parse_stage("PAPBD") == Stage("perubahan", 0, "perubahan")
    assert parse_stage("pergeseran2").label == "pergeseran-2"
    with pytest.raises(LoadError, match="tidak dikenal"):
        parse_stage("revisi")


def test_jatim_stage_columns_by_their_headers():
    path = need(REAL / "jatim-upt-pelatihan-pertanian-2025" / "DKKB DAN REALISASI.xlsx")
    sheet = {s.name: s for s in read_grids(path, str(path))}["DKKB 2025"]
    header = sheet.rows[sheet.row_numbers.index(11)]
    named = {str(c).strip(): stage_from_header(c).value.tahap for c in header if c and stage_from_header(c)}
    assert named == {"ANGGARAN 1 TAHUN SEBELUM EFISIENSI": "murni", "ANGGARAN 1 TAHUN SETELAH EFISIENSI": "efisiensi",
                     "ANGGARAN PAPBD": "perubahan"}
    assert year_from_rows(sheet).value == 2025 and year_from_rows(sheet).source == "judul"
    assert stage_from_rows(sheet) is None  # "PAD MURNI" and the header row are not a title stage


def test_buru_year_from_its_tahun_column():
    path = need(REAL / "buru-sipd" / "2024_murni_rekap.xlsx")
    det = year_from_rows(read_grids(path, str(path))[0])
    assert (det.value, det.source) == (2024, "kolom TAHUN")


def test_headers_that_name_no_stage():
    for h in ("Efisiensi", "ANGGARAN SETELAH REVISI", "ANGGARAN SPD TERBIT", "Jumlah", "PAGU"):
        assert stage_from_header(h) is None, h


def test_code_and_name_identity():
    assert normalize_unit_code("1.02.0.00.0.00.01.0000") == normalize_unit_code(" 1.2.0.0.0.0.1.0\u200b")
    assert normalize_unit_code("1.02.0.00.0.00.01.0000") != normalize_unit_code("1.02.0.00.0.00.02.0000")
    assert normalize_name("Dinas\u00a0Kesehatan  ") == normalize_name("DINAS KESEHATAN")
    assert normalize_name("Dinas Kesehatan") != normalize_name("Dinas Kesehatan Hewan")
