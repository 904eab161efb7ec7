"""Reading that proves itself: hand-built structures, each in at least two spellings.

Every workbook here is valid and small; before the verification stage each was read wrong
(counted twice, subtotals added as lines, a line dropped) and stamped OK.
"""

from __future__ import annotations

from decimal import Decimal as D

import openpyxl
import pytest

import efisiensi as ef
from efisiensi.report.terminal import describe_load

SKPD = ("1.02.0.00.0.00.01.0000", "Dinas Kesehatan")
LINES = [("5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa", 1000),
         ("5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat", 250),
         ("5.1.02.01.01.0026", "Belanja Bahan Cetak", 125)]
TOTAL = D(1375)


def xlsx(path, sheets: dict, merges: dict | None = None):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(list(r))
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    wb.save(path)
    return path


def verdict(df) -> list[str]:
    return ef.verification(df, per="file")["verdict"].tolist()


def codes(df) -> set[str]:
    return set(ef.findings(df)["code"])


def flat(header=("KODE SKPD", "NAMA SKPD", "KODE REKENING", "NAMA REKENING", "PAGU")):
    return [list(header)] + [[*SKPD, c, n, a] for c, n, a in LINES]


# ---- repeated sheets --------------------------------------------------------------------

@pytest.mark.parametrize("header", [("KODE SKPD", "NAMA SKPD", "KODE REKENING", "NAMA REKENING", "PAGU"),
                                    ("Kode OPD", "OPD", "No Rekening", "Uraian Rekening", "Jumlah (Rp)")])
def test_duplicate_identical_sheet_is_counted_once(tmp_path, header):
    rows = flat(header)
    df = ef.load(xlsx(tmp_path / "dup.xlsx", {"APBD": rows, "APBD (2)": rows}))
    assert ef.total(df) == TOTAL and set(df["sumber_sheet"]) == {"APBD"}
    v = ef.verification(df)
    assert ((v["check"] == "repeated_sheet") & v["held"]).sum() == 1
    assert "repeated_sheet" in codes(df)


@pytest.mark.parametrize("summary_header", [("KODE SKPD", "NAMA SKPD", "PAGU"),
                                            ("Kode Unit", "Nama Unit", "Total (Rp.)")])
def test_per_skpd_summary_sheet_is_not_counted_again(tmp_path, summary_header):
    other = ("1.03.0.00.0.00.01.0000", "Dinas PU")
    detail = flat() + [[*other, "5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa", 500]]
    summary = [list(summary_header), [*SKPD, int(TOTAL)], [*other, 500]]
    df = ef.load(xlsx(tmp_path / "rekap.xlsx", {"Rincian": detail, "Rekap SKPD": summary}))
    assert ef.total(df) == TOTAL + 500 and set(df["sumber_sheet"]) == {"Rincian"}


# ---- hierarchy by code ------------------------------------------------------------------

@pytest.mark.parametrize("style", ["code_column", "code_in_name"])
def test_coded_subtotal_rows_are_checked_not_added(tmp_path, style):
    rows = [["KODE REKENING", "URAIAN", "JUMLAH"],
            ["5", "BELANJA", 1375], ["5.1", "BELANJA OPERASI", 1375], ["5.1.02", "Belanja Barang dan Jasa", 1375],
            *[[c, n, a] for c, n, a in LINES], ["", "JUMLAH BELANJA", 1375]]
    if style == "code_in_name":
        rows = [["NO", "URAIAN", "JUMLAH"]] + [[k, f"{c} {n}".strip(), a] for k, (c, n, a) in enumerate(rows[1:])]
        rows[-1][1] = "JUMLAH BELANJA"
    df = ef.load(xlsx(tmp_path / "sub.xlsx", {"S": rows}))
    assert ef.total(df) == TOTAL and len(df) == 3
    assert verdict(df) == ["terverifikasi"]
    v = ef.verification(df)
    assert {"hierarchy_subtotal", "total_row"} <= set(v["check"])


def test_coded_subtotal_that_disagrees_is_a_finding_and_contradicts(tmp_path):
    rows = [["KODE REKENING", "URAIAN", "JUMLAH"], ["5.1.02", "Belanja Barang dan Jasa", 2000],
            *[[c, n, a] for c, n, a in LINES]]
    df = ef.load(xlsx(tmp_path / "bad.xlsx", {"S": rows}))
    assert ef.total(df) == TOTAL
    f = ef.findings(df)
    assert f[f["code"] == "subtotal_mismatch"]["row"].tolist() == [2]
    assert verdict(df) == ["bertentangan"]


@pytest.mark.parametrize("label", ["SURPLUS/(DEFISIT)", "Defisit"])
def test_balance_row_is_neither_a_line_nor_a_failed_total(tmp_path, label):
    rows = flat() + [["", "", "", "JUMLAH BELANJA", int(TOTAL)], ["", "", "", label, -int(TOTAL)]]
    df = ef.load(xlsx(tmp_path / "surplus.xlsx", {"S": rows}))
    assert ef.total(df) == TOTAL and verdict(df) == ["terverifikasi"] and "balance_row" in codes(df)


def test_old_chart_parents_too(tmp_path):
    rows = [["KODE REKENING", "URAIAN", "JUMLAH"], ["5.2.2", "Belanja Barang dan Jasa", 300],
            ["5.2.2.15.01", "Perjalanan Dinas Dalam Daerah", 100], ["5.2.2.11.01", "Makanan dan Minuman", 200]]
    df = ef.load(xlsx(tmp_path / "old.xlsx", {"S": rows}))
    assert ef.total(df) == D(300) and len(df) == 2 and verdict(df) == ["terverifikasi"]


# ---- revenue and financing --------------------------------------------------------------

@pytest.mark.parametrize("rev,fin", [("4.1.01.01.01.0001", "6.1.01.01.01.0001"), ("4.1.1.01.01", "6.1.1.01.01")])
def test_revenue_and_financing_are_not_spending(tmp_path, rev, fin):
    rows = flat() + [[*SKPD, rev, "Pajak Kendaraan", 9000], [*SKPD, fin, "SiLPA", 7000]]
    df = ef.load(xlsx(tmp_path / "apbd.xlsx", {"S": rows}))
    assert ef.total(df) == TOTAL and not df["kode_rekening"].str.match(r"^[46]\.").any()
    f = ef.findings(df)
    note = f[f["code"] == "not_spending"]["message"].iloc[0]
    assert "pendapatan" in note and "pembiayaan" in note


# ---- repeated page headers and column numbers -------------------------------------------

@pytest.mark.parametrize("numbers", [[1, 2, 3, 4, 5], ["(1)", "(2)", "(3)", "(4)", "(5)"]])
def test_repeated_page_header_and_column_numbers_are_not_lines(tmp_path, numbers):
    head = ["KODE SKPD", "NAMA SKPD", "KODE REKENING", "NAMA REKENING", "PAGU"]
    body = [[*SKPD, c, n, a] for c, n, a in LINES]
    rows = [head, numbers, body[0], head, numbers, *body[1:]]
    df = ef.load(xlsx(tmp_path / "pages.xlsx", {"S": rows}))
    assert ef.total(df) == TOTAL and len(df) == 3
    assert "repeated_header" in codes(df) and "malformed_code" not in codes(df)


# ---- merged text cells ------------------------------------------------------------------

@pytest.mark.parametrize("span", [2, 3])
def test_line_whose_text_is_merged_with_the_line_above_is_kept(tmp_path, span):
    rows = [["KODE REKENING", "NAMA REKENING", "KOEFISIEN", "PAGU"]]
    rows += [["5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa", "", 100 * (k + 1)] for k in range(span)]
    rows += [["5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat", "", 7]]
    merges = {"S": [f"A2:A{span + 1}", f"B2:B{span + 1}"]}
    df = ef.load(xlsx(tmp_path / "merged.xlsx", {"S": rows}, merges))
    assert ef.total(df) == D(sum(100 * (k + 1) for k in range(span)) + 7)
    assert df["kode_rekening"].tolist()[:span] == ["5.1.02.04.01.0001"] * span
    assert "merged_text_line" in codes(df)


# ---- headers recognised by their words --------------------------------------------------

@pytest.mark.parametrize("amount", ["Jumlah (Rp)", "Nilai Pagu", "Anggaran Tahun 2025", "Total (Rp.)", "J U M L A H"])
def test_amount_headers_by_their_words(tmp_path, amount):
    rows = [["PEMERINTAH KABUPATEN CONTOH"], ["RINCIAN BELANJA TAHUN ANGGARAN 2025"], [],
            ["KODE REKENING", "U R A I A N", amount]] + [[c, n, a] for c, n, a in LINES]
    df = ef.load(xlsx(tmp_path / "h.xlsx", {"S": rows}))
    assert ef.total(df) == TOTAL and df["nama_rekening"].tolist() == [n for _, n, _ in LINES] or \
        df["uraian"].tolist() == [n for _, n, _ in LINES]
    assert "anggaran" in ef.load(xlsx(tmp_path / "h2.xlsx", {"S": rows})).attrs["sources"][0][
        "verification"]["sheets"][0]["columns"]


@pytest.mark.parametrize("before,after", [("PAGU MURNI", "Setelah Efisiensi"), ("Semula", "Menjadi")])
def test_two_stage_headers_by_their_words(tmp_path, before, after):
    rows = [["KODE REKENING", "URAIAN", before, after],
            ["5.1.02.04.01.0001", "Perjalanan Dinas", 1000, 500], ["5.1.02.01.01.0052", "Mamin", 300, 300]]
    df = ef.load(xlsx(tmp_path / "two.xlsx", {"S": rows}))
    assert ef.total(df) == D(800) and ef.total(df, "anggaran_sebelum") == D(1300)


@pytest.mark.parametrize("top,subs", [("Anggaran", ("Sebelum", "Sesudah")), ("PAGU", ("Murni", "Perubahan"))])
def test_header_merged_over_two_rows(tmp_path, top, subs):
    rows = [["KODE REKENING", "URAIAN", top, ""], ["", "", *subs],
            ["5.1.02.04.01.0001", "Perjalanan Dinas", 1000, 500], ["5.1.02.01.01.0052", "Mamin", 300, 300]]
    df = ef.load(xlsx(tmp_path / "two_rows.xlsx", {"S": rows}, {"S": ["C1:D1"]}))
    assert ef.total(df) == D(800) and ef.total(df, "anggaran_sebelum") == D(1300)
    assert df["sumber_baris"].tolist() == [3, 4]


# ---- group totals and months ------------------------------------------------------------

@pytest.mark.parametrize("group_name,line_name", [("rincian", "total_rincian"), ("pagu_sub_kegiatan", "nilai")])
def test_repeated_group_total_is_not_the_line_amount(tmp_path, group_name, line_name):
    months = [f"bulan_{m}" for m in range(1, 13)]
    head = ["kode_sub_giat", "kode_akun", "nama_akun", group_name, line_name, *months]
    rows = [head]
    for sub, items in (("1.02.02.2.01.01", [(600, "5.1.02.04.01.0001"), (400, "5.1.02.01.01.0052")]),
                       ("1.02.02.2.01.02", [(300, "5.1.02.04.01.0001"), (200, "5.1.02.01.01.0026"),
                                            (100, "5.1.02.01.01.0052")])):
        group = sum(a for a, _ in items)
        for a, code in items:
            rows.append([sub, code, "akun", group, a, a - 10, 10] + [0] * 10)
    df = ef.load(xlsx(tmp_path / "angkas.xlsx", {"S": rows}))
    assert ef.total(df) == D(1600)
    v = ef.verification(df)
    assert set(v[v["held"]]["check"]) >= {"group_total", "months_total"}
    assert verdict(df) == ["terverifikasi"]


# ---- repeated blocks --------------------------------------------------------------------

@pytest.mark.parametrize("total_word", ["J U M L A H", "TOTAL"])
def test_block_that_adds_up_other_blocks_is_not_counted_again(tmp_path, total_word):
    head = ["KODE REKENING", "URAIAN", "SEBELUM", "SESUDAH"]
    a = [["5.1.02.04.01.0001", "Perjalanan", 100, 50], ["5.1.02.01.01.0052", "Mamin", 40, 40]]
    b = [["5.1.02.04.01.0001", "Perjalanan", 60, 30], ["5.1.02.01.01.0052", "Mamin", 10, 5]]
    c = [["5.1.02.04.01.0001", "Perjalanan", 7, 7], ["5.1.02.01.01.0052", "Mamin", 3, 3]]
    ab = [["5.1.02.04.01.0001", "Perjalanan", 160, 80], ["5.1.02.01.01.0052", "Mamin", 50, 45]]

    def block(rows):
        s0, s1 = sum(r[2] for r in rows), sum(r[3] for r in rows)
        return [["Sumber Dana : X"], head, *rows, ["", total_word, s0, s1], []]

    sheet = block(a) + block(b) + block(ab) + block(c)
    df = ef.load(xlsx(tmp_path / "blocks.xlsx", {"S": sheet}))
    assert ef.total(df) == D(135) and ef.total(df, "anggaran_sebelum") == D(220)
    v = ef.verification(df)
    assert ((v["check"] == "repeated_block") & v["held"]).sum() == 1


# ---- stages in a row --------------------------------------------------------------------

def test_three_stages_in_a_row_are_all_read_exactly(tmp_path):
    rows = [["KODE REKENING", "URAIAN", "ANGGARAN SEBELUM EFISIENSI", "ANGGARAN SETELAH EFISIENSI", "ANGGARAN PAPBD"],
            ["5.1.02.04.01.0001", "Perjalanan", 1000, 500, 520.5], ["5.1.02.01.01.0052", "Mamin", 300, 250, 250]]
    df = ef.load(xlsx(tmp_path / "three.xlsx", {"S": rows}))
    assert ef.total(df) == D(750) and ef.total(df, "anggaran_sebelum") == D(1300)  # never the three added
    assert df["tahap"].tolist() == ["efisiensi", "efisiensi"]
    st = ef.stages(df)
    assert st.groupby("tahap")["anggaran"].sum().to_dict() == {"efisiensi": D(750), "murni": D(1300),
                                                               "perubahan": D("770.50")}
    assert set(st["peran"]) == {"anggaran_sebelum", "anggaran", "tambahan"}
    assert st["sumber_baris"].tolist().count(2) == 3


# ---- verdicts carried to the user -------------------------------------------------------

def test_verdicts_and_closing_line(tmp_path):
    plain = ef.load(xlsx(tmp_path / "plain.xlsx", {"S": flat()}))
    assert verdict(plain) == ["tidak_dapat_diverifikasi"]
    closed = ef.load(xlsx(tmp_path / "closed.xlsx", {"S": flat() + [["", "", "", "JUMLAH", int(TOTAL)]]}))
    assert verdict(closed) == ["terverifikasi"]
    assert "terverifikasi" in describe_load(closed)
    a = ef.audit(plain)
    from efisiensi.report.terminal import describe_audit

    text = describe_audit(a)
    assert "(OK)" not in text and "belum terverifikasi" in text
    assert "(OK)" in describe_audit(ef.audit(closed))
    assert a.to_dict()["inputs"][0]["verification"]["verdict"] == "tidak_dapat_diverifikasi"


# ---- row arithmetic ---------------------------------------------------------------------

@pytest.mark.parametrize("koef,tax", [("2 Orang x 3 Hari", None), ("6 OH", 11)])
def test_quantity_times_price_proves_the_amount(tmp_path, koef, tax):
    head = ["KODE REKENING", "URAIAN", "KOEFISIEN", "HARGA SATUAN", *(["PPN"] if tax else []), "JUMLAH"]
    amount = 600 if tax is None else 666
    good = ["5.1.02.04.01.0001", "Uang harian", koef, 100, *([tax] if tax else []), amount]
    bad = ["5.1.02.01.01.0052", "Mamin", "10 Kotak", 50, *([0] if tax else []), 900]
    df = ef.load(xlsx(tmp_path / "rka.xlsx", {"S": [head, good]}))
    assert verdict(df) == ["terverifikasi"]
    df = ef.load(xlsx(tmp_path / "rka2.xlsx", {"S": [head, good, bad]}))
    f = ef.findings(df)
    assert verdict(df) == ["bertentangan"] and f[f["code"] == "row_arithmetic"]["row"].tolist() == [3]


@pytest.mark.parametrize("diff_sign", [1, -1])
def test_before_plus_difference_gives_after(tmp_path, diff_sign):
    head = ["KODE REKENING", "URAIAN", "SEBELUM", "SESUDAH", "SELISIH"]
    rows = [head, ["5.1.02.04.01.0001", "Perjalanan", 1000, 500, diff_sign * -500],
            ["5.1.02.01.01.0052", "Mamin", 300, 360, diff_sign * 60]]
    df = ef.load(xlsx(tmp_path / "selisih.xlsx", {"S": rows}))
    assert ef.total(df) == D(860) and verdict(df) == ["terverifikasi"]


def test_verdict_in_json_excel_and_notebook(tmp_path):
    import json

    a = ef.audit(ef.load(xlsx(tmp_path / "plain.xlsx", {"S": flat()})))
    assert json.loads(a.to_json())["inputs"][0]["verification"]["label"] == "tidak dapat diverifikasi"
    path = a.to_excel(tmp_path / "laporan.xlsx")
    ws = openpyxl.load_workbook(path)["Rekonsiliasi"]
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "tidak dapat diverifikasi" in cells
    assert "belum terverifikasi" in a._repr_html_() and "tidak dapat diverifikasi" in repr(a)
