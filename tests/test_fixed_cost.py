"""The per-file fixed cost stays paid once (issue 12): what is cached is cached, and
the cache never answers for a different question."""

from __future__ import annotations

from efisiensi.categories import _load as packs
from efisiensi.read import columns
from efisiensi.read.grid import Sheet
from efisiensi.read.headers import match_header, user_keys


def test_a_shipped_rule_pack_is_parsed_once_and_equals_a_fresh_parse():
    first = packs.load_pack("inpres-1-2025")
    hits = packs._builtin.cache_info().hits
    assert packs.load_pack("inpres-1-2025") == first
    assert packs._builtin.cache_info().hits == hits + 1  # not parsed again
    fresh = packs._validate(packs._merge(None, *packs._read("inpres-1-2025")))
    assert first == fresh
    extra = {"rule": [{"id": "kata-kenduri", "category": "seremonial", "words": ["kenduri"],
                       "scope": ["operating"]}]}
    with_extra = packs.load_pack("inpres-1-2025", extra)
    assert with_extra.rule("kata-kenduri") and "kata-kenduri" not in {r.id for r in first.rules}


def _sheet(rows):
    return Sheet("t.xlsx", "S", rows, list(range(1, len(rows) + 1)))


def test_the_header_is_found_once_per_sheet_and_mapping(monkeypatch):
    calls = []
    real = columns._find
    monkeypatch.setattr(columns, "_find", lambda rows, user: calls.append(1) or real(rows, user))
    sheet = _sheet([["Kode Rekening", "Uraian", "Pagu"], ["5.1.02", "Belanja", 10.0]])
    other = _sheet([["Kode Rekening", "Uraian", "Pagu"], ["5.1.02", "Belanja", 10.0]])
    hit = columns.find(sheet)
    assert hit == (0, 3, ["Kode Rekening", "Uraian", "Pagu"])
    hit[2].append("changed by a caller")  # an answer handed out is the caller's own
    assert columns.find(sheet) == (0, 3, ["Kode Rekening", "Uraian", "Pagu"])
    assert len(calls) == 1
    assert columns.find(sheet, {"Pagu": "anggaran"}) is not None and len(calls) == 2  # another mapping
    columns.find(other)
    assert len(calls) == 3  # another sheet with equal rows: asked afresh
    sheet.rows[0][2] = "Keterangan"
    assert columns.find(sheet) is None and len(calls) == 4  # the rows changed


def test_user_mapping_normalised_once_first_source_wins():
    user = {"Nilai  Pagu": "anggaran", "NILAI PAGU": "anggaran_sebelum"}
    assert user_keys(user) == {"nilai pagu": "anggaran"}
    assert match_header("nilai_pagu", user) == "anggaran"
    assert match_header("Nilai Pagu") is None  # without the mapping: not a spelling of the table
