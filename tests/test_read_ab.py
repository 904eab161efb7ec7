"""A/B: the fast header, layout and schema decisions equal the exhaustive ones (issue 12).

The reference is ``tests/reference_reading.py`` (the code as it was before it was made
fast). Every sheet of every real file under ``../shared/data/real`` and of the samples is
read into grids once; on each, the header found, the columns recognised, the DPPA row
sort and sniff and the penjabaran sniff must be identical, with and without a user
column mapping. ``conform`` must give the same table as the Series version, and
``validate`` may skip pandera only for a table pandera accepts.
"""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors
import pytest
import reference_reading as ref
from conftest import REAL, SAMPLES, need

from efisiensi import _schema
from efisiensi._errors import LoadError
from efisiensi.read import columns, dppa, dppa_layout, penjabaran
from efisiensi.read.base import ReadOptions
from efisiensi.read.grid import SPREADSHEET_SUFFIXES, TEXT_SUFFIXES, read_grids

_SUFFIXES = SPREADSHEET_SUFFIXES | TEXT_SUFFIXES
#: a user mapping that renames a common header and adds one the table does not know
_USER = {"Uraian": "nama_rekening", "nilai pagu": "anggaran", "KODE REKENING": "kode_rekening"}


def _files() -> list[Path]:
    out = sorted(p for p in REAL.rglob("*") if p.is_file() and p.suffix.lower() in _SUFFIXES)
    return out + sorted(p for p in SAMPLES.glob("*") if p.suffix.lower() in _SUFFIXES)


@lru_cache(maxsize=1)
def _sheets() -> list:
    out = []
    for path in _files():
        try:
            out += read_grids(path, str(path))
        except LoadError:
            continue  # refused files have no sheet to decide on
    return out


#: headers the real files do not have: a two-row header below a weaker one-row header (each of
#: its rows alone cannot beat it, joined they do), letter-spaced words, a header under numbers
_SYNTHETIC = [
    [["Kode Rekening", "Jumlah", ""], [1, 2, 3], ["Uraian", "Anggaran", ""], ["", "Sebelum", "Sesudah"],
     ["5.1.02.01.01.0001", 100.0, 90.0]],
    [["Judul"], ["K O D E  R E K", "U R A I A N", "J U M L A H"], ["5.1.02", "Belanja", "1.000,00"]],
    [[1, 2, 3], ["Uraian", "Pagu", "Realisasi"], ["Uraian", "Pagu", "Realisasi", "Sesudah Perubahan"],
     ["Belanja", 10.0, 5.0, 8.0]],
]


@pytest.fixture(scope="module")
def sheets():
    from efisiensi.read.grid import Sheet

    need(REAL)
    found = _sheets()
    assert len(found) > 100  # every real source, not a handful
    return found + [Sheet("synthetic", str(k), rows, list(range(1, len(rows) + 1)))
                    for k, rows in enumerate(_SYNTHETIC)]


def _recognised(sheet, user):
    cols = columns.recognise(sheet, user)
    return None if cols is None else asdict(cols)


def _reference_recognise(sheet, user, monkeypatch):
    with monkeypatch.context() as m:  # recognise() as it was: the exhaustive find and matching
        m.setattr(columns, "find", ref.find)
        m.setattr(columns, "_cell_match", ref.cell_match)
        return _recognised(sheet, user)


@pytest.mark.parametrize("user", [None, _USER], ids=["no-mapping", "user-mapping"])
def test_header_and_columns_identical_on_every_real_sheet(sheets, user, monkeypatch):
    headers = 0
    for sheet in sheets:
        expected = ref.find(sheet, user)
        assert columns.find(sheet, user) == expected, (sheet.file, sheet.name)
        assert columns.find(sheet, user) == expected  # asked again (the reader after the sniff)
        assert _recognised(sheet, user) == _reference_recognise(sheet, user, monkeypatch), (sheet.file, sheet.name)
        headers += expected is not None
    assert headers > 50


def test_find_answers_afresh_when_the_sheet_changes(sheets):
    sheet = next(s for s in sheets if columns.find(s) is not None and s.rows[0])
    idx, n, texts = columns.find(sheet)
    saved = [list(r) for r in sheet.rows[: idx + 1]]
    try:
        for r in sheet.rows[: idx + 1]:
            r[:] = [""] * len(r)
        assert columns.find(sheet) == ref.find(sheet)
        assert columns.find(sheet) != (idx, n, texts)
    finally:
        sheet.rows[: idx + 1] = saved
    assert columns.find(sheet) == (idx, n, texts)


def test_dppa_row_sort_and_sniff_identical_on_every_real_sheet(sheets):
    printed = 0
    for sheet in sheets:
        assert dppa_layout.sniff_score(sheet) == ref.sniff_score(sheet), (sheet.file, sheet.name)
        events = dppa.classify(sheet)
        assert events == ref.classify(sheet), (sheet.file, sheet.name)
        printed += any(kind == "header" for kind, _, _ in events)
    assert printed >= 1


def test_dppa_row_sort_identical_on_generated_prints(tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import gen

    for blocks in (1, 7):
        path = tmp_path / f"dppa_{blocks}.xlsx"
        gen.write_dppa(path, blocks)
        for sheet in read_grids(path):
            events = dppa.classify(sheet)
            assert events == ref.classify(sheet)
            assert dppa_layout.sniff_score(sheet) == ref.sniff_score(sheet)
            assert sum(kind == "data" for kind, _, _ in events) > 10 * blocks


def test_penjabaran_sniff_identical_on_every_real_sheet(sheets):
    reader = penjabaran.PenjabaranReader()
    claimed = 0
    for sheet in sheets:
        expected = ref.penjabaran_sniff(reader, sheet)
        assert reader.sniff(sheet, ReadOptions()) == expected, (sheet.file, sheet.name)
        claimed += expected >= 0.9
    assert claimed >= 10


# ------------------------------------------------------------------ conform / validate


def _reader_frames(sheets):
    from efisiensi.read.base import choose_reader

    out = []
    for sheet in sheets[::7]:
        reader, score = choose_reader(sheet, ReadOptions())
        if reader is None or score < 0.5:
            continue
        frame = reader.read(sheet, ReadOptions()).frame
        if len(frame):
            out.append(frame.assign(sumber_file=sheet.file, sumber_sheet=sheet.name, tata_letak=reader.name))
    return out


def _odd(frame: pd.DataFrame) -> list[pd.DataFrame]:
    n = len(frame)
    odd = frame.assign(anggaran=[Decimal("1.50")] * n, tahun=[2025.0] * n,
                       kode_skpd=np.array(([None, "a"] * n)[:n], dtype=object), harga_satuan=[None] * n,
                       sumber_baris=list(range(1, n + 1)))
    odd.index = range(5, 5 + n)
    return [odd, odd.iloc[::-1], frame.drop(columns=[c for c in ("tahun", "kode_skpd") if c in frame]), frame.head(0)]


def test_conform_identical_to_the_series_version(sheets):
    frames = _reader_frames(sheets)
    assert len(frames) >= 5
    for frame in frames + _odd(frames[0]):
        got, expected = _schema.conform(frame), ref.conform(frame)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        assert _schema.conforms(got)


def _pandera_accepts(frame) -> bool:
    try:
        _schema._schema().validate(frame)
    except (pandera.errors.SchemaError, pandera.errors.SchemaErrors):
        return False
    return True


def test_validate_skips_pandera_only_for_tables_pandera_accepts(sheets):
    good = _schema.conform(_reader_frames(sheets)[0])
    n = len(good)
    bad = {
        "null amount": good.assign(anggaran=pd.array([None] * n, dtype=_schema.MONEY)),
        "row 0": good.assign(sumber_baris=pd.array([0] * n, dtype="Int64")),
        "year 1800": good.assign(tahun=pd.array([1800] * n, dtype="Int64")),
        "year 2200": good.assign(tahun=pd.array([2200] * n, dtype="Int64")),
        "unknown chart": good.assign(bagan_akun=pd.array(["1999"] * n, dtype=_schema._STR)),
        "null text": good.assign(uraian=pd.array([None] * n, dtype=_schema._STR)),
        "object text": good.assign(uraian=good["uraian"].astype(object)),
        "float row": good.assign(sumber_baris=good["sumber_baris"].astype(float)),
        "extra column": good.assign(extra="x"),
        "missing column": good.drop(columns=["satuan"]),
        "columns reordered": good[[*good.columns[1:], good.columns[0]]],
    }
    assert _schema.conforms(good) and _pandera_accepts(good)
    assert _schema.validate(good) is good
    for name, frame in bad.items():
        assert not _schema.conforms(frame), name
        if not _pandera_accepts(frame):
            with pytest.raises((pandera.errors.SchemaError, pandera.errors.SchemaErrors)):
                _schema.validate(frame)
