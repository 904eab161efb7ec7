"""The three real sources efisiensi read wrong before the verification stage, through the CLI.

Figures from ../shared/data/real/*/README.md (computed there independently of efisiensi).
"""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

import efisiensi as ef
from efisiensi.cli import main
from tests.conftest import REAL, need

BOGOR = REAL / "bogor-sipd-2021" / "angkas_csv"
ACEH = REAL / "aceh-apba-2025" / "MASTER_01_RINCIAN_APBD.csv"
JATIM = REAL / "jatim-upt-pelatihan-pertanian-2025" / "DKKB DAN REALISASI.xlsx"


def audit_json(capsys, path) -> dict:
    assert main(["audit", str(path), "--json", "-"]) in (0, None)
    out = capsys.readouterr().out
    return json.loads(out[out.index("{"):])


def travel(d: dict, stage: str) -> D:
    return D(next(c for c in d["categories"] if c["category"] == "perjalanan_dinas")[stage])


@pytest.fixture(scope="module")
def bogor():
    return ef.load(need(BOGOR))


def test_bogor_reads_the_account_amount_not_the_sub_kegiatan_total(bogor):
    assert ef.total(bogor) == D("3895593505692")
    assert ef.total(bogor[bogor["kode_rekening"].str.startswith("5.1.02.04")]) == D("61887153000")
    files = ef.verification(bogor, per="file")
    assert len(files) == 46 and set(files["verdict"]) == {"terverifikasi"}
    checks = ef.verification(bogor)
    assert {"group_total", "months_total"} <= set(checks[checks["held"]]["check"])
    cols = bogor.attrs["sources"][0]["verification"]["sheets"][0]["columns"]
    assert "total_rincian" in cols["anggaran"] and "(rincian)" in cols


def test_aceh_spending_leaves_only_travel_once_gap_is_a_finding():
    df = ef.load(need(ACEH))
    assert df["kode_rekening"].str.startswith("5.").all()  # no revenue, no financing
    assert (df["kode_rekening"].str.count(r"\.") == 5).mean() > 0.99  # leaves, not parent levels
    assert ef.total(df[df["kode_rekening"].str.startswith("5.1.02.04")]) == D("230152898587.60")
    f = ef.findings(df)
    gaps = f[f["code"] == "total_mismatch"]
    assert len(gaps) and gaps["row"].notna().all()
    assert "not_spending" in set(f["code"]) and "subtotal_mismatch" in set(f["code"])
    assert ef.verification(df, per="file")["verdict"].tolist() == ["bertentangan"]
    v = ef.verification(df)
    assert ((v["check"] == "repeated_block") & v["held"]).any()  # the per-SKPD rows repeat the rekap


def test_jatim_three_stages_through_the_cli(capsys):
    d = audit_json(capsys, need(JATIM))
    assert travel(d, "baseline") == D("1315748000") and travel(d, "revised") == D("657874000")
    assert D(d["baseline"]["total"]) == D("4322423846") and D(d["revised"]["total"]) == D("3862913070")
    assert d["inputs"][0]["verification"]["verdict"] == "terverifikasi"
    met = [t for t in d["categories"] if t["category"] == "perjalanan_dinas"][0]
    assert met["status"] == "met"


def test_jatim_every_stage_column_exactly():
    st = ef.stages(ef.load(need(JATIM)))
    sums = st.groupby("tahap")["anggaran"].sum().to_dict()
    assert sums == {"murni": D("4322423846"), "efisiensi": D("3862913070"), "perubahan": D("3862913070"),
                    "realisasi": D("3657214029")}  # spent to date: a stage apart, never a budget


def test_holdout_bogor_xlsx_equal_the_csvs_of_the_same_skpd():
    """Held out while the rules were written: the three xlsx copies (numbers as numbers)."""
    xl = ef.load(need(REAL / "bogor-sipd-2021" / "angkas_xlsx"))
    assert ef.total(xl) == D("2058869098758") and len(xl) == 1563
    assert set(ef.verification(xl, per="file")["verdict"]) == {"terverifikasi"}
    csv = ef.load([BOGOR / f"{n}.csv" for n in ("DINAS PENDIDIKAN", "SEKRETARIAT DAERAH", "SEKRETARIAT DPRD")])
    key = ["kode_sub_kegiatan", "kode_rekening"]
    assert xl.groupby(key)["anggaran"].sum().to_dict() == csv.groupby(key)["anggaran"].sum().to_dict()
