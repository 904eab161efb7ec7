"""Stage guard rails: each trap of issue 11 is refused or said, never added silently."""

from __future__ import annotations

import csv
import os
import shutil
from decimal import Decimal

import pytest

import efisiensi as ef
from efisiensi import LoadError
from tests.conftest import REAL, SAMPLES, need

D = Decimal
HEADER = ["TAHUN", "KODE SKPD", "NAMA SKPD", "KODE SUB KEGIATAN", "NAMA SUB KEGIATAN", "NAMA SUMBER DANA",
          "KODE REKENING", "NAMA REKENING", "PAGU"]
SKPD = [("1.02.0.00.0.00.01.0000", "Dinas Kesehatan"), ("2.09.0.00.0.00.01.0000", "Dinas Pertanian")]


def rekap(path, year=2025, travel=(1_000_000, 2_000_000), other=5_000_000, skpd=SKPD):
    """A small SIPD rekap: per SKPD one travel line and one other line."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for (kode, nama), t in zip(skpd, travel, strict=True):
            w.writerow([year, kode, nama, "1.02.01.2.01.0001", "Administrasi Keuangan", "DAU",
                        "5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa", t])
            w.writerow([year, kode, nama, "1.02.01.2.01.0001", "Administrasi Keuangan", "DAU",
                        "5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", other])
    return path


def travel(a):
    return a.summary.set_index("target").loc["perjalanan_dinas"]


def codes(a):
    return set(a.findings["code"])


def test_mixed_years_in_one_stage_are_refused(tmp_path):
    rekap(tmp_path / "2024_murni.csv", 2024)
    rekap(tmp_path / "2025_murni.csv", 2025)
    rev = rekap(tmp_path / "2025_penyesuaian.csv", 2025, travel=(500_000, 1_000_000))
    with pytest.raises(LoadError, match=r"beberapa tahun anggaran \(2024: 2024_murni.csv; 2025: 2025_murni.csv\)"):
        ef.audit(str(tmp_path / "*murni*"), rev)
    a = ef.audit(str(tmp_path / "*murni*"), rev, multi_year=True)  # asked for: added, and said
    assert travel(a)["baseline"] == D(6_000_000) and "multi_year" in codes(a)


def test_year_from_the_file_name_when_the_content_has_none(tmp_path):
    for y in (2024, 2025):
        with open(tmp_path / f"murni_{y}.csv", "w", encoding="utf-8") as fh:
            fh.write(f"KODE REKENING,PAGU\n5.1.02.04.01.0001,{y}\n")
    with pytest.raises(LoadError, match="beberapa tahun"):
        ef.audit(tmp_path)


def test_buru_unquoted_murni_glob_is_refused():
    folder = need(REAL / "buru-sipd")
    with pytest.raises(LoadError) as err:
        ef.audit(str(folder / "*murni*"), str(folder / "2025_3_penyesuaian_rekap5.xlsx"))
    msg = str(err.value)
    assert "2024: 2024_murni_rekap.xlsx" in msg and "2026: 2026_murni_rekap5.xlsx" in msg and "\n" not in msg


def test_a_byte_identical_copy_is_counted_once(tmp_path):
    base = tmp_path / "murni"
    base.mkdir()
    rekap(base / "murni.csv")
    shutil.copy(base / "murni.csv", base / "murni - Copy.csv")
    os.link(base / "murni.csv", base / "murni hardlink.csv")
    rev = rekap(tmp_path / "penyesuaian.csv", travel=(700_000, 1_600_000))
    a = ef.audit(base, rev)
    row = travel(a)
    assert row["baseline"] == D(3_000_000)  # not 9,000,000
    assert row["status"] == "not_met"  # -23.3 %; tripled, it read as -74 % "met"
    dup = a.findings[a.findings["code"] == "duplicate_source"]
    assert len(dup) == 2 and dup["message"].str.contains("sama persis dengan murni - Copy.csv").all()
    assert sorted(f.rsplit("/", 1)[-1] for f in dup["file"]) == ["murni hardlink.csv", "murni.csv"]


def test_the_same_sheet_content_in_two_files_is_counted_once(tmp_path):
    rekap(tmp_path / "a.csv")
    # the same lines saved again: other bytes (a trailing blank line, CRLF), same content
    text = (tmp_path / "a.csv").read_text(encoding="utf-8").replace("\n", "\r\n") + "\r\n"
    (tmp_path / "b.csv").write_text(text, encoding="utf-8")
    assert (tmp_path / "a.csv").read_bytes() != (tmp_path / "b.csv").read_bytes()
    a = ef.audit(tmp_path)
    assert a.totals["baseline"] == D(13_000_000)
    assert "duplicate_source" in codes(a)


def test_one_file_in_both_stages_is_refused(tmp_path):
    base = tmp_path / "murni"
    base.mkdir()
    rekap(base / "murni.csv")
    rev = rekap(base / "penyesuaian.csv", travel=(500_000, 1_000_000))  # the revised file sits in the folder
    with pytest.raises(LoadError, match="sama diberikan sebagai baseline dan revised"):
        ef.audit(base, rev)
    with pytest.raises(LoadError, match="sama diberikan"):
        ef.audit(rev, rev)
    os.link(rev, tmp_path / "link.csv")
    with pytest.raises(LoadError, match="tautan keras"):
        ef.audit(rev, tmp_path / "link.csv")


def test_identical_stages_are_said(tmp_path):
    rekap(tmp_path / "murni.csv")
    (tmp_path / "revisi.csv").write_text((tmp_path / "murni.csv").read_text(encoding="utf-8") + "\n",
                                         encoding="utf-8")
    a = ef.audit(tmp_path / "murni.csv", tmp_path / "revisi.csv")
    f = a.findings[a.findings["code"] == "stages_identical"]
    assert len(f) == 1 and f["message"].iloc[0].startswith("revisi sama dengan baseline")


def test_swapped_stages_are_said(tmp_path):
    m = rekap(tmp_path / "2025_murni.csv")
    p = rekap(tmp_path / "2025_penyesuaian.csv", travel=(500_000, 1_000_000))
    a = ef.audit(p, m)
    f = a.findings[a.findings["code"] == "stage_order"]
    assert len(f) == 1 and "penyesuaian" in f["message"].iloc[0] and "murni" in f["message"].iloc[0]
    assert "stage_order" not in codes(ef.audit(m, p))


def test_a_realisasi_file_is_not_a_budget_stage(tmp_path):
    m = rekap(tmp_path / "murni.csv")
    r = rekap(tmp_path / "realisasi_2025.csv", travel=(100, 200))
    with pytest.raises(LoadError, match="realisasi bukan tahap anggaran"):
        ef.audit(m, r)


def test_two_versions_of_one_stage_are_refused_naming_them(tmp_path):
    base = tmp_path / "murni"
    base.mkdir()
    rekap(base / "murni_mei.csv")
    rekap(base / "murni_april.csv", travel=(1_100_000, 2_000_000))
    rev = rekap(tmp_path / "penyesuaian.csv", travel=(500_000, 1_000_000))
    with pytest.raises(LoadError, match="murni_april.csv, murni_mei.csv memuat baris yang sama"):
        ef.audit(base, rev)


def test_files_split_by_skpd_are_parts_not_versions(tmp_path):
    rekap(tmp_path / "dinkes.csv", travel=(1_000_000,), skpd=SKPD[:1])
    rekap(tmp_path / "distan.csv", travel=(2_000_000,), skpd=SKPD[1:])
    assert ef.audit(tmp_path).totals["baseline"] == D(13_000_000)


def test_reformatted_skpd_codes_and_name_noise_match(tmp_path):
    m = rekap(tmp_path / "murni.csv")
    noisy = [("1.2.0.0.0.0.1.0", "DINAS  KESEHATAN"), ("2.09.0.00.0.00.01.0000\u200b", "Dinas\u00a0Pertanian")]
    r = rekap(tmp_path / "penyesuaian.csv", travel=(900_000, 1_900_000), skpd=noisy)
    a = ef.audit(m, r)
    assert len(a.by_agency["kode_skpd"].unique()) == 2
    dinkes = a.by_agency.set_index(["kode_skpd", "target"]).loc[("1.02.0.00.0.00.01.0000", "perjalanan_dinas")]
    assert (dinkes["baseline"], dinkes["revised"], dinkes["status"]) == (D(1_000_000), D(900_000), "not_met")
    assert "skpd_missing_in_stage" not in codes(a)
    assert set(a.lines["perubahan"]) == {"dipotong", "tetap"}  # not "dipindah", not "baru"/"dihapus"


def test_an_unmatched_skpd_is_a_finding(tmp_path):
    m = rekap(tmp_path / "murni.csv")
    r = rekap(tmp_path / "penyesuaian.csv", travel=(900_000,), skpd=SKPD[:1])
    f = ef.audit(m, r).findings
    f = f[f["code"] == "skpd_missing_in_stage"]
    assert len(f) == 1 and "2.09.0.00.0.00.01.0000" in f["message"].iloc[0] and "bukan bukti" in f["message"].iloc[0]


def test_the_buru_two_stage_result_is_unchanged():
    a = ef.audit(SAMPLES / "2025_1_murni_rekap5.xlsx", SAMPLES / "2025_3_penyesuaian_rekap5.xlsx")
    assert (a.totals["baseline"], a.totals["revised"]) == (D("1078983576660"), D("1010280766001.33"))
    assert not {"duplicate_source", "stage_order", "stages_identical", "stage_mixed"} & codes(a)
