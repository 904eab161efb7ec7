"""The command line: summaries, one-line errors, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from efisiensi.cli import main
from tests.conftest import SAMPLES


def test_demo_prints_per_file_and_per_skpd(capsys):
    if not any(SAMPLES.glob("*.xlsx")):
        pytest.skip("no sample files")
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "2025_1_murni_rekap5.xlsx" in out and "1.078.983.576.660" in out
    assert "1.010.280.766.001,33" in out
    assert "Dinas Pendidikan dan Kebudayaan" in out and "Temuan saat membaca" in out


def test_english_on_request(capsys):
    assert main(["--lang", "en", "demo"]) == 0
    out = capsys.readouterr().out
    assert "1,010,280,766,001.33" in out and "What was read, per file" in out


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"PK\x03\x04broken")
    proc = subprocess.run([sys.executable, "-m", "efisiensi", "baca", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "rusak.xlsx" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_file_exit_2(capsys):
    assert main(["baca", "tidak-ada.xlsx"]) == 2
    assert "tidak-ada.xlsx: berkas tidak ditemukan" in capsys.readouterr().err
