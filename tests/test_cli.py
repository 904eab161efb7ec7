"""The command line: summaries, one-line errors, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from efisiensi.cli import main
from tests.conftest import SAMPLES


def test_baca_prints_per_file_and_per_skpd(capsys):
    assert main(["baca", str(SAMPLES)]) == 0
    out = capsys.readouterr().out
    assert "2025_1_murni_rekap5.xlsx" in out and "1.078.983.576.660" in out
    assert "1.010.280.766.001,33" in out
    assert "Dinas Pendidikan dan Kebudayaan" in out and "Temuan saat membaca" in out


def test_english_on_request(capsys):
    assert main(["--lang", "en", "baca", str(SAMPLES)]) == 0
    out = capsys.readouterr().out
    assert "1,010,280,766,001.33" in out and "What was read, per file" in out


def test_demo_audits_the_samples_and_writes_a_report(capsys, tmp_path):
    out_path = tmp_path / "report.xlsx"
    assert main(["demo", "--out", str(out_path)]) == 0
    out = capsys.readouterr().out
    assert "perjalanan_dinas" in out and "TIDAK TERCAPAI" in out and "14.975.826.190" in out
    assert out_path.stat().st_size > 10_000 and "Laporan ditulis" in out


def test_categories_and_evaluate_commands(capsys):
    assert main(["categories", "perjalanan_dinas"]) == 0
    assert "akun-perjalanan-dinas" in capsys.readouterr().out
    assert main(["categories", "tidak_ada"]) == 2
    assert main(["evaluate", "tidak-ada.csv"]) == 2


def test_help_has_examples(capsys):
    with pytest.raises(SystemExit):
        main(["audit", "--help"])
    assert "Contoh:" in capsys.readouterr().out


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"PK\x03\x04broken")
    proc = subprocess.run([sys.executable, "-m", "efisiensi", "baca", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "rusak.xlsx" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_file_exit_2(capsys):
    assert main(["baca", "tidak-ada.xlsx"]) == 2
    assert "tidak-ada.xlsx: berkas tidak ditemukan" in capsys.readouterr().err


MURNI, PENYESUAIAN = SAMPLES / "2025_1_murni_rekap5.xlsx", SAMPLES / "2025_3_penyesuaian_rekap5.xlsx"


def test_audit_json_on_stdout_is_the_contract():
    import json

    proc = subprocess.run([sys.executable, "-m", "efisiensi", "audit", "--baseline", str(MURNI),
                           "--revised", str(PENYESUAIAN), "--json", "-"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    travel = next(c for c in doc["categories"] if c["category"] == "perjalanan_dinas")
    assert (travel["baseline"], travel["revised"], travel["status"], travel["shortfall"]) == (
        44839327876, 37395490128, "not_met", 14975826190)
    assert doc["baseline"]["total"] == 1078983576660
    assert "TIDAK TERCAPAI" in proc.stderr  # the readable table goes to stderr when stdout is JSON
    per_skpd = [c for a in doc["agencies"] for c in a["categories"] if c["category"] == "perjalanan_dinas"]
    assert sum(c["baseline"] for c in per_skpd) == 44839327876
    assert sum(c["revised"] for c in per_skpd) == 37395490128


def test_fail_on_noncompliance_exits_1(capsys):
    assert main(["audit", "--baseline", str(MURNI), "--revised", str(PENYESUAIAN)]) == 0
    assert main(["audit", "--baseline", str(MURNI), "--revised", str(PENYESUAIAN), "--fail-on-noncompliance"]) == 1
    out = capsys.readouterr().out
    assert "SKPD yang belum memenuhi target perjalanan_dinas: 35 dari 42" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["audit"], "beri berkas"),
        (["audit", str(MURNI), "--policy", "tidak-ada"], "kebijakan tidak dikenal"),
        (["audit", "--baseline", "hilang.xlsx"], "hilang.xlsx: berkas tidak ditemukan"),
    ],
)
def test_audit_usage_errors_exit_2(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_profile_of_one_stage(capsys):
    assert main(["--lang", "en", "audit", str(MURNI)]) == 0
    assert "profile" in capsys.readouterr().out


def test_audit_with_workers_in_process_equals_serial(tmp_path, capsys):
    base = ["audit", "--baseline", str(MURNI), "--revised", str(PENYESUAIAN), "--json"]
    assert main([*base, str(tmp_path / "serial.json")]) == 0
    assert main([*base, str(tmp_path / "scaled.json"), "--workers", "1", "--run-dir", str(tmp_path / "run")]) == 0
    assert (tmp_path / "serial.json").read_bytes() == (tmp_path / "scaled.json").read_bytes()
    assert any((tmp_path / "run").iterdir())


def test_unreachable_scheduler_is_one_line(capsys):
    pytest.importorskip("distributed")
    assert main(["audit", str(MURNI), "--scheduler", "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert "127.0.0.1:9" in err and err.count("\n") == 1
