"""The command line runs the budget timeline: --tahap, --tahun, --multi-year, --judge-at, the
stages side by side in the terminal, bad combinations one line and exit 2."""

from __future__ import annotations

import contextlib
import io
import json
from decimal import Decimal

import openpyxl
import pytest

from efisiensi.cli import main
from tests.conftest import REAL, SAMPLES, need
from tests.test_guards import rekap

D = Decimal
JATIM = REAL / "jatim-upt-pelatihan-pertanian-2025" / "DKKB DAN REALISASI.xlsx"


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def stages3(tmp_path):
    """murni → penyesuaian (travel cut 50 %, met) → perubahan (travel back up: undone)."""
    return (rekap(tmp_path / "2025_1_murni.csv", travel=(1_000_000, 2_000_000)),
            rekap(tmp_path / "2025_3_penyesuaian.csv", travel=(500_000, 1_000_000)),
            rekap(tmp_path / "2025_5_perubahan.csv", travel=(900_000, 1_000_000)))


@pytest.fixture(scope="module")
def buru(tmp_path_factory):
    """`efisiensi audit data/samples/ --out … --json …`: the four Buru 2025 stage files, run once."""
    d = tmp_path_factory.mktemp("buru")
    code, out, err = run(["audit", str(SAMPLES), "--out", str(d / "l.xlsx"), "--json", str(d / "h.json")])
    return code, out, err, d


def test_buru_folder_prints_the_four_stages_side_by_side(buru):
    code, out, err, _ = buru
    assert code == 0, err
    assert "Lini masa tahap anggaran" in out
    head = next(line for line in out.splitlines() if line.startswith("Kategori") and "murni (baseline)" in line)
    assert head.split("  ")[0] == "Kategori"
    for h in ("murni (baseline)", "pergeseran-1", "penyesuaian (dinilai)", "perubahan", "Status di penyesuaian"):
        assert h in head
    travel = next(line for line in out.splitlines() if line.startswith("Perjalanan dinas"))
    assert travel.split()[2:7] == ["44.839.327.876", "44.887.413.876", "37.395.490.128", "37.401.600.128",
                                   "-16,6"]
    assert "TIDAK TERCAPAI" in travel
    # where each stage came from, with its file and total
    stage = next(line for line in out.splitlines() if line.startswith("penyesuaian "))
    assert "dinilai" in stage and "nama berkas" in stage and "2025_3_penyesuaian_rekap5.xlsx" in stage
    assert stage.endswith("1.010.280.766.001,33")


def test_buru_folder_report_has_the_lini_masa_sheet_exact(buru):
    _, _, _, d = buru
    wb = openpyxl.load_workbook(d / "l.xlsx")
    assert wb.sheetnames[:3] == ["Ringkasan", "Lini Masa", "Lini Masa per SKPD"]
    rows = list(wb["Lini Masa"].iter_rows(values_only=True))
    travel = next(r for r in rows if r[0] == "Perjalanan dinas")
    assert [D(str(v)) for v in travel[1:5]] == [D("44839327876"), D("44887413876"), D("37395490128"),
                                               D("37401600128")]
    assert travel[6] == "tidak tercapai"
    stage = next(r for r in rows if r[0] == "penyesuaian")
    assert stage[1] == "dinilai" and D(str(stage[5])) == D("1010280766001.33")
    doc = json.loads((d / "h.json").read_text(encoding="utf-8"), parse_float=D)
    assert [s["label"] for s in doc["stages"]] == ["murni", "pergeseran-1", "penyesuaian", "perubahan"]


def test_tahap_flags_give_the_stages_in_order_and_judge_at_moves_the_judgement(stages3, tmp_path):
    m, p, pa = stages3
    code, out, err = run(["audit", "--tahap", f"murni={m}", "--tahap", f"penyesuaian={p}",
                          "--tahap", f"perubahan={pa}", "--json", str(tmp_path / "a.json")])
    assert code == 0, err
    travel = next(line for line in out.splitlines() if line.startswith("Perjalanan dinas"))
    assert travel.split()[2:6] == ["3.000.000", "1.500.000", "1.900.000", "-50,0"]
    assert "tercapai" in travel and travel.endswith("potongan dibatalkan di perubahan")
    stage = next(line for line in out.splitlines() if line.startswith("murni "))
    assert "pengguna" in stage  # the user said the stage
    doc = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"), parse_float=D)
    assert [(s["label"], s["role"]) for s in doc["stages"]] == [("murni", "baseline"), ("penyesuaian", "judged"),
                                                               ("perubahan", "")]
    code, out, err = run(["audit", "--tahap", f"murni={m}", "--tahap", f"penyesuaian={p}",
                          "--tahap", f"perubahan={pa}", "--judge-at", "perubahan", "--lang", "en"])
    assert code == 0, err
    assert "perubahan (judged)" in out and "Status at perubahan" in out
    travel = next(line for line in out.splitlines() if line.startswith("Official travel"))
    assert "-36.7 %" in travel and "NOT MET" in travel


def test_fail_on_noncompliance_also_fails_a_cut_undone_later(stages3):
    m, p, pa = stages3
    argv = ["audit", "--tahap", f"murni={m}", "--tahap", f"penyesuaian={p}", "--tahap", f"perubahan={pa}"]
    assert run(argv)[0] == 0
    code, out, _ = run([*argv, "--fail-on-noncompliance"])
    assert code == 1 and "potongan dibatalkan di perubahan" in out
    # the cut held: exit 0 with the same flag
    rekap(pa, travel=(500_000, 1_000_000))
    assert run([*argv, "--fail-on-noncompliance"])[0] == 0


def test_tahun_picks_one_year_of_a_folder_and_multi_year_is_refused_with_it(tmp_path):
    rekap(tmp_path / "2024_1_murni.csv", 2024)
    rekap(tmp_path / "2025_1_murni.csv", 2025)
    rekap(tmp_path / "2025_3_penyesuaian.csv", 2025, travel=(500_000, 1_000_000))
    code, _, err = run(["audit", str(tmp_path)])
    assert code == 2 and len(err.strip().splitlines()) == 1 and "2024" in err and "Traceback" not in err
    code, out, err = run(["audit", str(tmp_path), "--tahun", "2025"])
    assert code == 0, err
    assert "2025_1_murni.csv" in out and "2024_1_murni.csv" not in out.split("Lini masa")[1].split("Temuan")[0]
    assert "other_year_skipped" in out


@pytest.mark.parametrize("argv, says", [
    (["audit", "--tahap", "murni", "x.xlsx"], "TAHAP=BERKAS"),
    (["audit", "--tahap", "=x.xlsx"], "TAHAP=BERKAS"),
    (["audit", "--tahap", "anggaran=x.xlsx"], "tidak dikenal"),
    (["audit", "--tahap", "murni=a.xlsx", "--baseline", "b.xlsx"], "tidak dapat digabung"),
    (["audit", "x/", "--tahun", "2025", "--multi-year"], "pilih salah satu"),
    (["audit", "x/", "--tahun", "25"], "empat angka"),
    (["audit", "--baseline", "a.xlsx", "--revised", "b.xlsx", "--judge-at", "perubahan"], "--judge-at berlaku"),
    (["audit", "--baseline", "a.xlsx", "--revised", "b.xlsx", "--tahun", "2025"], "--tahun berlaku"),
])
def test_bad_combinations_are_one_line_exit_2(argv, says):
    code, out, err = run(argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and says in err and err.startswith("efisiensi: ")


def test_one_stage_given_is_one_line(stages3):
    code, _, err = run(["audit", "--tahap", f"murni={stages3[0]}"])
    assert code == 2 and "dua tahap anggaran" in err and len(err.strip().splitlines()) == 1


def test_the_same_file_in_two_stages_is_refused(stages3):
    m, _, _ = stages3
    code, _, err = run(["audit", "--tahap", f"murni={m}", "--tahap", f"penyesuaian={m}"])
    assert code == 2 and "satu tahap" in err and len(err.strip().splitlines()) == 1


def test_judge_at_on_a_two_stage_input_is_refused(tmp_path):
    p = tmp_path / "dua.csv"
    p.write_text("kode_rekening,uraian,sebelum,sesudah\n5.1.02.04.01.0001,Perjalanan dinas biasa,100,50\n",
                 encoding="utf-8")
    code, _, err = run(["audit", str(p), "--judge-at", "perubahan"])
    assert code == 2 and "--judge-at berlaku untuk lini masa" in err


def test_help_documents_the_timeline_flags():
    code, out, _ = run_help()
    assert code == 0
    for flag in ("--tahap TAHAP=PATH", "--tahun YYYY", "--multi-year", "--judge-at TAHAP", "Lini masa",
                 "potongan dibatalkan"):
        assert flag in out


def run_help() -> tuple[int, str, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exc:
        main(["audit", "--help"])
    return exc.value.code, out.getvalue(), ""


def test_jatim_realisasi_and_the_reversed_cut_on_the_command_line():
    path = need(JATIM)
    code, out, err = run(["audit", str(path), "--fail-on-noncompliance"])
    assert code == 1, err  # travel met at efisiensi, undone at P-APBD: the gate fails
    travel = next(line for line in out.splitlines() if line.startswith("Perjalanan dinas"))
    assert travel.split()[2:6] == ["1.315.748.000", "657.874.000", "662.094.000", "-50,0"]
    assert "tercapai" in travel and "593.248.624" in travel and "89,6 %" in travel
    assert travel.endswith("potongan dibatalkan di perubahan")
    assert "Realisasi (Rp)" in out and "Terpakai" in out


def test_the_readme_shows_the_buru_timeline_as_the_code_prints_it(buru):
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ efisiensi audit data/samples/\n", 1)[1].split("```", 1)[0]
    shown = [line for line in block.splitlines() if line and line != "…"]
    printed = set(buru[1].splitlines())
    assert len(shown) > 15 and [line for line in shown if line not in printed] == []
