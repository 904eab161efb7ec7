"""load(): layouts built by the tests, provenance, findings and clear errors."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

import efisiensi as ef
from efisiensi import LoadError

D = Decimal

RINCIAN_HEADER = ["kode_skpd", "nama_skpd", "kode_sub_giat", "nama_sub_giat", "kode_akun", "nama_akun",
                  "subs_bl_teks", "ket_bl_teks", "nama_standar_harga", "spek", "koefisien", "satuan",
                  "harga_satuan", "total_harga_murni", "total_harga", "nama_dana"]
RINCIAN_ROWS = [
    ["1.02.0.00.0.00.01.0000", "Dinas Kesehatan", "1.02.01.2.06.0009", "Penyelenggaraan Rapat Koordinasi",
     "5.1.02.04.01.0001", "5.1.02.04.01.0001 Belanja Perjalanan Dinas Biasa", "[#] Konsultasi ke Provinsi",
     "[-] Kepala Dinas", "Uang Harian Luar Kota", "Provinsi Maluku", "2 Orang x 3 Hari", "OH",
     "380.000", "2.280.000", "1.140.000", "[DANA UMUM] - DAU"],
    ["1.02.0.00.0.00.01.0000", "Dinas Kesehatan", "1.02.01.2.06.0009", "Penyelenggaraan Rapat Koordinasi",
     "5.1.02.01.01.0052", "5.1.02.01.01.0052 Belanja Makanan dan Minuman Rapat", "[#] Rapat evaluasi",
     "", "Nasi kotak", "Paket", "40 Orang / Kali", "Kotak", "35.000,50", "1.400.020", "1.400.020",
     "[DANA UMUM] - DAU"],
]


def write_csv(path, rows, sep=",", encoding="utf-8"):
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path, sheets):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def test_sipd_rincian_csv(tmp_path):
    df = ef.load(write_csv(tmp_path / "rincian.csv", [RINCIAN_HEADER, *RINCIAN_ROWS]))
    assert len(df) == 2 and set(df["tata_letak"]) == {"sipd_rincian"}
    first = df.iloc[0]
    assert first["kode_rekening"] == "5.1.02.04.01.0001"
    assert first["nama_rekening"] == "Belanja Perjalanan Dinas Biasa"  # code split off the name
    assert first["kelompok"] == "[#] Konsultasi ke Provinsi" and first["keterangan"] == "[-] Kepala Dinas"
    assert first["uraian"] == "Uang Harian Luar Kota | Spesifikasi: Provinsi Maluku"
    assert first["koefisien"] == "2 Orang x 3 Hari" and first["harga_satuan"] == D("380000")
    assert (first["anggaran_sebelum"], first["anggaran"]) == (D("2280000"), D("1140000"))
    assert df.iloc[1]["harga_satuan"] == D("35000.50")
    assert first["sumber_dana"] == "[DANA UMUM] - DAU"
    assert df["sumber_baris"].tolist() == [2, 3]


def test_title_block_and_total_row_in_xlsx(tmp_path):
    rows = [["PEMERINTAH KABUPATEN CONTOH"], ["Rekap APBD 2025"], [], [],
            ["NO", "KODE SKPD", "NAMA SKPD", "KODE REKENING", "NAMA REKENING", "PAGU"],
            [1, "1.02.0.00.0.00.01.0000", "Dinas Kesehatan", "5.1.2.04.01.1", "Perjalanan Dinas Biasa", 1000.5],
            [2, "1.02.0.00.0.00.01.0000", "Dinas Kesehatan", "5.1.02.01.01.0052", "Mamin Rapat", "2.000"],
            ["", "", "JUMLAH", "", "", 3000.5]]
    df = ef.load(write_xlsx(tmp_path / "rekap.xlsx", {"APBD": rows}))
    assert df["sumber_baris"].tolist() == [6, 7]  # the rows the user sees in Excel
    assert df["sumber_sheet"].tolist() == ["APBD", "APBD"]
    assert df["kode_rekening"].tolist() == ["5.1.02.04.01.0001", "5.1.02.01.01.0052"]
    assert ef.total(df) == D("3000.50") and ef.findings(df).empty  # the JUMLAH row is checked, not added


def test_stated_total_mismatch_is_a_finding(tmp_path):
    rows = [["KODE SKPD", "KODE REKENING", "PAGU"], ["1.02", "5.1.02.04.01.0001", 100], ["", "TOTAL", 150]]
    df = ef.load(write_xlsx(tmp_path / "t.xlsx", {"S": rows}))
    f = ef.findings(df)
    assert f["code"].tolist() == ["total_mismatch"] and f["row"].tolist() == [3]
    assert ef.total(df) == D(100)
    assert ef.verification(df, per="file")["verdict"].tolist() == ["bertentangan"]


def test_amount_without_text_that_closes_nothing_is_a_line(tmp_path):
    # no words, and 150 is not the sum of the rows above: a line whose text cells are merged
    rows = [["KODE SKPD", "KODE REKENING", "PAGU"], ["1.02", "5.1.02.04.01.0001", 100], ["", "", 150]]
    df = ef.load(write_xlsx(tmp_path / "t.xlsx", {"S": rows}))
    f = ef.findings(df)
    assert f["code"].tolist() == ["merged_text_line"] and f["row"].tolist() == [3]
    assert ef.total(df) == D(250) and df["kode_rekening"].tolist() == ["5.1.02.04.01.0001"] * 2


def test_bad_rows_are_findings_never_dropped_silently(tmp_path):
    rows = [["KODE SKPD", "KODE REKENING", "PAGU"],
            ["1.02", "5.1.02.04.01.0001", "1.000"],
            ["1.02", "5.1.02.04.01.0003", "#REF!"],
            ["1.02", "X.Y", "500"],
            ["1.02", "5.1.02.01.01.0052", "2.500,25"]]
    df = ef.load(write_csv(tmp_path / "bad.csv", rows, sep=";"))
    f = ef.findings(df).set_index("row")
    assert f.loc[3, "code"] == "unreadable_amount" and "#REF!" in f.loc[3, "message"]
    assert f.loc[4, "code"] == "malformed_code"
    assert df["sumber_baris"].tolist() == [2, 4, 5]  # the malformed code keeps its money
    assert ef.total(df) == D("4000.25")


def test_user_mapping_and_unit(tmp_path):
    rows = [["Kode Rek", "Nama", "Nilai Pagu (ribuan)"], ["5.1.02.04.01.0001", "Perjalanan", "12.500"]]
    path = write_csv(tmp_path / "ribuan.csv", rows)
    with pytest.raises(LoadError, match="kolom anggaran tidak ditemukan"):
        ef.load(path)
    df = ef.load(path, columns={"Nilai Pagu (ribuan)": "anggaran", "Kode Rek": "kode_rekening"}, unit=1000)
    assert df["anggaran"].tolist() == [D("12500000")]


def test_folders_globs_and_lists_read_each_file_once(tmp_path):
    a = write_csv(tmp_path / "a.csv", [["KODE REKENING", "PAGU"], ["5.1.02.04.01.0001", "10"]])
    write_csv(tmp_path / "sub" / "b.csv", [["KODE REKENING", "PAGU"], ["5.1.02.04.01.0001", "20"]]) \
        if (tmp_path / "sub").mkdir() is None else None
    (tmp_path / "~$a.xlsx").write_bytes(b"lock")  # an Excel lock file is not data
    assert ef.total(ef.load(tmp_path)) == D(30)
    assert ef.total(ef.load([a, a, str(tmp_path / "*.csv")])) == D(10)
    srcs = ef.load(tmp_path).attrs["sources"]
    assert len(srcs) == 2 and all(len(s["sha256"]) == 64 for s in srcs)


def test_a_bad_file_in_a_folder_is_a_finding(tmp_path):
    write_csv(tmp_path / "a.csv", [["KODE REKENING", "PAGU"], ["5.1.02.04.01.0001", "10"]])
    (tmp_path / "b.xlsx").write_bytes(b"%PDF-1.4 not a workbook")
    df = ef.load(tmp_path)
    f = ef.findings(df)
    assert f["code"].tolist() == ["file_unreadable"] and "PDF" in f["message"].iloc[0]
    with pytest.raises(LoadError):
        ef.load(tmp_path, errors="raise")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (None, "missing.xlsx", "tidak ditemukan"),
        (b"", "empty.xlsx", "kosong"),
        (b"", "empty.csv", "kosong"),
        (b"%PDF-1.7\n...", "laporan.xlsx", "PDF"),
        (b"PK\x03\x04garbage", "rusak.xlsx", "rusak"),
        (b"hello", "notes.docx", "tidak dikenal"),
        (b"a,b,c\n1,2,3\n", "noamount.csv", "kolom yang terlihat: a, b, c"),
    ],
)
def test_clear_one_line_errors(tmp_path, content, name, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(LoadError) as err:
        ef.load(path)
    text = str(err.value)
    assert message in text and name in text and "\n" not in text


def test_input_files_are_never_modified(tmp_path):
    path = write_csv(tmp_path / "x.csv", [["KODE REKENING", "PAGU"], ["5.1.02.04.01.0001", "10"]])
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    ef.load(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_load_frame_validates_money_exactly():
    items = ef.load_frame([{"kode_rekening": "5.1.02.04.01.0001", "anggaran": "999.999.999.999.999,99"},
                           {"kode_rekening": "5.1.02.04.01.0001", "anggaran": D("0.01")}])
    assert ef.total(items) == D("1000000000000000.00")
    assert str(items["anggaran"].dtype).startswith("decimal128")


def test_limits_per_call_and_row_level_findings(tmp_path):
    path = write_csv(tmp_path / "banyak.csv", [["KODE REKENING", "PAGU"]] + [["5.1.02.04.01.0001", "1"]] * 20)
    with pytest.raises(LoadError, match="melebihi batas"):
        ef.load(path, limits={"max_rows": 10})
    assert len(ef.load(path)) == 20
    with pytest.raises(TypeError):
        ef.load(path, limits={"max_bananas": 1})


def test_formula_without_value_is_a_row_finding(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["KODE REKENING", "PAGU"])
    ws.append(["5.1.02.04.01.0001", 100])
    ws.append(["5.1.02.04.01.0003", "=B2*2"])  # openpyxl stores no computed value
    wb.save(tmp_path / "rumus.xlsx")
    df = ef.load(tmp_path / "rumus.xlsx")
    f = ef.findings(df)
    assert 3 in f.loc[f["code"] == "unreadable_amount", "row"].tolist()
    assert "formula_without_value" in set(f["code"]) and ef.total(df) == 100


def test_two_amount_columns_with_one_name_are_said(tmp_path):
    path = write_csv(tmp_path / "dua-pagu.csv", [["KODE REKENING", "PAGU", "PAGU"], ["5.1.02.04.01.0001", "10", "99"]])
    df = ef.load(path)
    assert ef.total(df) == D(10)
    assert ef.findings(df)["code"].tolist() == ["duplicate_column"]


def test_wp_sipd_style_efficiency_table(tmp_path):
    # wp-sipd per account: Total Sebelum = murni, Total = after; "Efisiensi" is the cut, not a stage
    rows = [["Kode Rekening", "Nama Rekening", "Total Sebelum", "Total", "Efisiensi", "Selisih", "Realisasi"],
            ["5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa", "1.000.000", "600.000", "400.000", "400.000", "0"]]
    df = ef.load(write_csv(tmp_path / "wpsipd.csv", rows))
    assert (df["anggaran_sebelum"].iloc[0], df["anggaran"].iloc[0]) == (D(1_000_000), D(600_000))
