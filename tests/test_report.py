"""The evidence workbook, the notebook view and the charts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

import efisiensi as ef
from tests.conftest import SAMPLES

MURNI, PENYESUAIAN = SAMPLES / "2025_1_murni_rekap5.xlsx", SAMPLES / "2025_3_penyesuaian_rekap5.xlsx"
SHEETS_ID = ["Ringkasan", "Per SKPD", "Temuan", "Rincian", "Rekonsiliasi", "Catatan Data", "Jejak Audit"]


@pytest.fixture(scope="module")
def buru():
    return ef.audit(MURNI, PENYESUAIAN)


@pytest.fixture(scope="module")
def report(buru, tmp_path_factory):
    path = tmp_path_factory.mktemp("laporan") / "laporan.xlsx"
    buru.to_excel(path)
    return path


def test_workbook_sheets_headers_and_chart(report):
    wb = openpyxl.load_workbook(report)
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert visible == SHEETS_ID
    ring = wb["Ringkasan"]
    assert len(ring._charts) == 1 and len(wb["Per SKPD"]._charts) == 1
    header = [c.value for c in ring[9]]
    assert header[:10] == ["Target", "Kategori", "Jenis target", "Baseline (Rp)", "Revisi (Rp)", "Perubahan (Rp)",
                           "Perubahan (%)", "Target potong (%)", "Status", "Kekurangan (Rp)"]
    row = [c.value for c in ring[10]]
    assert row[0] == "perjalanan_dinas" and row[3] == 44839327876 and row[8] == "tidak tercapai"
    assert row[9] == 14975826190
    assert ring.freeze_panes == "A10" and ring.auto_filter.ref.startswith("A9")
    assert ring.cell(10, 10).number_format.startswith("#,##0.00")
    assert ring.cell(10, 9).fill.fgColor.rgb.endswith("FFC7CE")  # red for not met


def test_evidence_points_at_source_rows(report, buru):
    wb = openpyxl.load_workbook(report, read_only=True)
    rows = list(wb["Temuan"].iter_rows(values_only=True))
    head = rows[0]
    src = head.index("Sumber baseline (berkas:sheet:baris)")
    targets = {r[0] for r in rows[1:]}
    assert "perjalanan_dinas" in targets and targets <= set(buru.summary["target"])
    row = next(r for r in rows[1:] if r[src])  # lines new in the revision have no baseline source
    fname, sheet, line = row[src].split("; ")[0].rsplit(":", 2)
    cell_row = list(openpyxl.load_workbook(MURNI, read_only=True)[sheet].iter_rows(
        min_row=int(line), max_row=int(line), values_only=True))[0]
    assert fname == MURNI.name and cell_row[18] == row[head.index("Kode rekening")]


def test_rincian_holds_every_line_and_trail_every_input(report, buru):
    wb = openpyxl.load_workbook(report, read_only=True)
    assert wb["Rincian"].max_row == len(buru.lines) + 1
    trail = {r[0]: r[1] for r in wb["Jejak Audit"].iter_rows(min_row=2, values_only=True)}
    inputs = [k for k in trail if k.startswith("input")]
    assert len(inputs) == 2 and all("sha256=" in trail[k] for k in inputs)
    assert trail["efisiensi"] == ef.__version__ and "inpres-1-2025" in trail["policy"]


def test_english_labels(buru, tmp_path):
    path = buru.to_excel(tmp_path / "report.xlsx", lang="en")
    wb = openpyxl.load_workbook(path, read_only=True)
    assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"][:2] == ["Summary", "By agency"]


def test_formula_text_stays_text_in_every_sheet(tmp_path):
    evil = '=HYPERLINK("http://x","klik")'
    rows = [{"kode_skpd": "@SUM(A1)", "nama_skpd": "+Dinas", "kode_rekening": "5.1.02.04.01.0001",
             "nama_rekening": "-Perjalanan", "kelompok": evil, "uraian": evil, "anggaran": "2000",
             "anggaran_sebelum": "3000", "sumber_file": "=cmd|' /C calc'!A0"}]
    a = ef.audit(ef.load_frame(rows))
    path = a.to_excel(tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(path)
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                seen += c.value == evil
    assert seen >= 3  # Temuan, Rincian and more hold it, as text


def test_row_limit_continues_on_a_further_sheet(buru, tmp_path):
    from efisiensi.report.excel import write_excel

    path = write_excel(buru, tmp_path / "kecil.xlsx", max_rows=1000)
    wb = openpyxl.load_workbook(path, read_only=True)
    parts = [ws.title for ws in wb.worksheets if ws.title.startswith("Rincian")]
    assert len(parts) == -(-len(buru.lines) // 999)
    assert "batas baris Excel" in next(wb[parts[1]].iter_rows(values_only=True))[0]
    total = sum(ws.max_row - (1 if i == 0 else 2) for i, ws in enumerate(wb[p] for p in parts))
    assert total == len(buru.lines)


def test_report_never_overwrites_an_input(buru):
    with pytest.raises(ef.EfisiensiError, match="menimpa"):
        buru.to_excel(MURNI)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")
def test_report_opens_in_libreoffice(tmp_path):
    # the Buru report of two SKPD: every sheet and chart, small enough to convert in seconds
    keep = ["Sekretariat DPRD", "Dinas Pariwisata"]
    base, rev = (ef.load(p) for p in (MURNI, PENYESUAIAN))
    a = ef.audit(base[base["nama_skpd"].isin(keep)], rev[rev["nama_skpd"].isin(keep)])
    report = a.to_excel(tmp_path / "laporan.xlsx")
    env = {**os.environ, "HOME": str(tmp_path)}
    proc = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(report)],
                          capture_output=True, text=True, timeout=300, env=env)
    pdf = tmp_path / "laporan.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert pages >= 2


def test_notebook_view_and_plot(buru):
    html = buru._repr_html_()
    assert "perjalanan_dinas" in html and "tidak tercapai" in html and "44.839.327.876" in html
    fig = buru.plot()
    assert len(fig.axes) == 2 and fig.axes[1].get_title().startswith("Perubahan perjalanan dinas")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == "perjalanan_dinas"


def test_summary_money_stays_decimal(buru):
    assert isinstance(buru.summary["shortfall"].iloc[0], Decimal)
    assert str(buru.summary["baseline"].dtype).startswith("decimal128")
    assert isinstance(buru.summary, pd.DataFrame)


def test_report_file_mode_follows_the_umask(buru, tmp_path):
    old = os.umask(0o022)
    try:
        path = buru.to_excel(tmp_path / "bagikan.xlsx")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644
