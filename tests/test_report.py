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
from efisiensi.report.labels import target_label
from tests.budget_sums import CATS, check_amount, check_amounts, rupiah_text, travel
from tests.conftest import SAMPLES

MURNI, PENYESUAIAN = SAMPLES / "2025_1_murni_rekap5.xlsx", SAMPLES / "2025_3_penyesuaian_rekap5.xlsx"
SHEETS_ID = ["Ringkasan", "Per SKPD", "Temuan", "Temuan (tetap)", "Per SKPD rinci", "Rincian", "Rekonsiliasi",
             "Catatan Data", "Jejak Audit"]
NARROW = ["Ringkasan", "Per SKPD", "Per SKPD rinci", "Rekonsiliasi", "Catatan Data", "Jejak Audit"]


@pytest.fixture(scope="module")
def buru():
    return ef.audit(MURNI, PENYESUAIAN)


@pytest.fixture(scope="module")
def stages() -> dict[str, pd.DataFrame]:
    """The two Buru stages as loaded: the expected category amounts are sums over their codes."""
    return {"baseline": ef.load(MURNI), "revised": ef.load(PENYESUAIAN)}


def _summary_cells(ws, lang="id") -> dict[str, dict[str, object]]:
    """The summary table of a workbook's first sheet: per category, its baseline and revised cells."""
    rows = list(ws.iter_rows(values_only=True))
    h = next(i for i, r in enumerate(rows) if r and r[0] in ("Kategori", "Category"))
    base = rows[h].index("Baseline (Rp)")
    by_label = {r[0]: r for r in rows[h + 1:] if r and r[0]}
    return {c: {"baseline": by_label[target_label(c, lang)][base], "revised": by_label[target_label(c, lang)][base + 1]}
            for c in CATS}


@pytest.fixture(scope="module")
def report(buru, tmp_path_factory):
    path = tmp_path_factory.mktemp("laporan") / "laporan.xlsx"
    buru.to_excel(path)
    return path


@pytest.fixture(scope="module")
def book(report):
    return openpyxl.load_workbook(report)


def _row_of(ws, text, col=1):
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, col).value == text)


def test_first_page_says_the_verdict_per_target(book, buru):
    visible = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
    assert visible == SHEETS_ID
    ring = book["Ringkasan"]
    assert ring.cell(5, 1).value == "Kesimpulan"
    sentences = [ring.cell(r, 1).value for r in range(6, 6 + len(buru.summary))]
    assert sentences[0] == ("Perjalanan dinas: TIDAK TERCAPAI. Turun 16,6 % (Rp 44.839.327.876 menjadi "
                            "Rp 37.395.490.128); target potong 50 %; kurang Rp 14.975.826.190.")
    assert sentences[1].startswith("Seremonial: NAIK 7,1 %") and "sesuai arah" in sentences[2]
    assert sentences[-2].startswith("Pendukung (hanya dilaporkan, tanpa target)") and "kurang" not in sentences[-2]
    assert ring.cell(6, 1).fill.fgColor.rgb.endswith("FFC7CE") and ring.cell(8, 1).fill.fgColor.rgb.endswith("C6EFCE")
    # the rekap5 sheets state no total to check the lines against: read and reconciled, not verified
    assert {s["verification"]["verdict"] for s in buru.sources} == {"tidak_dapat_diverifikasi"}
    assert ring.cell(6 + len(buru.summary), 1).value.startswith(
        "Rekonsiliasi: tercatat, tetapi sumber belum terverifikasi")


def test_summary_table_colours_and_reported_only_rows(book):
    ring = book["Ringkasan"]
    h = _row_of(ring, "Kategori")
    header = [c.value for c in ring[h]]
    assert header[:9] == ["Kategori", "Jenis target", "Baseline (Rp)", "Revisi (Rp)", "Perubahan (Rp)",
                          "Perubahan (%)", "Yang diminta", "Status", "Kekurangan (Rp)"]
    row = [c.value for c in ring[h + 1]]
    assert row[0] == "Perjalanan dinas" and row[2] == 44839327876 and row[7] == "tidak tercapai"
    assert row[8] == 14975826190 and row[6] == "potong 50 %"
    assert ring.cell(h + 1, 8).fill.fgColor.rgb.endswith("FFC7CE")  # red for not met
    pendukung = next(r for r in range(h + 1, h + 12) if ring.cell(r, 1).value == "Pendukung")
    assert ring.cell(pendukung, 9).value is None  # reported only: no shortfall
    assert ring.cell(pendukung, 8).fill.fgColor.rgb.endswith("EDEDED")  # and no alarm colour
    # cuts green, increases red: conditional font colours on the change columns
    rules = {(r.operator, r.dxf.font.color.rgb) for cf in ring.conditional_formatting for r in cf.rules}
    assert ("lessThan", "FF006100") in rules and ("greaterThan", "FFC00000") in rules
    assert ring.cell(h + 1, 5).number_format.startswith("+#,##0.00;-#,##0.00")
    assert len(ring._charts) == 1


def test_per_skpd_one_row_per_skpd_sorted_by_shortfall(book, buru):
    ws = book["Per SKPD"]
    assert ws.cell(1, 3).value == "Perjalanan dinas (potong 50 %)"
    head = [c.value for c in ws[2]]
    assert head[:7] == ["Kode SKPD", "Nama SKPD", "Baseline (Rp)", "Revisi (Rp)", "Perubahan (%)", "Status",
                        "Kekurangan (Rp)"] and head[-1] == "Total kekurangan (Rp)"
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    skpd = buru.by_agency["kode_skpd"].nunique()
    assert len(rows) == skpd == len({r[0] for r in rows})
    totals = [r[-1] for r in rows]
    assert totals == sorted(totals, reverse=True)
    assert rows[0][1] == "Sekretariat DPRD" and rows[0][6] == 4789773000
    travel = buru.by_agency[buru.by_agency["target"] == "perjalanan_dinas"]
    assert sum(Decimal(str(r[6])) for r in rows if r[6] is not None) == sum(travel["shortfall"])
    # the chart: top 15 and "lainnya", whose bars add up to the whole shortfall
    assert len(ws._charts) == 1
    data = [r for r in book["Data grafik"].iter_rows(min_row=2, values_only=True)]
    assert book["Data grafik"].sheet_state == "hidden" and len(data) == 16
    assert data[-1][0].startswith("lainnya (") and sum(Decimal(str(v)) for _, v in data) == sum(travel["shortfall"])


def test_every_sheet_prints_on_a4_landscape_with_repeated_headers(book):
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9, ws.title
        assert ws.print_title_rows, ws.title
        assert ws.oddFooter.right.text and "&P" in ws.oddFooter.right.text, ws.title
        fit = bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
        if ws.title in NARROW:
            assert fit and ws.page_setup.fitToHeight == 0, ws.title  # one page wide, as tall as needed
        else:
            assert not fit and ws.page_setup.scale == 80, ws.title  # wide: readable scale, not squeezed
    assert book["Per SKPD"].print_title_rows == "$1:$2" and book["Per SKPD"].freeze_panes == "C3"
    assert book["Rincian"].freeze_panes == "A2" and book["Rincian"].print_title_rows == "$1:$1"


def test_evidence_travel_first_unchanged_lines_apart(book, buru):
    ev = list(book["Temuan"].iter_rows(values_only=True))
    same = list(book["Temuan (tetap)"].iter_rows(values_only=True))
    head = ev[0]
    change = head.index("Perubahan baris")
    targets = list(dict.fromkeys(r[0] for r in ev[1:]))
    assert targets == ["Perjalanan dinas", "Seremonial", "Studi banding", "Honorarium"]  # policy order
    assert "tetap" not in {r[change] for r in ev[1:]} and {r[change] for r in same[1:]} == {"tetap"}
    travel = buru.evidence("perjalanan_dinas")
    n_travel = sum(r[0] == "Perjalanan dinas" for r in ev[1:]) + sum(r[0] == "Perjalanan dinas" for r in same[1:])
    assert n_travel == len(travel)
    assert sum(r[0] == "Perjalanan dinas" for r in same[1:]) == int((travel["perubahan"] == "tetap").sum())


def test_labels_in_the_report_language_on_every_sheet(book, buru, tmp_path):
    rec = list(book["Rekonsiliasi"].iter_rows(values_only=True))
    rec = rec[:next((i for i, r in enumerate(rec) if not any(r)), len(rec))]  # the reconciliation table
    assert rec[0][0] == "Tahap" and {r[0] for r in rec[1:]} == {"murni (baseline)", "revisi"}
    assert {r[-1] for r in rec[1:]} == {"ya"}
    trail = [r[0] for r in book["Jejak Audit"].iter_rows(min_row=2, values_only=True)]
    assert "Ditulis pada (UTC)" in trail and "Kebijakan" in trail
    assert not [k for k in trail if re.search(r"\b(policy|written_at|legal_source|input)\b", k)], trail
    en = openpyxl.load_workbook(buru.to_excel(tmp_path / "report.xlsx", lang="en"), read_only=True)
    assert [ws.title for ws in en.worksheets if ws.sheet_state == "visible"][:3] == ["Summary", "By agency",
                                                                                      "Evidence"]
    rec_en = list(en["Reconciliation"].iter_rows(values_only=True))
    rec_en = rec_en[:next((i for i, r in enumerate(rec_en) if not any(r)), len(rec_en))]
    assert rec_en[0][0] == "Stage" and {r[0] for r in rec_en[1:]} == {"baseline (murni)", "revised"}
    assert {r[1] for r in rec_en[1:]} >= {"(all files: matched lines)"}
    trail_en = [r[0] for r in en["Audit trail"].iter_rows(min_row=2, values_only=True)]
    assert "Written at (UTC)" in trail_en and not [k for k in trail_en if "Kebijakan" in k or "Ditulis" in k]
    summary_en = [r[0] for r in en["Summary"].iter_rows(min_row=6, max_row=6, values_only=True)]
    assert summary_en[0].startswith("Official travel: NOT MET. Down 16.6 %")


def test_amounts_past_15_digits_are_exact_beside_the_number(tmp_path):  # one travel line
    big = "999999999999999.99"
    rows = [{"kode_skpd": "1.01", "nama_skpd": "Dinas A", "kode_rekening": "5.1.02.04.01.0001",
             "nama_rekening": "Perjalanan dinas biasa", "uraian": "x", "anggaran": "1000000000000000.01",
             "anggaran_sebelum": big, "sumber_file": "a.xlsx"}]
    a = ef.audit(ef.load_frame(rows))
    wb = openpyxl.load_workbook(a.to_excel(tmp_path / "besar.xlsx"), read_only=True)
    lines = list(wb["Rincian"].iter_rows(values_only=True))
    head = lines[0]
    exact = head.index("Baseline (Rp) persis")
    assert exact == head.index("Baseline (Rp)") + 1
    def back(text):
        return Decimal(text.replace(".", "").replace(",", "."))

    assert back(lines[1][exact]) == Decimal(big)
    assert lines[1][exact - 1] == 1e15  # the number Excel computes with, as near as a double gets
    revised = head.index("Revisi (Rp) persis")
    assert back(lines[1][revised]) == Decimal("1000000000000000.01")
    ring = list(wb["Ringkasan"].iter_rows(values_only=True))
    total = next(r for r in ring if r[0] == "Total revisi (Rp)")
    assert back(total[4]) == Decimal("1000000000000000.01")
    # the travel row carries the line, exactly; no other category does
    amounts = _summary_cells(wb["Ringkasan"])
    assert amounts["perjalanan_dinas"]["baseline"] == 1e15
    assert {c: v["baseline"] for c, v in amounts.items() if c != "perjalanan_dinas"} == dict.fromkeys(CATS[1:], 0)
    assert [r[0] for r in list(wb["Temuan"].iter_rows(values_only=True))[1:]] == ["Perjalanan dinas"]


def test_amounts_within_15_digits_stay_plain_numbers(report):
    wb = openpyxl.load_workbook(report, read_only=True)
    head = next(wb["Rincian"].iter_rows(max_row=1, values_only=True))
    assert not [h for h in head if h.endswith("persis")]


def test_evidence_points_at_source_rows(report, buru, stages):
    wb = openpyxl.load_workbook(report, read_only=True)
    rows = list(wb["Temuan"].iter_rows(values_only=True))
    head = rows[0]
    # the travel evidence of both sheets is every 5.1.02.04 line: its baseline adds up exactly
    same = list(wb["Temuan (tetap)"].iter_rows(values_only=True))[1:]
    base = head.index("Baseline (Rp)")
    travel_rows = [r for r in rows[1:] + same if r[0] == "Perjalanan dinas"]
    assert {r[head.index("Kode rekening")][:9] for r in travel_rows} == {"5.1.02.04"}
    assert sum(Decimal(str(r[base] or 0)) for r in travel_rows) == travel(stages["baseline"])
    src = head.index("Sumber baseline (berkas:sheet:baris)")
    targets = {r[0] for r in rows[1:]}
    assert "Perjalanan dinas" in targets and targets <= {target_label(t) for t in buru.summary["target"]}
    row = next(r for r in rows[1:] if r[src])  # lines new in the revision have no baseline source
    fname, sheet, line = row[src].split("; ")[0].rsplit(":", 2)
    cell_row = list(openpyxl.load_workbook(MURNI, read_only=True)[sheet].iter_rows(
        min_row=int(line), max_row=int(line), values_only=True))[0]
    assert fname == MURNI.name and cell_row[18] == row[head.index("Kode rekening")]


def test_rincian_holds_every_line_and_trail_every_input(report, buru):
    wb = openpyxl.load_workbook(report, read_only=True)
    assert wb["Rincian"].max_row == len(buru.lines) + 1
    rows = list(wb["Rincian"].iter_rows(values_only=True))
    head = rows[0]
    change = head.index("Perubahan (Rp)")
    # every line's change, removed and new lines included, adds up to the change of the totals
    assert sum(Decimal(str(r[change])) for r in rows[1:] if r[change] is not None) == \
        buru.totals["revised"] - buru.totals["baseline"]
    # each line's categories: travel exactly on 5.1.02.04; no Inpres category on salaries and capital
    code, cats = head.index("Kode rekening"), head.index("Kategori")
    inpres = {target_label(c) for c in CATS}
    for r in rows[1:]:
        labels = set((r[cats] or "").split(", "))
        assert ("Perjalanan dinas" in labels) == str(r[code]).startswith("5.1.02.04."), r[code]
        if str(r[code]).startswith(("5.1.01.01.", "5.2.02.", "5.2.03.")):
            assert not labels & inpres, (r[code], r[cats])
    trail = {r[0]: r[1] for r in wb["Jejak Audit"].iter_rows(min_row=2, values_only=True)}
    inputs = [k for k in trail if k.startswith("Masukan (")]
    assert len(inputs) == 2 and all("sha256=" in trail[k] for k in inputs)
    assert trail["Versi efisiensi"] == ef.__version__ and "inpres-1-2025" in trail["Kebijakan"]


def test_english_labels(buru, stages, tmp_path):
    path = buru.to_excel(tmp_path / "report.xlsx", lang="en")
    wb = openpyxl.load_workbook(path, read_only=True)
    assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"][:2] == ["Summary", "By agency"]
    cells = _summary_cells(wb["Summary"], "en")  # the English rows hold the same category amounts
    for stage, items in stages.items():
        check_amounts({c: v[stage] for c, v in cells.items()}, items)


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
                if isinstance(c.value, str) and c.value and c.value[0] in "=+-@":
                    assert c.quotePrefix, (ws.title, c.coordinate, c.value)  # editing keeps it text
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
    with pytest.raises(ef.EfisiensiError, match="menimpa"):
        buru.to_html(PENYESUAIAN)


def _soffice_pdf(report, tmp_path):
    env = {**os.environ, "HOME": str(tmp_path)}
    proc = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(report)],
                          capture_output=True, text=True, timeout=300, env=env)
    pdf = tmp_path / (report.stem + ".pdf")
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    return pdf


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")
def test_report_opens_in_libreoffice(tmp_path):
    # the Buru report of two SKPD: every sheet and chart, small enough to convert in seconds
    keep = ["Sekretariat DPRD", "Dinas Pariwisata"]
    base, rev = (ef.load(p) for p in (MURNI, PENYESUAIAN))
    a = ef.audit(base[base["nama_skpd"].isin(keep)], rev[rev["nama_skpd"].isin(keep)])
    pdf = _soffice_pdf(a.to_excel(tmp_path / "laporan.xlsx"), tmp_path)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert pages >= 2


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or poppler (pdftotext) is not installed; .ci/run installs them")
def test_summary_sheets_print_on_few_pages(buru, tmp_path, monkeypatch):
    # the summary sheets of the whole Buru report; the line sheets are left out to convert in seconds
    from efisiensi.report import excel

    for name in ("_lines_sheet", "_evidence_sheets", "_agency_detail_sheet"):
        monkeypatch.setattr(excel, name, lambda w, a: None)
    pdf = _soffice_pdf(buru.to_excel(tmp_path / "ringkas.xlsx"), tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    footers = re.findall(r"(Ringkasan|Per SKPD|Rekonsiliasi|Catatan Data|Jejak Audit), halaman \d+ dari", text)
    pages = {s: footers.count(s) for s in set(footers)}
    assert pages["Ringkasan"] == 2 and pages["Per SKPD"] <= 3, pages  # verdict page, table and chart
    first = text.split("\f")[0]
    assert "Perjalanan dinas: TIDAK TERCAPAI" in first and "kurang Rp 14.975.826.190" in first


def test_notebook_view_and_plot(buru):
    html = buru._repr_html_()
    assert "perjalanan_dinas" in html and "tidak tercapai" in html and "44.839.327.876" in html
    fig = buru.plot()
    assert len(fig.axes) == 2 and fig.axes[1].get_title().startswith("Perubahan perjalanan dinas")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == "Perjalanan dinas"


def test_plot_without_matplotlib_is_one_clear_error(buru, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ef.EfisiensiError, match=r"pip install 'efisiensi\[notebook\]'"):
        buru.plot()


def test_html_summary_is_self_contained_and_escaped(buru, tmp_path):
    page = buru.to_html()
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 2
    assert "Perjalanan dinas: TIDAK TERCAPAI. Turun 16,6 %" in page and "@media print" in page
    assert not re.search(r"<script|<link|<img|src=|href=|url\(", page)  # nothing fetched
    rows = [{"kode_skpd": "1.01", "nama_skpd": "<script>alert(1)</script>", "kode_rekening": "5.1.02.04.01.0001",
             "nama_rekening": "Perjalanan dinas", "uraian": "x", "anggaran": "40", "anggaran_sebelum": "30",
             "sumber_file": "<b>a.xlsx"}]
    evil = ef.audit(ef.load_frame(rows)).to_html(tmp_path / "r.html", lang="en")
    text = evil.read_text()
    assert "<script>" not in text and "&lt;script&gt;" in text and "<b>a" not in text


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed; .ci/run installs it")
def test_html_summary_renders_in_headless_chromium(buru, tmp_path):
    import matplotlib.image as mpimg

    page = buru.to_html(tmp_path / "ringkasan.html")
    shot = tmp_path / "shot.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,1600",
                    f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120, check=False)
    assert shot.exists(), "Chromium wrote no screenshot"
    img = mpimg.imread(shot)[..., :3]
    ink = (img.min(axis=2) < 0.9).mean()
    red = ((img[..., 0] > 0.6) & (img[..., 1] < 0.25) & (img[..., 2] < 0.25)).mean()
    assert ink > 0.05 and red > 0.001, (ink, red)  # text, tables and the red shortfall bars drawn


def test_summary_money_stays_decimal(buru, stages):
    assert isinstance(buru.summary["shortfall"].iloc[0], Decimal)
    # exact to the sen: the travel shortfall is the revised 5.1.02.04 lines minus half the murni ones
    assert buru.summary["shortfall"].iloc[0] == travel(stages["revised"]) - travel(stages["baseline"]) / 2
    assert str(buru.summary["baseline"].dtype).startswith("decimal128")
    assert isinstance(buru.summary, pd.DataFrame)


def test_report_file_mode_follows_the_umask(buru, tmp_path):
    old = os.umask(0o022)
    try:
        path = buru.to_excel(tmp_path / "bagikan.xlsx")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_source_verification_is_shown_and_withholds_the_ok(tmp_path):
    import copy

    from efisiensi.report.terminal import describe_audit

    keep = ["Dinas Pariwisata"]
    base, rev = (ef.load(p) for p in (MURNI, PENYESUAIAN))
    own = base[base["nama_skpd"].isin(keep)], rev[rev["nama_skpd"].isin(keep)]
    a = ef.audit(*own)
    table = describe_audit(a)
    assert "(OK)" not in table  # the rekap5 sheets state nothing to verify against
    # the terminal table's travel row: the SKPD's own 5.1.02.04 lines, both stages, exactly
    row = next(line.split() for line in table.splitlines() if line.startswith("perjalanan_dinas "))
    assert (rupiah_text(row[1]), rupiah_text(row[2])) == (travel(own[0]), travel(own[1]))
    check_amount("hibah_kl", rupiah_text(next(line.split() for line in table.splitlines()
                                              if line.startswith("hibah_kl "))[1]), own[0], occurs=False)
    a = copy.copy(a)
    a.sources = [{**s, "verification": {"verdict": "terverifikasi", "sheets": [], "checks": []}} for s in a.sources]
    assert "Rekonsiliasi: semua rupiah terbaca tercatat (OK)." in describe_audit(a)
    a.sources = [{**s, "verification": {"verdict": v, "sheets": ["Sheet1"], "checks": ["total_row"]}}
                 for s, v in zip(a.sources, ["terverifikasi", "tidak_dapat_diverifikasi"], strict=True)]
    text = describe_audit(a)
    assert "(OK)" not in text and "belum terverifikasi" in text
    wb = openpyxl.load_workbook(a.to_excel(tmp_path / "v.xlsx"), read_only=True)
    rows = list(wb["Rekonsiliasi"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "Verifikasi sumber")
    assert rows[head + 1][:3] == ("Tahap", "Berkas", "Verifikasi sumber")
    assert [r[2] for r in rows[head + 2:]] == ["terverifikasi", "tidak dapat diverifikasi"]
    ring = [r[0] for r in wb["Ringkasan"].iter_rows(max_col=1, values_only=True) if r[0]]
    assert any(str(r).startswith("Rekonsiliasi: tercatat, tetapi sumber belum terverifikasi") for r in ring)
