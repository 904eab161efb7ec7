"""Realisasi beside the lines (Jawa Timur) joined into the timeline, and the Lini Masa in every
view: Excel sheets, HTML summary, notebook view."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

import efisiensi as ef
from efisiensi.read.realisasi import realisasi_columns
from tests.conftest import REAL, need

D = Decimal
JATIM = REAL / "jatim-upt-pelatihan-pertanian-2025" / "DKKB DAN REALISASI.xlsx"
MONTHS = ["JANUARI", "FEBRUARI", "MARET", "APRIL", "MEI", "JUNI", "JULI", "AGUSTUS", "SEPTEMBER", "OKTOBER",
          "NOVEMBER", "DESEMBER"]


@pytest.fixture(scope="module")
def jatim():
    return ef.audit(need(JATIM))


def _spent_by_hand(path) -> dict[str, D]:
    """Independently of the library: the REALISASI sub-columns of the sheet's source blocks
    (its "Sumber Anggaran" blocks that are not TOTAL blocks), summed per account prefix."""
    ws = openpyxl.load_workbook(path, data_only=True, read_only=True)["REALISASI 2025"]
    out = {"5.1.02.04": D(0), "all": D(0)}
    counting, realisasi_cols = False, []
    for row in ws.iter_rows(values_only=True):
        if row[0] == "Sumber Anggaran":
            counting = not str(row[3]).strip().upper().startswith("TOTAL")
            continue
        if any(str(c).strip() == "REALISASI" for c in row if c is not None):
            realisasi_cols = [j for j, c in enumerate(row) if str(c or "").strip() == "REALISASI"]
            continue
        code = str(row[1] or "").strip()
        if not counting or not code.startswith("5."):
            continue
        spent = sum((D(str(row[j])) for j in realisasi_cols if isinstance(row[j], int | float)), D(0))
        out["all"] += spent
        if code.startswith("5.1.02.04"):
            out["5.1.02.04"] += spent
    return out


def test_jatim_reference_totals_of_the_readme_hold(jatim):
    assert [(s["label"], s["total"]) for s in jatim.stages] == [
        ("murni", D("4322423846")), ("efisiensi", D("3862913070")), ("perubahan", D("3862913070"))]
    travel = jatim.timeline[jatim.timeline["target"] == "perjalanan_dinas"]
    assert list(travel["anggaran"]) == [D("1315748000"), D("657874000"), D("662094000")]


def test_jatim_realisasi_per_category_without_the_total_blocks(jatim):
    by_hand = _spent_by_hand(need(JATIM))
    # derived by hand above from the four source blocks: rows 32, 79, 80, 126, 330, 331
    assert by_hand["5.1.02.04"] == D("593248624") == D(98708478 + 68688850 + 344700000 + 23185296 + 52966000 + 5000000)
    r = jatim.realisasi.set_index("target")
    travel = r.loc["perjalanan_dinas"]
    assert travel["realisasi"] == by_hand["5.1.02.04"]
    assert (travel["anggaran"], travel["tahap_anggaran"]) == (D("662094000"), "perubahan")  # the current stage
    assert float(travel["persen_realisasi"]) == 89.6  # 593,248,624 / 662,094,000
    # every line's realisasi once: the sheet's three TOTAL blocks (which repeat the source blocks) not again
    spent = ef.stages(ef.load(JATIM))
    spent = spent[spent["tahap"] == "realisasi"]
    assert sum(v for v in spent["anggaran"] if v is not None) == by_hand["all"] == D("3657214029")
    assert len(spent) == 140  # 4 source blocks × 35 coded rows


def test_jatim_realisasi_is_never_a_budget_stage(jatim):
    assert "realisasi" not in {s["tahap"] for s in jatim.stages}
    assert "realisasi" not in set(jatim.timeline["tahap"])
    s = jatim.summary.set_index("target").loc["perjalanan_dinas"]
    assert (s["baseline"], s["revised"], s["status"]) == (D("1315748000"), D("657874000"), "met")


def test_jatim_empty_to_date_cells_are_counted_from_the_months_and_said(jatim):
    f = jatim.findings[jatim.findings["code"] == "realisasi_from_months"]
    assert len(f) == 1
    msg = f["message"].iloc[0]
    # 13 lines whose TOTAL REALISASI cell is empty (their SISA ANGGARAN = PAPBD - the months)
    assert "13 baris" in msg and "66.228.000" in msg and "baris 14, 15, 19, 24" in msg


def test_realisasi_columns_need_one_realisasi_column_per_month():
    head = ["", "JANUARI", "", "FEBRUARI", "", "TOTAL REALISASI", "SISA REALISASI"]
    assert realisasi_columns(head, ["", "DKKB", "REALISASI", "DKKB", "", "", ""], {1: 1, 2: 3}) == ([], 5)
    assert realisasi_columns(["", "Pagu", "Realisasi"], [], {}) == ([], 2)
    assert realisasi_columns(["", "Pagu", "Sisa realisasi"], [], {}) == ([], None)


def _monthly_book(path, total_cell):
    """A two-row header (month over DKKB | REALISASI), three stage columns and a to-date column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    head = ["KODE REKENING", "URAIAN", "ANGGARAN SEBELUM EFISIENSI", "ANGGARAN SETELAH EFISIENSI", "ANGGARAN PAPBD"]
    for m in MONTHS:
        head += [m, None]
    ws.append([*head, "TOTAL REALISASI S/D SAAT INI"])
    ws.append([None] * 5 + ["DKKB", "REALISASI"] * 12 + [None])
    ws.append(["5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa", 1000, 500, 600]
              + [50, 40] * 3 + [0, 0] * 9 + [total_cell])
    ws.append(["5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", 2000, 2000, 2000] + [100, 100] + [0, 0] * 11
              + [100])
    wb.save(path)
    return path


def test_a_to_date_cell_that_contradicts_its_months_is_a_finding(tmp_path):
    a = ef.audit(_monthly_book(tmp_path / "dkkb.xlsx", 130))
    r = a.realisasi.set_index("target").loc["perjalanan_dinas"]
    assert r["realisasi"] == D(120) and float(r["persen_realisasi"]) == 20.0  # the months, against PAPBD 600
    f = a.findings[a.findings["code"] == "row_arithmetic"]
    assert len(f) == 1 and int(f["row"].iloc[0]) == 3 and "menulis 130" in f["message"].iloc[0]
    a = ef.audit(_monthly_book(tmp_path / "dkkb2.xlsx", 120))
    assert "row_arithmetic" not in set(a.findings["code"])


def test_jatim_lini_masa_sheets(jatim, tmp_path):
    wb = openpyxl.load_workbook(jatim.to_excel(tmp_path / "j.xlsx"))
    rows = list(wb["Lini Masa"].iter_rows(values_only=True))
    head = next(r for r in rows if r[0] == "Kategori")
    assert head[1:4] == ("murni (baseline, Rp)", "efisiensi (dinilai, Rp)", "perubahan (Rp)")
    assert "Realisasi (Rp)" in head and "Terpakai (anggaran perubahan, %)" in head
    travel = dict(zip(head, next(r for r in rows if r[0] == "Perjalanan dinas"), strict=False))
    assert D(str(travel["Realisasi (Rp)"])) == D("593248624")
    assert travel["Status di efisiensi"] == "tercapai" and travel["Keterangan"] == "potongan dibatalkan di perubahan"
    assert D(str(travel["perubahan (Rp)"])) == D("662094000")
    en = openpyxl.load_workbook(jatim.to_excel(tmp_path / "e.xlsx", lang="en"))
    assert "Timeline" in en.sheetnames and "Timeline by agency" in en.sheetnames
    rows = list(en["Timeline"].iter_rows(values_only=True))
    travel = next(r for r in rows if r[0] == "Official travel")
    assert "cut undone at perubahan" in travel


def test_jatim_html_summary_and_notebook_view_show_the_stages(jatim):
    page = jatim.to_html()
    assert "Lini masa tahap anggaran" in page and "potongan dibatalkan di perubahan" in page
    assert "662.094.000" in page and "593.248.624" in page
    assert "cut undone at perubahan" in jatim.to_html(lang="en")
    view = jatim._repr_html_()
    assert "Lini masa tahap anggaran" in view and "efisiensi (dinilai)" in view


def test_a_two_stage_audit_has_no_lini_masa(tmp_path):
    p = tmp_path / "dua.csv"
    p.write_text("kode_rekening,uraian,sebelum,sesudah\n5.1.02.04.01.0001,Perjalanan dinas biasa,100,50\n",
                 encoding="utf-8")
    a = ef.audit(p)
    assert not a.stages
    assert "Lini Masa" not in openpyxl.load_workbook(a.to_excel(tmp_path / "x.xlsx")).sheetnames
    assert "Lini masa" not in a.to_html() and "Lini masa" not in a._repr_html_()


def test_two_stage_columns_and_a_realisasi_column_stay_a_two_stage_audit(tmp_path):
    """A realisasi column beside murni and efisiensi is no third stage: the two-stage audit, unchanged."""
    p = tmp_path / "dua.csv"
    p.write_text("kode_rekening,uraian,anggaran sebelum efisiensi,anggaran setelah efisiensi,realisasi\n"
                 "5.1.02.04.01.0001,Perjalanan dinas biasa,100,50,45\n", encoding="utf-8")
    a = ef.audit(p)
    assert not a.stages and a.timeline is None
    s = a.summary.set_index("target").loc["perjalanan_dinas"]
    assert (s["baseline"], s["revised"], s["status"]) == (D(100), D(50), "met")
    long = ef.stages(ef.load(p))
    assert list(long["tahap"]) == ["murni", "efisiensi", "realisasi"] and long["anggaran"].iloc[2] == D(45)
