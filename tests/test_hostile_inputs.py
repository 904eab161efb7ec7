"""Bad inputs, second round (issue 14), beside the corpus of ``test_bad_inputs.py``: memory
bounded by limits the user can read, every sheet part the workbook names scanned, ``.ods``
checked like ``.xlsx``, and no amount guessed. Each case states its expected message or
finding. Big files are generated into ``tmp_path`` (streamed) and deleted after the test."""

from __future__ import annotations

import resource
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import efisiensi as ef
from efisiensi import EfisiensiError, LoadError
from efisiensi.read.grid import read_grids
from efisiensi.read.numbers import AmbiguousAmount, parse_amount, parse_column
from efisiensi.read.tabular import money_column
from tests.conftest import REAL, need
from tests.test_bad_inputs import HEADER, base_xlsx, line, load_error, rows_with, set_cell_xml, xlsx

D = Decimal
GIB = 1024**3
SST_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main">')


# ------------------------------------------------------------------ helpers


def write_zip(path: Path, members: list[tuple[str, bytes | tuple[bytes, bytes, int, bytes]]]) -> Path:
    """A zip written by hand, so that a member of gigabytes costs seconds: a member given as
    ``(head, block, n, tail)`` is ``head + block * n + tail``, ``block`` compressed once
    (a full flush makes the compressed block independent, so it can be repeated)."""
    central = []
    with open(path, "wb") as out:
        for name, data in members:
            raw_name = name.encode()
            if isinstance(data, tuple):
                head, block, n, tail = data
                seg = (c := zlib.compressobj(9, zlib.DEFLATED, -15)).compress(block) + c.flush(zlib.Z_FULL_FLUSH)
                first = (c := zlib.compressobj(9, zlib.DEFLATED, -15)).compress(head) + c.flush(zlib.Z_FULL_FLUSH)
                last = (c := zlib.compressobj(9, zlib.DEFLATED, -15)).compress(tail) + c.flush()
                crc = zlib.crc32(head)
                for _ in range(n):
                    crc = zlib.crc32(block, crc)
                crc = zlib.crc32(tail, crc)
                size = len(head) + len(block) * n + len(tail)
                pieces, csize = [first, (seg, n), last], len(first) + len(seg) * n + len(last)
            else:
                comp = (c := zlib.compressobj(6, zlib.DEFLATED, -15)).compress(data) + c.flush()
                crc, size, csize, pieces = zlib.crc32(data), len(data), len(comp), [comp]
            assert size < 2**32 and csize < 2**32
            offset = out.tell()
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, csize, size,
                                  len(raw_name), 0) + raw_name)
            for piece in pieces:
                if isinstance(piece, tuple):
                    for _ in range(piece[1]):
                        out.write(piece[0])
                else:
                    out.write(piece)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, csize,
                                       size, len(raw_name), 0, 0, 0, 0, 0, offset) + raw_name)
        start = out.tell()
        for entry in central:
            out.write(entry)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start,
                              start, 0))
    return path


def members_of(src: Path, skip: str = "") -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(src) as z:
        return [(i.filename, z.read(i)) for i in z.infolist() if i.filename != skip]


def run_limited(path: Path, seconds: int = 60) -> tuple[int, str, float]:
    """``efisiensi baca PATH`` in a subprocess limited to 4 GB of address space."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (4 * GIB, 4 * GIB))

    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "efisiensi", "baca", str(path)], capture_output=True,
                          text=True, timeout=seconds * 3, preexec_fn=limit)
    return proc.returncode, proc.stderr.strip(), time.perf_counter() - t0


def assert_refused(path: Path, env: str) -> None:
    code, err, seconds = run_limited(path)
    try:
        assert code == 2, err[-600:]
        assert len(err.splitlines()) == 1 and "Traceback" not in err, err[-600:]
        assert env in err and "melebihi batas" in err and "limits=" in err, err
        assert seconds <= 60, seconds
    finally:
        path.unlink()


# ------------------------------------------------------------------ 1. memory bounded by limits


@pytest.mark.parametrize("size", [int(1.9 * GIB), 400 * 1024**2])
def test_shared_strings_bomb_ends_with_exit_2_under_4_gb(tmp_path, size):
    """1.9 GiB of shared strings in a ~5 MB xlsx (under the 2 GiB inflate limit) aborted inside
    the Rust reader under 4 GB; 400 MiB of tiny strings (24 million) passes the size limit and
    is stopped by the count while inflating."""
    src = base_xlsx(tmp_path)
    unit = b"<si><t>a</t></si>"
    block = unit * 65536
    path = write_zip(tmp_path / "teks.xlsx", [*members_of(src, "xl/sharedStrings.xml"),
                                              ("xl/sharedStrings.xml", (SST_HEAD, block, size // len(block),
                                                                        b"</sst>"))])
    assert path.stat().st_size < 6 * 1024**2
    assert_refused(path, "EFISIENSI_MAX_SHARED_STRINGS_BYTES" if size > GIB else "EFISIENSI_MAX_SHARED_STRINGS ")


@pytest.mark.parametrize("mib", [20, 200])
def test_one_line_csv_of_millions_of_fields_ends_quickly(tmp_path, mib):
    """``a;a;a;…`` on one line: 40 s and 1 GB (20 MB), MemoryError after 6 minutes (200 MB)."""
    path = tmp_path / "satu_baris.csv"
    with open(path, "wb") as fh:
        chunk = b"a;" * (1 << 19)
        for _ in range(mib):
            fh.write(chunk)
        fh.write(b"a\n")
    assert_refused(path, "EFISIENSI_MAX_FIELDS")


def test_a_sheet_spanning_a1_to_xfd1048576_is_refused(tmp_path):
    """Two cells, A1 and XFD1048576: the reader would build 17 billion cells."""
    src = base_xlsx(tmp_path)
    with zipfile.ZipFile(src) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    path = write_zip(tmp_path / "jauh.xlsx", [*members_of(src, "xl/worksheets/sheet1.xml"),
                                              ("xl/worksheets/sheet1.xml",
                                               sheet.replace("</sheetData>", far).encode())])
    assert_refused(path, "EFISIENSI_MAX_CELLS")


def _ods(path: Path, rows_xml: str, name: str = "S") -> Path:
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
               f'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="{name}">'
               f'{rows_xml}</table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
                'xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type='
                '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest)
    return path


def _text(t: str) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>'


def _num(v) -> str:
    return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'


def _row(*cells: str, attrs: str = "") -> str:
    return f"<table:table-row{attrs}>{''.join(cells)}</table:table-row>"


def test_ods_repeated_cells_bomb_is_refused(tmp_path):
    """One row repeated a million times, one value repeated 16,384 times: 17 billion cells."""
    bomb = ('<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
            'table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row>')
    assert_refused(_ods(tmp_path / "ulang.ods", _row(_text("KODE REKENING"), _text("PAGU")) + bomb),
                   "EFISIENSI_MAX_CELLS")


def test_csv_limits_name_themselves_and_can_be_raised(tmp_path, monkeypatch):
    path = tmp_path / "lebar.csv"
    path.write_text("KODE REKENING;PAGU\n5.1.02.04.01.0001;10;" + ";".join("x" * 50) + "\n")
    text = load_error(path, limits={"max_fields": 20})
    assert "[baris 2]" in text and "melebihi batas 20 kolom" in text and "EFISIENSI_MAX_FIELDS" in text
    assert ef.total(ef.load(path, limits={"max_fields": 100})) == D(10)
    assert "EFISIENSI_MAX_LINE_CHARS" in load_error(path, limits={"max_line_chars": 30})
    assert "EFISIENSI_MAX_CELLS" in load_error(path, limits={"max_cells": 40})
    many = tmp_path / "kosong.csv"
    many.write_text("KODE REKENING;PAGU\n5.1.02.04.01.0001;10\n" + "\n" * 100)
    assert "melebihi batas 50" in load_error(many, limits={"max_rows": 50})  # counted before splitting
    with pytest.raises(TypeError, match="max_fieldz"):
        ef.load(path, limits={"max_fieldz": 1})


def test_xlsx_cell_and_string_limits_can_be_raised(tmp_path):
    path = base_xlsx(tmp_path)  # 10 rows x 5 columns
    assert "EFISIENSI_MAX_CELLS" in load_error(path, limits={"max_cells": 49})
    assert len(ef.load(path, limits={"max_cells": 50})) == 9
    sst = SST_HEAD + b"<si><t>a</t></si>" * 5 + b"</sst>"
    path = write_zip(tmp_path / "sst.xlsx", [*members_of(path), ("xl/sharedStrings.xml", sst)])
    assert len(ef.load(path, limits={"max_shared_strings": 5})) == 9
    assert "EFISIENSI_MAX_SHARED_STRINGS " in load_error(path, limits={"max_shared_strings": 4})
    assert "EFISIENSI_MAX_SHARED_STRINGS_BYTES" in load_error(path, limits={"max_shared_strings_bytes": 100})
    env = ef.read.grid.Limits.from_env({"EFISIENSI_MAX_CELLS": "7", "EFISIENSI_MAX_FIELDS": "8"})
    assert (env.max_cells, env.max_fields) == (7, 8)


# ------------------------------------------------------------------ 2. every sheet part is scanned


TRAVEL = D("1012345.67")


def _relocate(src: Path, dst: Path, part: str, change=lambda x: x) -> Path:
    """Move the sheet part where the workbook's relationships say, passing its XML through
    ``change``; ``part`` ending in ``+lax`` also gives workbook.xml a wrong end tag, which a
    strict XML parser refuses and the reader accepts."""
    part, lax = part.removesuffix("+lax"), part.endswith("+lax")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            name = info.filename
            if name == "xl/workbook.xml" and lax:
                data = data.replace(b"</sheets>", b"</lembar>")
            if name == "xl/worksheets/sheet1.xml":
                name, data = part, change(data.decode()).encode()
            elif name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                data = data.replace(b"/xl/worksheets/sheet1.xml", b"/" + part.encode())
                data = data.replace(b'"worksheets/sheet1.xml"', b'"' + part.removeprefix("xl/").encode() + b'"')
            zout.writestr(name, data)
    return dst


@pytest.mark.parametrize("part", ["xl/lain/sheet1.xml", "xl/worksheets/data.dat", "xl/lain/rincian.dat",
                                  "xl/lain/sheet1.xml+lax"])
def test_formulas_errors_and_hidden_rows_wherever_the_sheet_part_lives(tmp_path, part):
    def edit(x: str) -> str:
        x = set_cell_xml(x, "E3", '<c r="E3"><f>1000000+12345.67</f></c>')  # the travel row, no value
        x = set_cell_xml(x, "E4", '<c r="E4" t="e"><v>#REF!</v></c>')
        return x.replace('<row r="5"', '<row r="5" hidden="1"', 1)

    path = _relocate(base_xlsx(tmp_path), tmp_path / "pindah.xlsx", part, edit)
    df = ef.load(path)
    f = ef.findings(df)
    assert rows_with(df, "formula_without_value") == [3]
    assert rows_with(df, "unreadable_amount") == [3, 4]
    assert "1000000+12345.67" in f.loc[f["row"] == 3, "message"].iloc[0]
    assert rows_with(df, "hidden_content") == [5]
    assert ef.total(df) == D(70)


def test_a_zip_with_the_same_part_twice_is_refused(tmp_path):
    src = base_xlsx(tmp_path)
    members = members_of(src)
    sheet = dict(members)["xl/worksheets/sheet1.xml"]
    other = sheet.replace(b"<v>10</v>", b"<v>99</v>")
    assert "dua kali" in load_error(write_zip(tmp_path / "ganda.xlsx", [*members, ("xl/worksheets/sheet1.xml", other)]))
    # also when the names differ only in case (the reader looks names up case-insensitively)
    assert "dua kali" in load_error(write_zip(tmp_path / "ganda2.xlsx", [*members, ("XL/worksheets/sheet1.xml", other)]))


def test_ods_formula_without_value_error_cell_and_collapsed_row(tmp_path):
    rows = (_row(_text("KODE REKENING"), _text("PAGU"))
            + _row(_text("5.1.02.04.01.0001"), _num(10))
            + _row(_text("5.1.02.04.01.0001"), '<table:table-cell table:formula="of:=1000000+12345.67"/>')
            + _row(_text("5.1.02.04.01.0001"), '<table:table-cell table:formula="of:=1/0" office:value-type='
                   '"string" office:string-value="" calcext:value-type="error"><text:p>#DIV/0!</text:p>'
                   '</table:table-cell>')
            + _row(_text("5.1.02.04.01.0001"), _num(5), attrs=' table:visibility="collapse"')
            + _row(_text("5.1.02.04.01.0001"), '<table:table-cell table:formula="of:=[.B2]*2" office:value-type='
                   '"float" office:value="20"><text:p>20</text:p></table:table-cell>'))
    df = ef.load(_ods(tmp_path / "rumus.ods", rows))
    f = ef.findings(df)
    assert rows_with(df, "formula_without_value") == [3]
    assert rows_with(df, "unreadable_amount") == [3, 4]
    assert "#DIV/0!" in f.loc[(f["row"] == 4) & (f["code"] == "unreadable_amount"), "message"].iloc[0]
    assert rows_with(df, "hidden_content") == [5]
    assert ef.total(df) == D(35)


# ------------------------------------------------------------------ 3. no amount guessed


def test_ambiguous_amounts_are_findings_with_their_readings(tmp_path):
    amounts = ["1.500.000", "2.000.000,50", "3.000 000", "1,234", "1.234,567", "1 500 00", 1.005, "12 500",
               "1.000.000"]
    df = ef.load(xlsx(tmp_path / "ambigu.xlsx", [HEADER] + [line(amount=a) for a in amounts]))
    f = ef.findings(df).set_index("row")
    amb = f[f["code"] == "ambiguous_amount"]
    assert sorted(amb.index) == [4, 5, 6, 7, 8]
    assert amb.loc[4, "detail"]["candidates"] == ["3", "3000", "3000000"] or \
        sorted(map(D, amb.loc[4, "detail"]["candidates"])) == [D(3), D(3000), D(3000000)]
    assert sorted(map(D, amb.loc[5, "detail"]["candidates"])) == [D("1.234"), D(1234)]
    assert amb.loc[6, "detail"]["candidates"] == ["1234.567"]
    assert "1.005" in amb.loc[8, "message"] and amb.loc[8, "severity"] == "error"
    assert ef.total(df) == D("1500000") + D("2000000.50") + D("12500") + D("1000000")
    assert (f["code"] == "unreadable_amount").sum() == 0


def test_ambiguous_amounts_in_a_csv_column_of_indonesian_amounts(tmp_path):
    path = tmp_path / "ambigu.csv"
    path.write_text("KODE REKENING;PAGU\n5.1.02.04.01.0001;1.500.000\n5.1.02.04.01.0001;1,234\n"
                    "5.1.02.04.01.0001;3.000 000\n5.1.02.04.01.0001;2.500,25\n")
    df = ef.load(path)
    assert rows_with(df, "ambiguous_amount") == [3, 4] and ef.total(df) == D("1502500.25")


SCALARS = [
    (np.float64(1.5), D("1.50")), (np.float64(24597416.009999998), D("24597416.01")), (pd.NA, None),
    (np.float32(0.25), D("0.25")), (np.int64(7), D("7.00")), (np.int32(-3), D("-3.00")), (D("2.50"), D("2.50")),
    (pa.scalar(D("4.10")), D("4.10")), (pa.scalar(12.5), D("12.50")), (pa.scalar(9, pa.int64()), D("9.00")),
]


def test_numpy_pandas_and_pyarrow_scalars_are_numbers():
    """``repr(np.float64(1.5))`` is ``'np.float64(1.5)'`` under NumPy 2: it was a raw InvalidOperation."""
    for cell, expected in SCALARS:
        assert parse_amount(cell) == expected, cell
    assert parse_column([c for c, _ in SCALARS]).values == [e for _, e in SCALARS]
    vals, errors, _ = money_column([c for c, _ in SCALARS])
    assert vals.to_pylist() == [e for _, e in SCALARS] and errors == {}


@pytest.mark.parametrize(("value", "words"), [
    (D("1.005"), "lebih teliti dari sen"), (D("1" * 25), "terlalu besar"), (10**400, "terlalu besar"),
    (np.float64("nan"), "nan"), ("3.000 000", "ambigu"), (True, "logika"), (object(), "bukan angka"),
])
def test_bad_values_through_load_frame_and_parse_amount_are_one_line_efisiensi_errors(value, words):
    with pytest.raises(EfisiensiError) as err:
        parse_amount(value, "id")
    assert words in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(LoadError) as err:
        ef.load_frame([{"kode_rekening": "5.1.02.04.01.0001", "anggaran": value}])
    assert words in str(err.value) and "baris 1" in str(err.value) and "\n" not in str(err.value)


def test_money_column_never_raises_a_library_exception():
    vals, errors, _ = money_column([10**400, np.float64(1.5), D("1.005"), np.int64(2), 2**70])
    assert vals.to_pylist() == [None, D("1.50"), None, D("2.00"), None]
    assert sorted(errors) == [0, 2, 4] and "terlalu besar" in errors[0]
    assert errors[2].code == "ambiguous_amount" and errors[2].candidates == (D("1.005"),)


def test_spaced_digits_with_one_reading_are_read_and_said_with_two_are_not():
    # both seen in the DIY penjabaran files; "14,790 750" was read as 14.79
    col = parse_column(["17 580000.00", "14,790 750", "1.000.000"], "id")
    assert col.values == [D("17580000.00"), None, D("1000000.00")]
    assert list(col.ambiguous) == [0] and col.errors[1].code == "ambiguous_amount"
    assert set(col.errors[1].candidates) == {D("14.79075"), D("14790.75"), D("14790750")}


def test_ambiguous_amount_error_carries_the_readings():
    with pytest.raises(AmbiguousAmount) as err:
        parse_amount("3.000 000", "id")
    assert set(err.value.candidates) == {D(3), D(3000), D(3000000)}
    assert parse_amount("1 234 567,89", "id") == D("1234567.89")  # spaces that group thousands


# ------------------------------------------------------------------ 5. too_many_fields on real files


def test_dki_records_with_the_headers_width_are_not_too_wide():
    path = need(REAL / "dki-rapbd2015-pantau" / "data.csv")
    sheet = read_grids(path)[0]
    assert {len(r) for r in sheet.rows} == {17}  # every record, header included, has 17 fields
    assert [x for x in sheet.findings if x.code == "too_many_fields"] == []


def test_diy_reports_only_records_wider_than_their_header():
    folder = need(REAL / "dulkemot-diy" / "files")
    wide: dict[str, list[int]] = {}
    for path in sorted(folder.rglob("*.csv")):
        try:
            sheet = read_grids(path)[0]
        except LoadError:
            continue  # an empty file: refused, and said so by ef.load
        for f in sheet.findings:
            if f.code == "too_many_fields":
                assert f.detail["fields"] > f.detail["usual"]
                assert any(c.strip() for c in sheet.rows[f.row - 1][f.detail["usual"]:])
                wide.setdefault(path.name, []).append(f.row)
    assert 0 < sum(map(len, wide.values())) < 300  # 5,266 before, most on records as wide as their header
    # a real over-wide record: unquoted 216,190,000.00 in a comma CSV (README of the folder)
    assert 9 in wide["34_1472465980.csv"]
