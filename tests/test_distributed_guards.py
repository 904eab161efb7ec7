"""The stage guard rails and the timeline on every path: serial, a run folder, and Dask.

Each trap of issue 11 gives the same error, or the same Audit (findings included, to
the sen), whether the map runs in this process, per batch into a run folder, or on a
local Dask cluster: the guards decide in the reduce from the partials' fingerprints.
One cluster serves the whole module (a cluster start costs seconds).
"""

from __future__ import annotations

import json
import os
import shutil
from decimal import Decimal

import pytest

import efisiensi as ef
from efisiensi import LoadError
from efisiensi.compliance import _distributed
from tests.conftest import REAL, SAMPLES, need
from tests.test_guards import rekap
from tests.test_scale import assert_same

D = Decimal
MODES = ["run_dir", "dask"]  # a run folder in this process; Dask (its run folder a temporary one)


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed", reason="dask[distributed] not installed "
                                      "(pip install 'efisiensi[dask]')")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(params=MODES)
def scaled(request, tmp_path):
    """``ef.audit`` with the map scheduled per batch: in a run folder, or on Dask."""
    mode = request.param
    opts: dict = {}
    if "run_dir" in mode:
        opts["run_dir"] = tmp_path / "run"
        opts["workers"] = 1
    if "dask" in mode:
        opts["client"] = request.getfixturevalue("client")
        opts.pop("workers", None)

    def run(*args, **kw):
        return ef.audit(*args, **kw, **opts)

    run.mode = mode
    return run


def same_error(fn, *args, **kw) -> str:
    """The serial run's one-line error, which ``fn`` must raise too."""
    with pytest.raises(LoadError) as serial:
        ef.audit(*args, **kw)
    msg = str(serial.value)
    with pytest.raises(LoadError) as other:
        fn(*args, **kw)
    assert str(other.value) == msg and "\n" not in msg
    return msg


def codes(a):
    return list(a.findings["code"])


def test_mixed_years_in_one_stage(scaled, tmp_path):
    rekap(tmp_path / "2024_murni.csv", 2024)
    rekap(tmp_path / "2025_murni.csv", 2025)
    rev = rekap(tmp_path / "2025_penyesuaian.csv", 2025, travel=(500_000, 1_000_000))
    msg = same_error(scaled, str(tmp_path / "*murni*"), rev)
    assert "beberapa tahun anggaran (2024: 2024_murni.csv; 2025: 2025_murni.csv)" in msg
    a = scaled(str(tmp_path / "*murni*"), rev, multi_year=True)
    assert_same(ef.audit(str(tmp_path / "*murni*"), rev, multi_year=True), a)
    assert a.totals["baseline"] == D(26_000_000) and "multi_year" in codes(a)


def test_a_byte_identical_copy_and_a_hard_link_are_counted_once(scaled, tmp_path):
    base = tmp_path / "murni"
    base.mkdir()
    rekap(base / "murni.csv")
    shutil.copy(base / "murni.csv", base / "murni - Copy.csv")
    os.link(base / "murni.csv", base / "murni hardlink.csv")
    rev = rekap(tmp_path / "penyesuaian.csv", travel=(700_000, 1_600_000))
    a = scaled(base, rev)
    assert_same(ef.audit(base, rev), a)
    row = a.summary.set_index("target").loc["perjalanan_dinas"]
    assert (row["baseline"], row["status"]) == (D(3_000_000), "not_met")  # not 9,000,000 and "met"
    assert codes(a).count("duplicate_source") == 2
    assert a.reconciliation["ok"].all()


def test_duplicates_split_over_map_tasks_are_counted_once(tmp_path, monkeypatch):
    """One file a task: the copy sits in another partial, which is mapped again without it."""
    rekap(tmp_path / "a.csv")
    text = (tmp_path / "a.csv").read_text(encoding="utf-8").replace("\n", "\r\n") + "\r\n"
    (tmp_path / "b.csv").write_text(text, encoding="utf-8")  # other bytes, the same lines
    rekap(tmp_path / "c.csv", travel=(1, 2), skpd=[("3.01.0.00.0.00.01.0000", "Dinas Sosial")] * 2)
    serial = ef.audit(tmp_path)
    monkeypatch.setattr(_distributed, "BATCH_FILES", 1)
    one = ef.audit(tmp_path, workers=1, run_dir=tmp_path.parent / f"{tmp_path.name}-run")
    assert_same(serial, one)
    assert one.totals["baseline"] == D(13_000_000) + D(10_000_003)
    f = one.findings[one.findings["code"] == "duplicate_source"]
    assert len(f) == 1 and f["file"].iloc[0].endswith("b.csv")


def test_the_same_sheet_content_in_two_files(scaled, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    rekap(folder / "a.csv")
    text = (folder / "a.csv").read_text(encoding="utf-8").replace("\n", "\r\n") + "\r\n"
    (folder / "b.csv").write_text(text, encoding="utf-8")
    a = scaled(folder)
    assert_same(ef.audit(folder), a)
    assert a.totals["baseline"] == D(13_000_000) and "duplicate_source" in codes(a)


def test_one_file_in_both_stages(scaled, tmp_path):
    base = tmp_path / "murni"
    base.mkdir()
    rekap(base / "murni.csv")
    rev = rekap(base / "penyesuaian.csv", travel=(500_000, 1_000_000))
    assert "sama diberikan sebagai baseline dan revised" in same_error(scaled, base, rev)
    same_error(scaled, rev, rev)
    os.link(rev, tmp_path / "link.csv")
    assert "tautan keras" in same_error(scaled, rev, tmp_path / "link.csv")


def test_identical_and_swapped_stages_are_said(scaled, tmp_path):
    m = rekap(tmp_path / "2025_murni.csv")
    (tmp_path / "revisi.csv").write_text(m.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    a = scaled(m, tmp_path / "revisi.csv")
    assert_same(ef.audit(m, tmp_path / "revisi.csv"), a)
    assert "stages_identical" in codes(a)
    p = rekap(tmp_path / "2025_penyesuaian.csv", travel=(500_000, 1_000_000))
    b = scaled(p, m)
    assert_same(ef.audit(p, m), b)
    assert "stage_order" in codes(b)


def test_realisasi_and_versions_are_refused(scaled, tmp_path):
    m = rekap(tmp_path / "murni.csv")
    r = rekap(tmp_path / "realisasi_2025.csv", travel=(100, 200))
    assert "realisasi bukan tahap anggaran" in same_error(scaled, m, r)
    base = tmp_path / "v"
    base.mkdir()
    rekap(base / "murni_mei.csv")
    rekap(base / "murni_april.csv", travel=(1_100_000, 2_000_000))
    assert "murni_april.csv, murni_mei.csv memuat baris yang sama" in same_error(scaled, base, m)


def test_buru_timeline_on_workers_is_the_serial_timeline(client):
    """The four Buru 2025 stages: the same Audit and byte-identical JSON on two Dask workers."""
    serial = ef.audit(SAMPLES)
    scaled = ef.audit(SAMPLES, client=client)
    assert_same(serial, scaled)
    assert [s["total"] for s in scaled.stages] == [D("1078983576660"), D("1078983576660"),
                                                  D("1010280766001.33"), D("1010148878495.39")]
    assert scaled.stages == serial.stages
    json.loads(scaled.to_json())["stages"]


def test_workers_2_runs_the_timeline(tmp_path):
    """``workers=2`` (its own cluster) is no longer refused for a timeline."""
    pytest.importorskip("distributed", reason="dask[distributed] not installed")
    rekap(tmp_path / "2025_murni.csv", travel=(1_000_000, 2_000_000))
    rekap(tmp_path / "2025_efisiensi.csv", travel=(500_000, 1_000_000))
    rekap(tmp_path / "2025_perubahan.csv", travel=(700_000, 900_000))
    shutil.copy(tmp_path / "2025_perubahan.csv", tmp_path / "2025_perubahan - Copy.csv")
    serial = ef.audit(tmp_path)
    a = ef.audit(tmp_path, workers=2)
    assert_same(serial, a)
    assert a.timeline.equals(serial.timeline) and a.timeline_by_agency.equals(serial.timeline_by_agency)
    tl = a.timeline[a.timeline["target"] == "perjalanan_dinas"].set_index("label")
    assert list(tl["anggaran"]) == [D(3_000_000), D(1_500_000), D(1_600_000)]  # the copy counted once
    assert "duplicate_source" in codes(a) and "cut_reversed" in codes(a)


def test_timeline_years_on_a_run_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    rekap(folder / "2024_murni.csv", 2024)
    rekap(folder / "2025_murni.csv", 2025)
    rekap(folder / "2025_penyesuaian.csv", 2025, travel=(500_000, 1_000_000))
    run = tmp_path / "run"
    assert "beberapa tahun" in same_error(lambda *a, **k: ef.audit(*a, **k, workers=1, run_dir=run), folder)
    serial = ef.audit(folder, tahun=2025)
    again = ef.audit(folder, tahun=2025, workers=1, run_dir=run)
    assert_same(serial, again)
    assert again.stages == serial.stages and again.timeline.equals(serial.timeline)


def test_one_workbook_with_three_stage_columns_on_a_run_folder(tmp_path):
    """Jawa Timur (murni → efisiensi → PAPBD in one sheet's columns): read on the
    per-file path, the stage columns are seen in its partial and the timeline runs."""
    path = need(REAL / "jatim-upt-pelatihan-pertanian-2025" / "DKKB DAN REALISASI.xlsx")
    serial = ef.audit(path)
    a = ef.audit(path, workers=1, run_dir=tmp_path / "run")
    assert_same(serial, a)
    assert a.timeline is not None and a.timeline.equals(serial.timeline) and a.stages == serial.stages
    travel = a.timeline.set_index(["target", "tahap"]).loc["perjalanan_dinas"]
    assert list(travel["anggaran"]) == [D(1_315_748_000), D(657_874_000), D(662_094_000)]
