"""A/B: the pyarrow fast path of the CSV reader against the general record splitter.

Same grid, same notes, same wide records, same limit errors on every real CSV/TXT and on
generated text; the same frame and findings from ``ef.load`` on every real CSV. Files where
the fast path declines still load through the general path.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import efisiensi as ef
from efisiensi import LoadError
from efisiensi.read import csvfast
from efisiensi.read.csvtext import _main_and_modal, _one_record, decode_text, parse_csv_text
from efisiensi.read.sheet import Limits
from tests.conftest import REAL, need
from tests.test_fuzz import N

TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}


def _real_text_files() -> list[Path]:
    if not REAL.exists():
        return []
    return sorted(p for p in REAL.rglob("*") if p.suffix.lower() in TEXT_SUFFIXES and p.stat().st_size)


REAL_FILES = _real_text_files()


def _fast(text: str) -> tuple | None:
    """The fast path's own answer (None: it declines)."""
    return csvfast.fast_parse(text, _main_and_modal, _one_record, lambda main, n: None, 10**6)


def _both(text: str, **kw) -> tuple[tuple, tuple]:
    """(rows, notes, wide, repaired) of the general path and of the default (fast first) one."""
    out = []
    for fast in (False, True):
        wide, repaired = [], []
        try:
            rows, notes = parse_csv_text(text, wide=wide, repaired=repaired, fast=fast, **kw)
        except LoadError as err:
            out.append(("error", err.message, err.row))
            continue
        out.append((rows, notes, wide, repaired))
    return out[0], out[1]


def _ids(paths):
    return [str(p.relative_to(REAL)) for p in paths]


@pytest.fixture(params=REAL_FILES or [None], ids=_ids(REAL_FILES) if REAL_FILES else ["absent"])
def real_text(request) -> Path:
    if request.param is None:
        need(REAL)
        pytest.skip("no CSV/TXT under ../shared/data/real")
    return request.param


def test_fast_path_gives_the_general_grid_on_every_real_text_file(real_text):
    text, _ = decode_text(real_text.read_bytes())
    general, default = _both(text)
    assert default == general


def test_fast_path_is_taken_on_the_clean_real_exports():
    need(REAL)
    if not REAL_FILES:
        pytest.skip("no CSV/TXT under ../shared/data/real")
    taken = {p.name for p in REAL_FILES if _fast(decode_text(p.read_bytes())[0]) is not None}
    # the clean ones (SIPD exports, portal downloads, the Aceh rincian) go the fast way ...
    for name in ("MASTER_01_RINCIAN_APBD.csv", "data.csv", "2024_Jember.csv", "DINAS PENDIDIKAN.csv"):
        if any(p.name == name for p in REAL_FILES):
            assert name in taken
    # ... and the one with a stray quote (lines swallowed by the record splitter) does not
    assert "3401_1474711495.csv" not in taken
    assert len(taken) >= len(REAL_FILES) // 2


def test_the_frame_of_load_is_the_same_on_every_real_csv(monkeypatch):
    need(REAL)
    if not REAL_FILES:
        pytest.skip("no CSV/TXT under ../shared/data/real")
    checked = 0
    for path in REAL_FILES:
        if _fast(decode_text(path.read_bytes())[0]) is None:
            continue  # declined: both loads go the general way
        try:
            fast = ef.load(path)
        except ef.LoadError as err:
            with monkeypatch.context() as m:
                m.setattr(csvfast, "fast_parse", lambda *a, **k: None)
                with pytest.raises(ef.LoadError) as again:
                    ef.load(path)
            assert again.value.message == err.message
            continue
        with monkeypatch.context() as m:
            m.setattr(csvfast, "fast_parse", lambda *a, **k: None)
            general = ef.load(path)
        pd.testing.assert_frame_equal(fast, general, obj=str(path))
        assert fast.attrs.get("findings") == general.attrs.get("findings"), path
        checked += 1
    assert checked >= len(REAL_FILES) // 2


# ------------------------------------------------------------------ the stray quote


def test_a_stray_quote_no_longer_swallows_the_rest_of_a_real_file():
    path = need(REAL / "dulkemot-diy" / "files" / "3401_1474711495.csv")
    text, _ = decode_text(path.read_bytes())
    repaired = []
    rows, _ = parse_csv_text(text, repaired=repaired)
    # MANIFEST.csv of the folder: 911 lines, 903 coded rows; the quote opens at line 511
    assert len(rows) == 911 == text.count("\n")
    assert sum(1 for r in rows if r and re.match(r"\s*\d", r[0])) == 903
    assert repaired == [(511, 911, 511, 911)]
    assert rows[510][0].startswith("1.03 . 1.03.01 . 24 . 10 . 5 . 2 . 3 . 61 . 03")
    assert rows[511][:3] == ["1.03 . 1.03.01 . 24 . 16 ", "Pemberdayaan Petani Pemakai Air ", "474123650"]
    frame = ef.load(path)
    notes = [f for f in frame.attrs["findings"] if f["code"] == "file_note" and f["row"] == 511]
    assert len(notes) == 1 and notes[0]["severity"] == "warning"
    assert notes[0]["file"] == str(path) and notes[0]["detail"] == {"rows": [511, 911], "lines": [511, 911]}
    assert "baris berkas 511" in notes[0]["message"] and "511–911" in notes[0]["message"]
    assert frame["sumber_baris"].max() > 900  # the lines after 511 are read
    # the file's own BELANJA row (line 21) states Rp 158.299.042.500; the lines read add up to it
    # to the sen (before the repair: 223 lines, Rp 104.547.324.712 — a quarter of the SKPD lost)
    assert rows[20][:3] == ["1.03 . 1.03.01 . 00 . 00 . 5 ", "BELANJA ", "158299042500"]
    assert len(frame) == 406 and sum(frame["anggaran"].dropna()) == Decimal("158299042500")
    # perjalanan dinas (5.2.2.15.xx): 48 lines, as Python's csv module reads the file (26 before)
    travel = frame[frame["kode_rekening"].astype(str).str.match(r"^5\.2\.2\.15\.")]
    assert len(travel) == 48 and sum(travel["anggaran"]) == Decimal("502454400")


def test_a_stray_quote_in_a_bare_field_is_read_as_the_lines_it_swallowed(tmp_path):
    text = ("Kode,Uraian,Jumlah,Keterangan\n"
            '5.2.2.15.01,Perjalanan Dinas,1000,catatan "terbuka tanpa tutup\n'
            "5.2.2.15.02,Perjalanan Dinas Luar,2000,\n"
            "5.2.2.15.03,Perjalanan Lain,3000,\n")
    general, default = _both(text)
    assert general == default
    rows, _, _, repaired = general
    assert [r[2] for r in rows[1:]] == ["1000", "2000", "3000"]
    assert repaired == [(2, 4, 2, 4)]
    path = tmp_path / "kutip.csv"
    path.write_text(text, encoding="utf-8")
    sheet = ef.read.grid.read_grids(path)[0]
    assert [(f.code, f.row, f.detail) for f in sheet.findings] == [
        ("file_note", 2, {"rows": [2, 4], "lines": [2, 4]})]


def test_a_quoted_field_holding_records_is_said_on_both_paths(tmp_path):
    # the opening quote is at a field's start: every CSV reader (and Excel) reads one field up to
    # the closing quote; the lines inside look like the file's records, so it is said, not split
    text = ('Kode,Uraian,Jumlah,Ket\n5.2.1,"Honor,100,x\n5.2.2,Rapat,200,y\n5.2.3,Makan,300,z",ok\n'
            "5.2.4,Lain,400,\n")
    for fast in (True, False):
        suspect = []
        rows, _ = parse_csv_text(text, suspect=suspect, fast=fast)
        assert len(rows) == 3 and suspect == [(2, 2)]
    path = tmp_path / "kutip.csv"
    path.write_text(text, encoding="utf-8")
    sheet = ef.read.grid.read_grids(path)[0]
    assert [(f.code, f.row, f.detail) for f in sheet.findings] == [
        ("file_note", 2, {"rows": [2], "record_like_lines": 2})]


def test_no_real_file_has_a_quoted_field_holding_records():
    need(REAL)
    # the real multi-line Keterangan hold rincian lines ("1 paket x 10.000.000,00 = ..."), not records
    hits = {}
    for path in REAL_FILES:
        suspect = []
        parse_csv_text(decode_text(path.read_bytes())[0], suspect=suspect)
        if suspect:
            hits[path.name] = suspect
    assert hits == {}


def test_a_well_quoted_multi_line_field_is_not_a_repair():
    text = 'Kode;Uraian;Jumlah\n5.2;"Sumber Dana : DAU\nLokasi : Kab";1.000,00\n5.3;x;2,50\n'
    general, default = _both(text)
    assert general == default and general[3] == []
    assert general[0][1] == ["5.2", "Sumber Dana : DAU\nLokasi : Kab", "1.000,00"]


# ------------------------------------------------------------------ limits: same error either way


@pytest.mark.parametrize("limits", [{"max_cells": 10}, {"max_fields": 3}, {"max_line_chars": 5}])
def test_limit_errors_are_the_same_on_both_paths(limits):
    text = "a,b,c,d\n1,2,3,4\n5,6,7,8\n"
    general, default = _both(text, limits=Limits().with_overrides(limits))
    assert general[0] == "error" and default == general


def test_a_cell_over_the_cap_is_the_same_error_on_both_paths():
    text = "a,b\n1," + "x" * 50 + "\n"
    general, default = _both(text, max_cell_chars=20)
    assert general[0] == "error" and default == general


# ------------------------------------------------------------------ generated text


FIELD = st.one_of(
    st.text(alphabet=st.sampled_from(list("ab1.,;\t\" \n-'") + ["é", "–", "\u00a0"]), max_size=12),
    st.sampled_from(["", "-", "NA", "null", "N/A", "675.000,00", "1,234,567.00", "(1.500)", " 12 ",
                     "Jasa, Ahli", "a;b", 'say "hi"', "x\ny"]))


@st.composite
def csv_texts(draw) -> str:
    width = draw(st.integers(1, 6))
    ragged = draw(st.booleans())
    rows = draw(st.lists(st.lists(FIELD, min_size=1 if ragged else width,
                                  max_size=width + 2 if ragged else width), min_size=1, max_size=10))
    sep = draw(st.sampled_from([",", ";", "\t"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, quoting=quoting, lineterminator=eol).writerows(rows)
    lines = buf.getvalue().split(eol)
    if draw(st.booleans()):  # one row written with another separator (a preamble line, a stray row)
        other = draw(st.sampled_from([d for d in (",", ";", "\t") if d != sep]))
        k = draw(st.integers(0, len(rows) - 1))
        one = io.StringIO()
        csv.writer(one, delimiter=other, quoting=quoting, lineterminator="").writerow(rows[k])
        head = buf.getvalue().split(eol)
        lines = head[:k] + [one.getvalue()] + head[k + 1:] if "\n" not in one.getvalue() else head
    if draw(st.booleans()):  # trailing separators of another kind, as penjabaran preambles pad
        k = draw(st.integers(0, max(0, len(lines) - 1)))
        lines[k] += draw(st.sampled_from([",,,", ";;;;", "\t\t", ",,;;"]))
    if draw(st.booleans()):  # blank lines inside and at the end
        k = draw(st.integers(0, len(lines)))
        lines.insert(k, "")
    return eol.join(lines)


@settings(max_examples=N)
@given(csv_texts(), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
@example('a,b\n"x"y,z\n', "utf-8")
@example('a;b\n1;"2\n\n3"\n\n', "utf-8")
@example('"a,b,""c"",,"\n1,2,3\n', "utf-8")
def test_generated_text_gives_the_same_grid_on_both_paths(text, encoding):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    decoded, _ = decode_text(data)
    general, default = _both(decoded)
    assert default == general


RAW = st.text(alphabet=st.sampled_from(list("ab1.,;\t\"\n\r -") + ["é"]), max_size=120)


@settings(max_examples=N)
@given(RAW)
@example('a,"b\nc",d\ne,f,g')
@example('x;1,50;\ny;2,5;')
@example(' "a",b\nc,d')
@example("Kode;Uraian;Jumlah;Ket\n5.2;Jasa;1;x\nJudul,Penjabaran APBD,x,y;z\n")
@example("k1;k2;k3;k4;k5;k6;k7;k8\n1;2;3;4;5;6;7;8\na,b,c,d,e;x;;;;;;\n")  # ',' outvotes ';' there
@example("a,b,c\n1,2,3\nx;1,5;2,5\n")  # decimal commas do not vote: ';' is that record's separator
def test_raw_text_gives_the_same_grid_on_both_paths(text):
    general, default = _both(text)
    assert default == general


def test_generated_sipd_exports_take_the_fast_path(tmp_path):
    gen = pytest.importorskip("benchmarks.gen")
    if not gen.SAMPLES.exists():
        pytest.skip(f"{gen.SAMPLES} is absent")
    for sep, indonesian in ((",", False), (";", True)):
        path = tmp_path / f"sipd{sep == ';'}.csv"
        gen.write_csv(path, gen.rows(600), sep=sep, indonesian_numbers=indonesian)
        text, _ = decode_text(path.read_bytes())
        assert _fast(text) is not None
        general, default = _both(text)
        assert default == general and len(general[0]) == 601
