"""A corpus of bad inputs, each with its expected outcome: a clear one-line LoadError
(exit status 2 from the CLI) or a finding with the row. Every case is built here, small,
in a temporary folder, and must finish within seconds."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

import efisiensi as ef
from efisiensi import LoadError
from efisiensi.cli import main as cli_main
from efisiensi.read import grid
from efisiensi.read.grid import read_grids

D = Decimal
HEADER = ["KODE SKPD", "NAMA SKPD", "KODE REKENING", "NAMA REKENING", "PAGU"]
SKPD = ("1.02.0.00.0.00.01.0000", "Dinas Kesehatan")


def line(code="5.1.02.04.01.0001", name="Belanja Perjalanan Dinas Biasa", amount=1000):
    return [*SKPD, code, name, amount]


def xlsx(path: Path, rows, name="S", edit=None) -> Path:
    """Write rows with openpyxl; ``edit(ws)`` may merge, hide or add formulas."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = name
    for r in rows:
        ws.append(r)
    if edit:
        edit(wb, ws)
    wb.save(path)
    return path


def rewrite_part(src: Path, dst: Path, part: str, change) -> Path:
    """Copy an xlsx, passing one part's XML text through ``change``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                data = change(data.decode()).encode()
            zout.writestr(info.filename, data)
    return dst


def set_cell_xml(xml: str, ref: str, new: str) -> str:
    out, n = re.subn(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', new, xml, count=1, flags=re.S)
    assert n == 1, ref
    return out


def base_xlsx(tmp_path: Path, n=9) -> Path:
    folder = tmp_path / "_asal"  # beside, not inside, the folder a test may load
    folder.mkdir(exist_ok=True)
    return xlsx(folder / "base.xlsx", [HEADER] + [line(amount=10) for _ in range(n)])


def load_error(path: Path, **kw) -> str:
    with pytest.raises(LoadError) as err:
        ef.load(path, **kw)
    text = str(err.value)
    assert "\n" not in text and path.name in text
    return text


def rows_with(df, code: str) -> list[int]:
    f = ef.findings(df)
    return sorted(int(r) for r in f.loc[f["code"] == code, "row"].dropna())


# ------------------------------------------------------------------ whole-file refusals


def _zip_not_xlsx(p: Path) -> None:
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("readme.txt", "bukan lembar kerja")


def _truncated(p: Path) -> None:
    data = base_xlsx(p.parent).read_bytes()
    p.write_bytes(data[: len(data) // 2])


def _corrupt(p: Path) -> None:
    src = base_xlsx(p.parent)
    with zipfile.ZipFile(src) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(src.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + 10
    for k in range(start, start + 40):
        data[k] ^= 0x5A
    p.write_bytes(bytes(data))


def _encrypted(p: Path) -> None:
    msoffcrypto = pytest.importorskip("msoffcrypto.format.ooxml")
    out = io.BytesIO()
    with open(base_xlsx(p.parent), "rb") as fh:
        msoffcrypto.OOXMLFile(fh).encrypt("rahasia", out)
    p.write_bytes(out.getvalue())


def _minimal_cfb_encrypted(p: Path) -> None:
    # an OLE/CFB header and a directory entry named EncryptionInfo, as Excel writes
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    entry = "EncryptionInfo".encode("utf-16-le").ljust(64, b"\0")
    p.write_bytes(header + entry + b"\0" * 448)


def _billion_laughs(part: str):
    def build(p: Path) -> None:
        lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
               + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(2, 10))
               .replace("&lol1;", "&lol;") + "]>")
        src = base_xlsx(p.parent)
        if part == "xl/worksheets/sheet1.xml":
            rewrite_part(src, p, part, lambda x: lol + x.replace("<t>PAGU</t>", "<t>&lol9;</t>"))
        else:  # a sharedStrings part with the payload
            with zipfile.ZipFile(src) as zin, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zout:
                for info in zin.infolist():
                    zout.writestr(info.filename, zin.read(info))
                zout.writestr(part, lol + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                              '2006/main" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>')
    return build


CORPUS = [
    # (name, builder, expected words in the one-line message)
    ("kosong.csv", lambda p: p.write_bytes(b""), "kosong"),
    ("spasi.csv", lambda p: p.write_bytes(b"  \r\n\r\n "), "kosong"),
    ("kosong.xlsx", lambda p: p.write_bytes(b""), "kosong (0 byte)"),
    ("laporan.xlsx", lambda p: p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), "PDF"),
    ("arsip.xlsx", _zip_not_xlsx, "bukan lembar kerja Excel/ODS"),
    ("terpotong.xlsx", _truncated, "rusak atau terpotong"),
    ("rusak.xlsx", _corrupt, "rusak"),
    ("sandi.xlsx", _encrypted, "kata sandi"),
    ("sandi_cfb.xlsx", _minimal_cfb_encrypted, "kata sandi"),
    ("sandi_cfb.xls", _minimal_cfb_encrypted, "kata sandi"),
    ("catatan.xlsx", lambda p: p.write_text("KODE REKENING;PAGU\n5.1;10\n"), "bukan lembar kerja Excel"),
    ("biner.csv", lambda p: p.write_bytes(b"\x00\x01\x02\x03" * 100), "biner"),
    ("tanpa_header.csv", lambda p: p.write_text("5.1.02.04.01.0001;1000\n5.1.02.01.01.0052;2000\n"),
     "kolom anggaran tidak ditemukan"),
    ("tanpa_header.xlsx", lambda p: xlsx(p, [line()[2:] for _ in range(3)]), "kolom anggaran tidak ditemukan"),
    ("laughs_sheet.xlsx", _billion_laughs("xl/worksheets/sheet1.xml"), "DTD/ENTITY"),
    ("laughs_strings.xlsx", _billion_laughs("xl/sharedStrings.xml"), "DTD/ENTITY"),
    ("dokumen.docx", lambda p: p.write_bytes(b"hello"), "tidak dikenal"),
]


@pytest.mark.parametrize(("name", "build", "expected"), CORPUS, ids=[c[0] for c in CORPUS])
def test_unusable_files_raise_one_clear_line(tmp_path, name, build, expected):
    path = tmp_path / name
    build(path)
    t0 = time.perf_counter()
    assert expected in load_error(path)
    assert time.perf_counter() - t0 < 5


@pytest.mark.parametrize(("name", "build", "expected"), CORPUS[:8], ids=[c[0] for c in CORPUS[:8]])
def test_cli_exits_2_with_one_line(tmp_path, capsys, name, build, expected):
    path = tmp_path / name
    build(path)
    assert cli_main(["baca", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and name in err and expected in err and "Traceback" not in err


def test_cli_subprocess_no_traceback(tmp_path):
    path = tmp_path / "rusak.xlsx"
    _corrupt(path)
    proc = subprocess.run([sys.executable, "-m", "efisiensi", "baca", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "rusak.xlsx" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_a_bad_file_among_good_ones_is_a_finding(tmp_path):
    import shutil

    xlsx(tmp_path / "baik.xlsx", [HEADER, line()])
    _corrupt(tmp_path / "rusak.xlsx")
    shutil.rmtree(tmp_path / "_asal")
    df = ef.load(tmp_path)
    f = ef.findings(df)
    assert ef.total(df) == D(1000)
    bad = f[f["code"] == "file_unreadable"]
    assert len(bad) == 1 and bad["file"].iloc[0].endswith("rusak.xlsx")


# ------------------------------------------------------------------ zip bombs and limits


def _bomb(path: Path, mib: int) -> Path:
    """An xlsx whose sheet inflates to ``mib`` MiB of whitespace (cheap to build)."""
    src = base_xlsx(path.parent)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(info.filename, zin.read(info))
        xml = zin.read("xl/worksheets/sheet1.xml")
        with zout.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            head, tail = xml.split(b"<sheetData>")
            fh.write(head + b"<sheetData>")
            pad = b" " * (1 << 20)
            for _ in range(mib):
                fh.write(pad)
            fh.write(tail)
    return path


def test_zip_bomb_is_refused_before_inflating(tmp_path, monkeypatch):
    path = _bomb(tmp_path / "bom.xlsx", 64)
    assert path.stat().st_size < 1024**2
    monkeypatch.setattr(grid.LIMITS, "max_inflated_bytes", 16 * 1024**2)
    t0 = time.perf_counter()
    text = load_error(path)
    assert "melebihi batas 16 MiB" in text and "EFISIENSI_MAX_INFLATED_BYTES" in text
    assert time.perf_counter() - t0 < 2


def _patch_declared_size(path: Path, member: str, size: int) -> None:
    """Make the archive lie about a member's inflated size (local header and directory)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(member)
    name = member.encode()
    data[info.header_offset + 22 : info.header_offset + 26] = size.to_bytes(4, "little")
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        n = int.from_bytes(data[central + 28 : central + 30], "little")
        if data[central + 46 : central + 46 + n] == name:
            data[central + 24 : central + 28] = size.to_bytes(4, "little")
            break
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def test_default_cap_refuses_a_declared_gigabyte_member(tmp_path):
    path = base_xlsx(tmp_path)
    _patch_declared_size(path, "xl/worksheets/sheet1.xml", 3_000_000_000)
    assert "melebihi batas 2,048 MiB" in load_error(path)


def test_a_member_lying_about_its_size_is_stopped_while_inflating(tmp_path):
    src = base_xlsx(tmp_path)
    # the member really inflates to 8 MiB but claims 4 KiB
    path = rewrite_part(src, tmp_path / "bohong.xlsx", "xl/worksheets/sheet1.xml",
                        lambda x: x.replace("<sheetData>", "<sheetData>" + " " * (8 << 20)))
    _patch_declared_size(path, "xl/worksheets/sheet1.xml", 4096)
    assert "lebih besar dari ukuran yang dinyatakan" in load_error(path)


def test_row_limit_is_configurable(tmp_path, monkeypatch):
    path = base_xlsx(tmp_path)
    monkeypatch.setattr(grid.LIMITS, "max_rows", 5)
    assert "melebihi batas 5" in load_error(path)
    assert len(read_grids(path, max_rows=100)[0].rows) == 10
    with pytest.raises(LoadError, match="melebihi batas"):
        read_grids(path, max_inflated_bytes=1000, max_rows=100)
    with pytest.raises(TypeError):
        read_grids(path, max_rowz=1)
    csv = tmp_path / "x.csv"
    csv.write_text("KODE REKENING;PAGU\n" + "5.1.02.04.01.0001;1\n" * 9)
    assert "melebihi batas 5" in load_error(csv)


def test_limits_from_the_environment():
    env = {"EFISIENSI_MAX_INFLATED_BYTES": "1_000", "EFISIENSI_MAX_CELL_CHARS": "50", "EFISIENSI_MAX_ROWS": "x"}
    lim = grid.Limits.from_env(env)
    assert (lim.max_inflated_bytes, lim.max_cell_chars, lim.max_rows) == (1000, 50, grid.MAX_ROWS)


def test_a_100_mib_csv_cell_is_refused_quickly(tmp_path):
    path = tmp_path / "besar.csv"
    with open(path, "wb") as fh:
        fh.write(b"KODE REKENING;PAGU;KETERANGAN\n5.1.02.04.01.0001;1000;")
        chunk = b"x" * (1 << 20)
        for _ in range(101):
            fh.write(chunk)
        fh.write(b"\n")
    t0 = time.perf_counter()
    text = load_error(path)
    assert "melebihi batas 1,000,000" in text and "baris 2" in text
    # a guard against a hang (reading 100 MiB into one field, or quadratic scanning), not a
    # speed test: the CI machines are shared, so the bound is generous
    assert time.perf_counter() - t0 < 60


def test_a_huge_quoted_csv_cell_with_separators_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(grid.LIMITS, "max_cell_chars", 10_000)
    path = tmp_path / "kutip.csv"
    path.write_text('KODE REKENING,PAGU,KETERANGAN\n5.1.02.04.01.0001,1000,"' + "a,b;" * 20_000 + '"\n')
    assert "melebihi batas 10,000" in load_error(path)


def test_text_file_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(grid.LIMITS, "max_text_bytes", 100)
    path = tmp_path / "x.csv"
    path.write_text("KODE REKENING;PAGU\n" + "5.1.02.04.01.0001;1\n" * 20)
    assert "EFISIENSI_MAX_TEXT_BYTES" in load_error(path)


# ------------------------------------------------------------------ files that load, with findings


def test_xls_written_by_a_tool_loads(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook()
    ws = wb.add_sheet("APBD")
    for r, row in enumerate([HEADER, line(amount=1234.5), line("5.1.02.01.01.0052", "Mamin", "2.000")]):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    wb.save(str(tmp_path / "lama.xls"))
    df = ef.load(tmp_path / "lama.xls")
    assert ef.total(df) == D("3234.50") and df["sumber_baris"].tolist() == [2, 3]
    # the same bytes under an .xlsx name are read by their content
    (tmp_path / "salah_nama.xlsx").write_bytes((tmp_path / "lama.xls").read_bytes())
    assert ef.total(ef.load(tmp_path / "salah_nama.xlsx")) == D("3234.50")


def test_xls_converted_by_libreoffice_loads(tmp_path):
    import shutil

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    src = xlsx(tmp_path / "asal.xlsx", [HEADER, line(amount=1500.25)])
    out = tmp_path / "out"
    try:
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                        "--convert-to", "xls", "--outdir", str(out), str(src)],
                       capture_output=True, timeout=120, check=True)
    except (subprocess.SubprocessError, OSError) as err:
        pytest.skip(f"soffice could not convert: {err}")
    assert ef.total(ef.load(out / "asal.xls")) == D("1500.25")


def test_declared_dimension_of_a_million_rows_holding_ten(tmp_path):
    src = base_xlsx(tmp_path)
    path = rewrite_part(src, tmp_path / "dimensi.xlsx", "xl/worksheets/sheet1.xml",
                        lambda x: re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:W1000000"/>', x))
    t0 = time.perf_counter()
    df = ef.load(path)
    assert len(df) == 9 and time.perf_counter() - t0 < 3


def test_formulas_without_cached_values_are_never_zero(tmp_path):
    def formulas(wb, ws):
        ws["E5"] = "=SUM(E2:E4)"
        ws["E7"] = "=E6*2"
    path = xlsx(tmp_path / "rumus.xlsx", [HEADER] + [line(amount=10) for _ in range(9)], edit=formulas)
    df = ef.load(path)
    assert rows_with(df, "unreadable_amount") == [5, 7]
    f = ef.findings(df)
    assert "=SUM(E2:E4)" in f.loc[f["row"] == 5, "message"].iloc[0]
    assert any("rumus tanpa nilai tersimpan" in m for m in f["message"])
    assert ef.total(df) == D(70)
    sheet = read_grids(path)[0]
    assert [(x.code, x.row) for x in sheet.findings] == [("formula_without_value", 5), ("formula_without_value", 7)]


def test_formulas_with_cached_values_are_read(tmp_path):
    src = base_xlsx(tmp_path)
    path = rewrite_part(src, tmp_path / "cache.xlsx", "xl/worksheets/sheet1.xml",
                        lambda x: set_cell_xml(x, "E5", '<c r="E5"><f>E2*3</f><v>30</v></c>'))
    df = ef.load(path)
    assert ef.total(df) == D(110) and rows_with(df, "unreadable_amount") == []
    assert any("nilai tersimpannya" in m for m in ef.findings(df)["message"])


def test_error_cells_are_findings_not_blanks(tmp_path):
    src = base_xlsx(tmp_path)

    def errors(x):
        x = set_cell_xml(x, "E3", '<c r="E3" t="e"><v>#REF!</v></c>')
        return set_cell_xml(x, "E4", '<c r="E4" t="e"><f>1/0</f><v>#DIV/0!</v></c>')

    df = ef.load(rewrite_part(src, tmp_path / "galat.xlsx", "xl/worksheets/sheet1.xml", errors))
    f = ef.findings(df)
    assert rows_with(df, "unreadable_amount") == [3, 4]
    assert "#REF!" in f.loc[f["row"] == 3, "message"].iloc[0]


@pytest.mark.parametrize("literal", ["-INF", "INF", "NaN", "1e400"])
def test_non_finite_numbers_in_numeric_cells(tmp_path, literal):
    src = base_xlsx(tmp_path)
    path = rewrite_part(src, tmp_path / "inf.xlsx", "xl/worksheets/sheet1.xml",
                        lambda x: set_cell_xml(x, "E6", f'<c r="E6"><v>{literal}</v></c>'))
    df = ef.load(path)
    assert rows_with(df, "unreadable_amount") == [6] and ef.total(df) == D(80)


def test_merged_cells_everywhere(tmp_path):
    rows = [["REKAP APBD", None, None, None, None], HEADER,
            line(amount=100), [None, None, "5.1.02.01.01.0052", "Mamin", 200], line(amount=300)]

    def merge(wb, ws):
        ws.merge_cells("A1:E1")   # title across the table
        ws.merge_cells("A3:A4")   # SKPD code over two lines
        ws.merge_cells("B3:B4")
        ws.merge_cells("D5:E5")   # a name merged over its amount: the amount stays in D5
    df = ef.load(xlsx(tmp_path / "gabung.xlsx", rows, edit=merge))
    assert ef.total(df) == D(300)
    assert df["sumber_baris"].tolist() == [3, 4]


def test_hidden_sheets_and_rows_are_read_and_said(tmp_path):
    def hide(wb, ws):
        ws.row_dimensions[3].hidden = True
        ws.column_dimensions["B"].hidden = True
        other = wb.create_sheet("Tersembunyi")
        other.append(HEADER)
        other.append(line(amount=5))
        other.sheet_state = "hidden"
    path = xlsx(tmp_path / "sembunyi.xlsx", [HEADER, line(amount=10), line(amount=20)], edit=hide)
    df = ef.load(path)
    assert ef.total(df) == D(35)
    f = ef.findings(df)
    assert (f["code"] == "hidden_content").any()  # the hidden sheet
    assert any("baris tersembunyi ikut dibaca (baris 3)" in m for m in f["message"])
    assert any("kolom tersembunyi" in m for m in f["message"])
    sheet = read_grids(path)[0]
    assert sheet.hidden_rows == [3]
    assert [(x.code, x.row) for x in sheet.findings] == [("hidden_content", 3)]


def test_duplicate_header_names(tmp_path):
    df = ef.load(xlsx(tmp_path / "dobel.xlsx", [HEADER + ["NAMA REKENING"], line() + ["Lain"]]))
    assert rows_with(df, "duplicate_column") == [1] and ef.total(df) == D(1000)
    assert df["nama_rekening"].tolist() == ["Belanja Perjalanan Dinas Biasa"]  # the first is used


def test_awkward_amounts_are_findings_with_their_rows(tmp_path):
    amounts = ["1.000", "-500", "(1.000,50)", "NaN", "#REF!", "#VALUE!", "99999999999999999999999",
               "1" * 30, "Rp 2.000,-", "abc", 1e30, -250]
    rows = [HEADER] + [line(amount=a) for a in amounts]
    df = ef.load(xlsx(tmp_path / "angka.xlsx", rows))
    assert rows_with(df, "unreadable_amount") == [5, 6, 7, 8, 9, 11, 12]
    assert ef.total(df) == D("1000") - D("500") - D("1000.50") + D("2000") - D("250")


def test_malformed_account_codes_keep_their_money(tmp_path):
    # (the valid code is not under 5..1.02: a code that is a prefix of another is a stated subtotal)
    codes = ["X.Y", "5..1.02", "9.9.99", "", "5.2.02.05.01.0001", "Belanja"]
    df = ef.load(xlsx(tmp_path / "kode.xlsx", [HEADER] + [line(code=c, amount=1) for c in codes]))
    assert rows_with(df, "malformed_code") == [2, 4, 5, 7]
    assert ef.total(df) == D(6)


# ------------------------------------------------------------------ CSV encodings and separators


def _csv_rows():
    return [HEADER, line(name="Belanja Jasa – Narasumber", amount="1.500.000,25"),
            line("5.1.02.01.01.0052", "Makan, Minum", "2.000")]


def test_csv_in_utf16_with_bom(tmp_path):
    text = "\r\n".join(";".join(f'"{c}"' if "," in str(c) else str(c) for c in r) for r in _csv_rows())
    path = tmp_path / "utf16.csv"
    path.write_bytes(text.encode("utf-16"))
    df = ef.load(path)
    assert ef.total(df) == D("1502000.25") and df["nama_rekening"].iloc[0] == "Belanja Jasa – Narasumber"


def test_csv_in_utf16_without_bom(tmp_path):
    path = tmp_path / "utf16le.csv"
    path.write_bytes("KODE REKENING;PAGU\n5.1.02.04.01.0001;10\n".encode("utf-16-le"))
    assert ef.total(ef.load(path)) == D(10)


def test_csv_in_cp1252(tmp_path):
    text = "\n".join(";".join(str(c) for c in r) for r in _csv_rows())
    path = tmp_path / "cp1252.csv"
    path.write_bytes(text.encode("cp1252") + b"\n;;;;\x81\n")  # 0x81 is undefined in cp1252
    df = ef.load(path)
    assert df["nama_rekening"].iloc[0] == "Belanja Jasa – Narasumber"
    assert df["nama_rekening"].iloc[1] == "Makan, Minum"  # the comma did not split the ";" record
    assert any("cp1252" in m for m in ef.findings(df)["message"])


def test_csv_with_mixed_separators(tmp_path):
    path = tmp_path / "campur.csv"
    path.write_text("Judul,Rekap APBD,,,;;;;\n"
                    "KODE SKPD;NAMA SKPD;KODE REKENING;NAMA REKENING;PAGU\n"
                    "1.02;Dinas Kesehatan;5.1.02.04.01.0001;Perjalanan, Dinas, Biasa;675.000,00\n"
                    "1.02,Dinas Kesehatan,5.1.02.01.01.0052,Mamin,1000\n"
                    '"1.02;Dinas Kesehatan;5.1.02.01.01.0024;ATK;25,50";;;;\n')
    df = ef.load(path)
    assert ef.total(df) == D("676025.50")
    assert df["nama_rekening"].tolist() == ["Perjalanan, Dinas, Biasa", "Mamin", "ATK"]
    assert any("bercampur" in m for m in ef.findings(df)["message"])


def test_csv_row_with_too_many_fields(tmp_path):
    path = tmp_path / "lebar.csv"
    path.write_text("KODE REKENING,NAMA REKENING,PAGU\n5.1.02.04.01.0001,Perjalanan,1000\n"
                    "5.1.02.01.01.0052,Mamin,216,190,000.00\n")
    df = ef.load(path)
    f = ef.findings(df)
    assert any("lebih banyak kolom" in m and "baris 3" in m for m in f["message"])
    sheet = read_grids(path)[0]
    assert [(x.code, x.row) for x in sheet.findings] == [("too_many_fields", 3)]


# ------------------------------------------------------------------ safe XML, untouched inputs, outputs


def test_openpyxl_uses_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML, "defusedxml must be installed so openpyxl refuses XML bombs"


def _digest(folder: Path) -> dict[str, tuple[str, int]]:
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.iterdir()) if p.is_file()}


def test_inputs_are_never_modified_and_never_overwritten(tmp_path):
    from efisiensi._io import OutputError

    data = tmp_path / "data"
    data.mkdir()
    xlsx(data / "murni.xlsx", [HEADER, line(amount=1000), line("5.1.02.01.01.0052", "Mamin", 500)])
    (data / "revisi.csv").write_text(";".join(HEADER) + "\n" + ";".join(map(str, line(amount=600))) + "\n")
    before = _digest(data)
    a = ef.audit(data / "murni.xlsx", data / "revisi.csv")
    a.to_json(tmp_path / "hasil.json")
    a.to_excel(tmp_path / "laporan.xlsx")
    for target in (data / "murni.xlsx", data / "revisi.csv"):
        with pytest.raises(OutputError, match="menolak menimpa"):
            a.to_json(target)
        with pytest.raises(OutputError, match="menolak menimpa"):
            a.to_excel(target)
    assert _digest(data) == before
    assert not [p for p in data.iterdir() if p.name.startswith(".")]  # no temporary file left


INJECTIONS = ['=HYPERLINK("http://x","klik")', "+1", "-1", "@SUM(A1)", "=1+1", "\t=cmd|' /C calc'!A0"]
STRIPPED = {t.strip() for t in INJECTIONS}


def test_formula_injection_is_neutralised_in_every_sheet(tmp_path):
    rows = [HEADER + ["NAMA SUB KEGIATAN", "SUMBER DANA"]]
    for k, text in enumerate(INJECTIONS):
        rows.append([SKPD[0], text, "5.1.02.04.01.0001", text, 100 + k, text, text])
    src = xlsx(tmp_path / "suntik.xlsx", rows)
    out = ef.audit(src).to_excel(tmp_path / "laporan.xlsx")
    wb = openpyxl.load_workbook(out)
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.strip() in STRIPPED:
                    assert cell.data_type == "s"
                    seen.add(cell.value.strip())
    assert seen == STRIPPED
