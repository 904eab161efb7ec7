"""The command line: summaries, one-line errors, exit codes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from efisiensi.cli import main
from tests.budget_sums import check_amounts, rupiah_text, travel
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


@pytest.fixture(scope="module")
def stages():
    """The two Buru stages as loaded: the expected category amounts are sums over their codes."""
    import efisiensi as ef

    return {"baseline": ef.load(MURNI), "revised": ef.load(PENYESUAIAN)}


def _table_rows(out: str) -> dict[str, list[str]]:
    """The rows of the audit table the CLI prints, by category id."""
    return {line.split()[0]: line.split() for line in out.splitlines()
            if line.split() and line.split()[0] in ("perjalanan_dinas", "seremonial", "kajian", "studi_banding",
                                                    "pencetakan", "publikasi", "rapat_seminar", "honorarium",
                                                    "pendukung", "hibah_kl")}


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


def test_fail_on_noncompliance_exits_1(capsys, stages):
    assert main(["audit", "--baseline", str(MURNI), "--revised", str(PENYESUAIAN)]) == 0
    rows = _table_rows(capsys.readouterr().out)  # the printed table: every category's two amounts
    assert len(rows) == 10
    for stage, col in (("baseline", 1), ("revised", 2)):
        check_amounts({c: rupiah_text(r[col]) for c, r in rows.items()}, stages[stage])
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


def test_profile_of_one_stage(capsys, stages):
    assert main(["--lang", "en", "audit", str(MURNI)]) == 0
    out = capsys.readouterr().out
    assert "profile" in out
    rows = _table_rows(out)
    check_amounts({c: r[1].replace(",", "") for c, r in rows.items()}, stages["baseline"])


def test_audit_with_workers_in_process_equals_serial(tmp_path, capsys, stages):
    import json
    from decimal import Decimal

    base = ["audit", "--baseline", str(MURNI), "--revised", str(PENYESUAIAN), "--json"]
    assert main([*base, str(tmp_path / "serial.json")]) == 0
    assert main([*base, str(tmp_path / "scaled.json"), "--workers", "1", "--run-dir", str(tmp_path / "run")]) == 0
    assert (tmp_path / "serial.json").read_bytes() == (tmp_path / "scaled.json").read_bytes()
    assert any((tmp_path / "run").iterdir())
    doc = json.loads((tmp_path / "scaled.json").read_text(encoding="utf-8"), parse_float=Decimal, parse_int=Decimal)
    for stage, items in stages.items():  # the scheduled run's per-category figures
        check_amounts({c["target"]: c[stage] for c in doc["categories"]}, items)


def test_unreachable_scheduler_is_one_line(capsys):
    pytest.importorskip("distributed")
    assert main(["audit", str(MURNI), "--scheduler", "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert "127.0.0.1:9" in err and err.count("\n") == 1


# ---------------------------------------------------------------------- the output contract

AUDIT = ["audit", "--baseline", str(MURNI), "--revised", str(PENYESUAIAN)]


def _sha(paths):
    return {str(p): hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths}


@pytest.fixture
def inputs_unchanged():
    before = _sha([MURNI, PENYESUAIAN])
    yield
    assert _sha([MURNI, PENYESUAIAN]) == before


@pytest.mark.parametrize(
    ("opts", "needle"),
    [
        (["--out", "{tmp}"], "adalah folder, bukan berkas"),
        (["--out", "/proc/efisiensi-laporan.xlsx"], "folder tidak dapat ditulisi"),
        (["--out", "{tmp}/laporan.csv"], "harus berakhiran .xlsx"),
        (["--json", "{tmp}/hasil.xlsx"], "harus berakhiran .json"),
        (["--html", "{tmp}/ringkasan.pdf"], "harus berakhiran .html atau .htm"),
        (["--json", "{tmp}/r.json", "--html", "{tmp}/r.json"], "dipakai untuk --json dan --html"),
        (["--out", str(MURNI)], "menolak menimpa berkas masukan"),
        (["--out", "{tmp}/sub/../laporan.xlsx", "--html", "{tmp}/laporan.xlsx"], "dipakai untuk --out dan --html"),
    ],
)
def test_output_failures_are_one_line_before_any_table(capsys, tmp_path, inputs_unchanged, opts, needle):
    argv = [*AUDIT, *(o.format(tmp=tmp_path) for o in opts)]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and needle in err, err
    assert err.startswith("efisiensi: ") and "Traceback" not in err
    assert [p.name for p in tmp_path.iterdir()] == []  # nothing written, no temporary file


def test_unwritable_folder_is_one_line(capsys, tmp_path, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert main([*AUDIT, "--out", str(tmp_path / "laporan.xlsx")]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "laporan.xlsx: folder tidak dapat ditulisi (Permission denied)" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder anyway")
def test_read_only_folder_is_one_line(capsys, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        assert main([*AUDIT, "--out", str(ro / "laporan.xlsx")]) == 2
    finally:
        ro.chmod(0o755)
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "tidak dapat ditulisi" in err


def test_failure_while_writing_is_one_line_and_leaves_nothing(capsys, tmp_path, monkeypatch):
    def full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    assert main([*AUDIT, "--out", str(tmp_path / "laporan.xlsx")]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "tidak dapat ditulis (No space left on device)" in err
    assert list(tmp_path.iterdir()) == []


def test_workers_without_dask_is_one_line_before_reading(capsys, monkeypatch):
    import efisiensi.cli as cli

    monkeypatch.setitem(sys.modules, "distributed", None)
    monkeypatch.setattr(cli, "load", lambda *a, **k: pytest.fail("read before the check"))
    assert main([*AUDIT, "--workers", "2"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "pip install 'efisiensi[dask]'" in err


def test_no_file_of_the_input_set_is_written_over(capsys, tmp_path):
    import shutil

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(MURNI, data / "murni.xlsx")
    shutil.copy(PENYESUAIAN, data / "penyesuaian.xlsx")
    rusak = data / "penyesuaian_rusak.xlsx"  # an input that cannot be read: still an input
    rusak.write_bytes(b"PK\x03\x04 bukan xlsx")
    files = sorted(data.iterdir())
    before = _sha(files)
    cases = [
        (["--baseline", str(data), "--out", str(rusak)], "menolak menimpa berkas masukan"),
        (["--baseline", str(data), "--out", str(data / "laporan.xlsx")], "akan terbaca sebagai masukan"),
        (["--baseline", str(data / "*.xlsx"), "--out", str(data / "baru.xlsx")], "cocok dengan pola masukan"),
        (["--baseline", str(data / "murni.xlsx"), "--revised", str(data / "penyesuaian.xlsx"), "--json",
          str(data / "murni.xlsx")], "harus berakhiran .json"),
    ]
    for argv, needle in cases:
        assert main(["audit", *argv]) == 2, argv
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and needle in err, err
    assert sorted(data.iterdir()) == files and _sha(files) == before
    # the library itself knows the unread file too (from the findings of the load)
    import efisiensi as ef

    a = ef.audit(data)
    with pytest.raises(ef.EfisiensiError, match="menimpa"):
        a.to_excel(rusak)
    assert _sha(files) == before


def test_symlink_fifo_and_device_targets_are_refused_and_unharmed(capsys, tmp_path):
    import stat

    from efisiensi._io import OutputError, check_output

    dangling = tmp_path / "hasil.json"
    dangling.symlink_to(tmp_path / "entah.json")
    real = tmp_path / "asli.xlsx"
    real.write_bytes(b"jangan disentuh")
    link = tmp_path / "tautan.xlsx"
    link.symlink_to(real)
    fifo = tmp_path / "pipa.xlsx"
    os.mkfifo(fifo)
    for opt, target, needle in (("--json", dangling, "symlink"), ("--out", link, "symlink"),
                                ("--out", fifo, "FIFO")):
        assert main([*AUDIT, opt, str(target)]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and needle in err, err
    assert dangling.is_symlink() and not (tmp_path / "entah.json").exists()
    assert link.is_symlink() and real.read_bytes() == b"jangan disentuh"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    with pytest.raises(OutputError, match="bukan berkas biasa"):
        check_output(Path("/dev/null"))
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


SIGTERM_SCRIPT = """
import os, sys, time
import efisiensi._io as io
real = os.replace
def slow(src, dst):
    print("ready", flush=True)
    time.sleep(60)
    real(src, dst)
os.replace = slow
io.atomic_write_bytes(io.Path(sys.argv[1]), b"x" * 100_000)
"""


def test_sigterm_while_writing_leaves_no_temporary_file(tmp_path):
    import signal

    target = tmp_path / "laporan.xlsx"
    proc = subprocess.Popen([sys.executable, "-c", SIGTERM_SCRIPT, str(target)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # the write is under way
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 128 + signal.SIGTERM
    finally:
        proc.kill()
    assert list(tmp_path.iterdir()) == []


def test_closed_pipe_is_quiet(tmp_path, stages):
    report = tmp_path / "laporan.xlsx"
    proc = subprocess.Popen([sys.executable, "-m", "efisiensi", *AUDIT, "--out", str(report)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before anything is printed (like `| head`)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 0 and err == ""
    assert report.stat().st_size > 10_000  # the report is written all the same
    import openpyxl

    from efisiensi.report.labels import target_label

    ring = list(openpyxl.load_workbook(report, read_only=True)["Ringkasan"].iter_rows(values_only=True))
    row = next(r for r in ring if r and r[0] == target_label("perjalanan_dinas"))
    assert (row[2], row[3]) == (travel(stages["baseline"]), travel(stages["revised"]))


def test_lang_after_the_subcommand(capsys):
    assert main(["baca", str(MURNI), "--lang", "en"]) == 0
    assert "What was read, per file" in capsys.readouterr().out
    assert main(["categories", "perjalanan_dinas", "--lang", "en"]) == 0
    assert "rule" in capsys.readouterr().out


def test_one_line_whatever_the_file_name(capsys, tmp_path):
    assert main(["baca", str(tmp_path / "laporan\nkedua\rbaris.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\r" not in err and "laporan\\nkedua\\rbaris.xlsx" in err


def test_control_characters_from_a_file_are_shown_escaped(capsys, tmp_path):
    csv = tmp_path / "rincian.csv"
    csv.write_bytes(b"kode_skpd,nama_skpd,kode_rekening,nama_rekening,anggaran\n"
                    b"1.01,\x1b[2J\x1b]0;judul\x07Dinas A,5.1.02.04.01.0001,Perjalanan,1000\n")
    assert main(["baca", str(csv)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[2J\\x1b]0;judul\\x07Dinas A" in out


def test_html_beside_the_workbook(capsys, tmp_path, stages):
    out_x, out_h = tmp_path / "laporan.xlsx", tmp_path / "ringkasan.html"
    assert main([*AUDIT, "--out", str(out_x), "--html", str(out_h), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    page = out_h.read_text()
    assert f"Report written: {out_h}" in out and "Official travel: NOT MET" in page
    # the travel sentence names the two 5.1.02.04 sums of the stages
    assert f"(Rp {travel(stages['baseline']):,.0f} to Rp {travel(stages['revised']):,.0f})" in page
