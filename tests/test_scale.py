"""Scale-out on Dask: one task per file gives the very Audit of a serial run, and resumes."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

import efisiensi as ef
from efisiensi.compliance import _distributed

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def _split(src: Path, folder: Path) -> list[Path]:
    """One Buru rekap split by SKPD into four files: two xlsx, two CSV."""
    import xlsxwriter
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(src))
    rows = wb.get_sheet_by_name(wb.sheet_names[0]).to_python()
    header, body = rows[0], rows[1:]
    skpd = sorted({r[4] for r in body})
    groups = [[r for r in body if skpd.index(r[4]) % 4 == k] for k in range(4)]
    folder.mkdir(parents=True)
    out = []
    for k, g in enumerate(groups):
        if k % 2 == 0:
            path = folder / f"part{k}.xlsx"
            book = xlsxwriter.Workbook(str(path))
            ws = book.add_worksheet("Sheet 1")
            for i, r in enumerate([header, *g]):
                ws.write_row(i, 0, r)
            book.close()
        else:
            path = folder / f"part{k}.csv"
            with open(path, "w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow(header)
                for r in g:
                    w.writerow([f"{v:.2f}" if isinstance(v, float) and j == 22 else
                                (str(int(v)) if isinstance(v, float) else v) for j, v in enumerate(r)])
        out.append(path)
    return out


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("scale")
    _split(SAMPLES / "2025_1_murni_rekap5.xlsx", root / "murni")
    _split(SAMPLES / "2025_5_perubahan_rekap5.xlsx", root / "perubahan")
    (root / "murni" / "rusak.xlsx").write_bytes(b"PK\x03\x04 bukan xlsx")  # a file_unreadable finding
    return root


def assert_same(a: ef.Audit, b: ef.Audit) -> None:
    for name in ("summary", "by_agency", "lines", "findings", "reconciliation"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True, obj=name)
    assert (a.totals, a.sources, a.categories) == (b.totals, b.sources, b.categories)
    assert (a.baseline_files, a.revised_files) == (b.baseline_files, b.revised_files)
    strip = {"run_at"}
    assert {k: v for k, v in a.parameters.items() if k not in strip} == \
        {k: v for k, v in b.parameters.items() if k not in strip}
    assert a.to_json() == b.to_json()


def test_per_file_path_in_process_equals_the_serial_audit(folders, tmp_path):
    serial = ef.audit(folders / "murni", folders / "perubahan")
    seen = []
    scaled = ef.audit(folders / "murni", folders / "perubahan", workers=1, run_dir=tmp_path / "run",
                      progress=lambda done, total, path: seen.append((done, total, Path(path).name)))
    assert_same(serial, scaled)
    assert [s[:2] for s in seen] == [(k, 9) for k in range(1, 10)]
    assert serial.reconciled and len(serial.by_agency)


def test_one_stage_profile_and_both_stages_in_one_table(folders):
    assert_same(ef.audit(folders / "murni"), ef.audit(folders / "murni", workers=1))


def test_resume_reuses_finished_files_and_redoes_changed_ones(folders, tmp_path, monkeypatch):
    run = tmp_path / "run"
    first = ef.audit(folders / "murni", folders / "perubahan", workers=1, run_dir=run)
    done = []
    real = _distributed.process_file

    def spy(job):
        done.append([Path(f["path"]).name for f in job["files"]])
        return real(job)

    monkeypatch.setattr(_distributed, "process_file", spy)
    again = ef.audit(folders / "murni", folders / "perubahan", workers=1, run_dir=run)
    assert done == []  # everything came from the run folder
    assert_same(first, again)
    # an interrupted run: one file's result is missing; a changed input is read again
    next(run.glob("*.json")).unlink()
    ef.audit(folders / "murni", folders / "perubahan", workers=1, run_dir=run)
    assert len(done) == 1


def test_local_dask_cluster_gives_the_serial_result(folders, tmp_path):
    distributed = pytest.importorskip("distributed", reason="dask[distributed] not installed "
                                      "(pip install 'efisiensi[dask]')")
    serial = ef.audit(folders / "murni", folders / "perubahan")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        seen = []
        scaled = ef.audit(folders / "murni", folders / "perubahan", client=client, run_dir=tmp_path / "run",
                          progress=lambda done, total, path: seen.append(done))
    assert_same(serial, scaled)
    assert sorted(seen) == list(range(1, 10))


def test_workers_start_and_stop_their_own_cluster(folders):
    pytest.importorskip("distributed", reason="dask[distributed] not installed")
    assert_same(ef.audit(folders / "murni"), ef.audit(folders / "murni", workers=2))


def test_an_explicit_unreadable_file_still_raises_from_a_worker(folders, tmp_path):
    with pytest.raises(ef.LoadError, match="rusak"):
        ef.audit(folders / "murni" / "rusak.xlsx", workers=1, run_dir=tmp_path / "run")


def test_batching_does_not_change_the_audit(folders, tmp_path, monkeypatch):
    """One file a task, or all files in one task: the same Audit (partials add up)."""
    serial = ef.audit(folders / "murni", folders / "perubahan")
    monkeypatch.setattr(_distributed, "BATCH_FILES", 1)
    one = ef.audit(folders / "murni", folders / "perubahan", workers=1, run_dir=tmp_path / "one")
    assert len(list((tmp_path / "one").glob("*.json"))) == 9  # one task a file (the unreadable one too)
    assert_same(serial, one)
    monkeypatch.setattr(_distributed, "BATCH_BYTES", 1)
    assert_same(serial, ef.audit(folders / "murni", folders / "perubahan"))
