"""Anggaran vs realisasi summaries (DJPK portal): spent per akun and the share, checked."""

from __future__ import annotations

from decimal import Decimal

import pytest

import efisiensi as ef
from efisiensi.read.realisasi import read_realisasi_summary
from tests.conftest import REAL, need

D = Decimal


def test_djpk_jember_2024_spent_per_akun():
    r = read_realisasi_summary(need(REAL / "djpk-portal-jatim" / "2024_Jember.csv"))
    assert len(r) == 26  # 29 rows, three written twice (kelompok = jenis) read once
    row = r.set_index("akun").loc["Belanja Daerah"]
    assert (row["anggaran"], row["realisasi"], float(row["persen_realisasi"])) == (
        D("4366080000000"), D("3929060000000"), 89.99)
    assert row["sumber_baris"] == 12 and row["tahun"] == 2024
    f = ef.findings(r)
    assert list(f["code"]) == ["repeated_row"] * 3  # every stated share agrees with its amounts


def test_djpk_2021_amounts_in_miliar_with_unit():
    r = read_realisasi_summary(need(REAL / "djpk-portal-jatim" / "2021_Bangkalan.csv"), unit=10**9)
    row = r.set_index("akun").loc["Pendapatan Daerah"]
    assert (row["anggaran"], float(row["persen_realisasi"])) == (D("2223070000000"), 102.34)


def test_a_stated_share_the_amounts_contradict_is_a_finding(tmp_path):
    p = tmp_path / "lra.csv"
    p.write_text('akun,anggaran,realisasi,persentase\nBelanja Pegawai,"1.000,00 M","500,00 M",75.00\n',
                 encoding="utf-8")
    f = ef.findings(read_realisasi_summary(p))
    assert list(f["code"]) == ["row_arithmetic"] and "50.0 %" in f["message"].iloc[0]


def test_a_file_without_realisasi_is_refused(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("akun,anggaran\nBelanja,1\n", encoding="utf-8")
    with pytest.raises(ef.LoadError, match="anggaran/realisasi"):
        read_realisasi_summary(p)
