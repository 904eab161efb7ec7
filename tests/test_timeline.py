"""The budget timeline: N ordered stages, the target judged at the efisiensi stage, held or undone later."""

from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd
import pytest

import efisiensi as ef
from efisiensi import LoadError
from tests.conftest import REAL, SAMPLES, need
from tests.test_guards import SKPD, rekap

D = Decimal


@pytest.fixture(scope="module")
def buru():
    return ef.audit(SAMPLES)  # the four 2025 rekap5 stage files: their names say the stage


def test_buru_four_stages_with_their_totals(buru):
    assert [s["label"] for s in buru.stages] == ["murni", "pergeseran-1", "penyesuaian", "perubahan"]
    assert [s["total"] for s in buru.stages] == [D("1078983576660"), D("1078983576660"),
                                                D("1010280766001.33"), D("1010148878495.39")]
    assert [s["role"] for s in buru.stages] == ["baseline", "", "judged", ""]
    assert {s["tahun"] for s in buru.stages} == {2025}


def test_buru_travel_at_every_stage_judged_at_penyesuaian(buru):
    tl = buru.timeline[buru.timeline["target"] == "perjalanan_dinas"].set_index("label")
    assert list(tl["anggaran"]) == [D("44839327876"), D("44887413876"), D("37395490128"), D("37401600128")]
    assert tl.loc["penyesuaian", "peran"] == "dinilai" and tl.loc["penyesuaian", "status"] == "not_met"
    assert tl.loc["penyesuaian", "change_pct"] == -16.6
    assert not bool(tl.loc["perubahan", "holds"])


def test_the_timeline_keeps_the_two_stage_result_to_the_sen(buru):
    two = ef.audit(SAMPLES / "2025_1_murni_rekap5.xlsx", SAMPLES / "2025_3_penyesuaian_rekap5.xlsx")
    for name in ("summary", "by_agency", "lines", "reconciliation"):
        pd.testing.assert_frame_equal(getattr(buru, name), getattr(two, name), check_exact=True, obj=name)
    assert buru.totals == two.totals


def test_buru_json_grows_a_stages_list_only(buru):
    two = ef.audit(SAMPLES / "2025_1_murni_rekap5.xlsx", SAMPLES / "2025_3_penyesuaian_rekap5.xlsx")
    doc, old = json.loads(buru.to_json()), json.loads(two.to_json())
    assert set(old) <= set(doc) and "stages" in doc
    for key in ("baseline", "revised", "categories", "agencies", "reconciliation"):
        assert doc[key] == old[key], key
    travel = [next(c for c in s["categories"] if c["target"] == "perjalanan_dinas") for s in doc["stages"]]
    assert [c["amount"] for c in travel] == [44839327876, 44887413876, 37395490128, 37401600128]


def test_per_skpd_timeline_adds_up_to_the_pemda(buru):
    ag = buru.timeline_by_agency
    per = ag[ag["target"] == "perjalanan_dinas"].groupby("label", sort=False)["anggaran"].sum()
    pemda = buru.timeline[buru.timeline["target"] == "perjalanan_dinas"].set_index("label")["anggaran"]
    assert list(per) == list(pemda)


def _three(tmp_path, perubahan=(700_000, 900_000)):
    rekap(tmp_path / "2025_murni.csv", travel=(1_000_000, 2_000_000))
    rekap(tmp_path / "2025_efisiensi.csv", travel=(500_000, 1_000_000))
    rekap(tmp_path / "2025_perubahan.csv", travel=perubahan)
    return tmp_path


def test_a_cut_met_then_undone_in_perubahan_is_said(tmp_path):
    a = ef.audit(_three(tmp_path))
    tl = a.timeline[a.timeline["target"] == "perjalanan_dinas"].set_index("label")
    assert (tl.loc["efisiensi", "status"], tl.loc["perubahan", "status"]) == ("met", "not_met")
    assert tl.loc["perubahan", "keterangan"] == "potongan dibatalkan di perubahan"
    f = a.findings[a.findings["code"] == "cut_reversed"]
    assert len(f) == 1 and "(1 SKPD)" in f["message"].iloc[0]  # only Dinas Kesehatan rose again
    ag = a.timeline_by_agency.set_index(["kode_skpd", "target", "label"])
    assert ag.loc[(SKPD[0][0], "perjalanan_dinas", "perubahan"), "keterangan"] == "potongan dibatalkan di perubahan"
    assert ag.loc[(SKPD[1][0], "perjalanan_dinas", "perubahan"), "keterangan"] == ""


def test_a_cut_that_holds_is_not_a_finding(tmp_path):
    a = ef.audit(_three(tmp_path, perubahan=(500_000, 900_000)))
    assert "cut_reversed" not in set(a.findings["code"])
    tl = a.timeline[a.timeline["target"] == "perjalanan_dinas"].set_index("label")
    assert bool(tl.loc["perubahan", "holds"])


def test_stages_given_by_the_user_and_judge_at(tmp_path):
    _three(tmp_path)
    a = ef.audit(stages={"murni": tmp_path / "2025_murni.csv", "P-APBD": tmp_path / "2025_perubahan.csv"})
    assert [s["tahap"] for s in a.stages] == ["murni", "perubahan"]
    assert [s["detected_from"] for s in a.stages] == ["pengguna", "pengguna"]
    b = ef.audit(tmp_path, judge_at="perubahan")
    assert b.summary.set_index("target").loc["perjalanan_dinas", "revised"] == D(1_600_000)
    with pytest.raises(LoadError, match="tidak ada di lini masa"):
        ef.audit(tmp_path, judge_at="pergeseran2")


def test_a_table_with_a_tahap_column_is_a_timeline():
    rows = []
    for tahap, amt in (("murni", 1_000_000), ("efisiensi", 400_000), ("perubahan", 600_000)):
        rows.append({"tahap": tahap, "kode_skpd": "1.02", "nama_skpd": "Dinkes", "tahun": 2025,
                     "kode_rekening": "5.1.02.04.01.0001", "nama_rekening": "Belanja Perjalanan Dinas Biasa",
                     "anggaran": D(amt)})
    a = ef.audit(pd.DataFrame(rows))
    tl = a.timeline[a.timeline["target"] == "perjalanan_dinas"].set_index("label")
    assert list(tl["status"]) == ["", "met", "not_met"]


def test_years_across_stages_are_refused_and_tahun_picks_one(tmp_path):
    rekap(tmp_path / "2024_murni.csv", 2024)
    rekap(tmp_path / "2025_murni.csv", 2025)
    rekap(tmp_path / "2025_penyesuaian.csv", 2025, travel=(500_000, 1_000_000))
    rekap(tmp_path / "2026_penyesuaian.csv", 2026, travel=(1, 1))
    with pytest.raises(LoadError, match="beberapa tahun"):
        ef.audit(tmp_path)
    a = ef.audit(tmp_path, tahun=2025)
    assert [s["files"][0].rsplit("/", 1)[-1] for s in a.stages] == ["2025_murni.csv", "2025_penyesuaian.csv"]
    assert (a.findings["code"] == "other_year_skipped").sum() == 2


def test_line_level_realisasi_against_the_last_stage(tmp_path):
    _three(tmp_path, perubahan=(500_000, 900_000))
    rekap(tmp_path / "2025_realisasi.csv", travel=(250_000, 450_000), other=1_000_000)
    a = ef.audit(tmp_path)
    assert [s["label"] for s in a.stages] == ["murni", "efisiensi", "perubahan"]  # realisasi is apart
    r = a.realisasi.set_index("target").loc["perjalanan_dinas"]
    assert (r["anggaran"], r["realisasi"], r["persen_realisasi"], r["tahap_anggaran"]) == (
        D(1_400_000), D(700_000), 50.0, "perubahan")
    assert json.loads(a.to_json())["realisasi"][0]["target"]


def test_whole_buru_folder_never_mixes_years_or_series():
    folder = need(REAL / "buru-sipd")
    with pytest.raises(LoadError, match=r"2024: 2024_murni_rekap.xlsx; 2025: .*; 2026: 2026_murni_rekap5.xlsx"):
        ef.audit(folder)
    with pytest.raises(LoadError, match="2025_1_murni_rekap5.xlsx, 2025_old_murni_rekap.xlsx memuat baris yang sama"):
        ef.audit(folder, tahun=2025)


def test_one_loaded_file_with_stage_columns_is_a_timeline(tmp_path):
    """As the issue-10 readers give a file with several stage columns: long form, one `tahap`."""
    path = rekap(tmp_path / "dkkb.csv")
    loaded = ef.load(path)
    parts = []
    for tahap, factor in (("murni", 1), ("efisiensi", D("0.5")), ("perubahan", D("0.6"))):
        p = loaded.copy()
        p["anggaran"] = (p["anggaran"].map(lambda v, f=factor: (v * f).quantize(D("0.01")))).astype(ef.MONEY)
        p["tahap"] = tahap
        parts.append(p)
    table = pd.concat(parts, ignore_index=True)
    table.attrs = loaded.attrs
    a = ef.audit(table)
    tl = a.timeline[a.timeline["target"] == "perjalanan_dinas"].set_index("label")
    assert list(tl["anggaran"]) == [D(3_000_000), D(1_500_000), D(1_800_000)]
    assert list(tl["status"]) == ["", "met", "not_met"]
    assert tl.loc["perubahan", "keterangan"] == "potongan dibatalkan di perubahan"
    assert len(a.sources) == 1  # the one file, once


def test_stages_side_by_side(tmp_path):
    a = ef.audit(_three(tmp_path))
    wide = a.stages_side_by_side().set_index("target").loc["perjalanan_dinas"]
    assert (wide["murni"], wide["efisiensi"], wide["perubahan"]) == (D(3_000_000), D(1_500_000), D(1_600_000))
    assert (wide["status"], wide["keterangan"]) == ("met", "potongan dibatalkan di perubahan")
    per = a.stages_side_by_side(by_agency=True)
    assert len(per) == 2 * len(a.policy.targets)
    two = ef.audit(tmp_path / "2025_murni.csv", tmp_path / "2025_efisiensi.csv")
    assert two.stages_side_by_side().empty and two.timeline is None


def test_jatim_one_workbook_three_stage_columns_runs_the_timeline():
    """Sebelum efisiensi (murni) → setelah efisiensi → PAPBD, read from one sheet's columns:
    travel cut exactly 50 % at efisiensi (met), then raised again in the P-APBD (not met)."""
    path = need(REAL / "jatim-upt-pelatihan-pertanian-2025" / "DKKB DAN REALISASI.xlsx")
    a = ef.audit(path)
    tl = a.timeline.set_index(["target", "tahap"])
    travel = tl.loc["perjalanan_dinas"]
    assert list(travel.index) == ["murni", "efisiensi", "perubahan"]
    assert list(travel["anggaran"]) == [D(1_315_748_000), D(657_874_000), D(662_094_000)]
    assert travel.loc["efisiensi", "status"] == "met" and travel.loc["efisiensi", "peran"] == "dinilai"
    assert travel.loc["perubahan", "status"] == "not_met" and travel.loc["perubahan", "holds"] == False  # noqa: E712
    assert "potongan dibatalkan di perubahan" in travel.loc["perubahan", "keterangan"]
    assert "cut_reversed" in set(a.findings["code"])
    # the judged pair is the two-stage audit of the same file, unchanged
    s = a.summary.set_index("target").loc["perjalanan_dinas"]
    assert (s["baseline"], s["revised"], s["status"]) == (D(1_315_748_000), D(657_874_000), "met")
    # one file read once: its rows are not counted three times in the inputs
    assert len([x for x in a.sources if x.get("stage") in (None, "baseline")]) == 1
