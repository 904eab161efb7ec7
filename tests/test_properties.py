"""Invariants of load → audit → JSON over generated budgets (hypothesis).

Small SIPD-rekap-like tables are generated, written as CSV/xlsx in a temporary folder
and audited. Example counts are modest so ``make test`` stays fast;
``HYPOTHESIS_PROFILE=long`` runs many more.
"""

from __future__ import annotations

import csv
import json
import os
import random
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import efisiensi as ef
from efisiensi.compliance._compare import judge
from efisiensi.compliance._policy import load_policy

settings.register_profile("ci", deadline=None, database=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)
#: examples per test: few in CI, many with HYPOTHESIS_PROFILE=long
SCALE = 25 if PROFILE == "long" else 1

D = Decimal
HEADER = ["KODE SKPD", "NAMA SKPD", "KODE SUB KEGIATAN", "NAMA SUB KEGIATAN", "KODE REKENING",
          "NAMA REKENING", "PAGU"]
SKPDS = [("1.02.0.00.0.00.01.0000", "Dinas Kesehatan"), ("1.01.0.00.0.00.01.0000", "Dinas Pendidikan"),
         ("4.01.0.00.0.00.01.0000", "Sekretariat Daerah")]
SUBS = [("1.02.01.2.06.0009", "Penyelenggaraan Rapat Koordinasi"), ("1.01.02.2.01.0001", "Pengadaan Buku")]
ACCOUNTS = [("5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa"),
            ("5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat"),
            ("5.1.02.01.01.0024", "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor"),
            ("5.1.01.01.01.0001", "Belanja Gaji Pokok PNS"),
            ("5.1.02.02.01.0003", "Honorarium Narasumber atau Pembahas"),
            ("5.2.02.05.01.0001", "Belanja Modal Mebel")]

amounts = st.decimals(min_value=D("0.01"), max_value=D("9999999999.99"), places=2)
line_st = st.tuples(st.sampled_from(SKPDS), st.sampled_from(SUBS), st.sampled_from(ACCOUNTS), amounts)
budgets = st.lists(line_st, min_size=1, max_size=12)


def _id(d: Decimal) -> str:
    whole, sen = f"{abs(d):.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + sen


FORMATS = {
    "id": lambda d: ("-" if d < 0 else "") + _id(d),
    "us": lambda d: f"{d:,.2f}",
    "plain": lambda d: f"{d:.2f}",
    "rp": lambda d: ("-" if d < 0 else "") + "Rp " + _id(d),
    "parens": lambda d: f"({_id(d)})" if d < 0 else _id(d),
}


def rows_of(budget, fmt="plain"):
    return [[s[0], s[1], sub[0], sub[1], acc[0], acc[1], FORMATS[fmt](a)] for s, sub, acc, a in budget]


def write(folder: Path, name: str, rows, kind: str = "csv") -> Path:
    path = folder / f"{name}.{kind}"
    if kind == "csv":
        with open(path, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, delimiter=";").writerows([HEADER, *rows])
    else:
        wb = openpyxl.Workbook()
        ws = wb.active
        for r in [HEADER, *rows]:
            ws.append(r)
        wb.save(path)
    return path


def summary(a) -> list[tuple]:
    cols = ["target", "baseline", "revised", "status", "shortfall"]
    return [tuple(r) for r in a.summary[cols].astype(object).itertuples(index=False)]


def agencies(a) -> list[tuple]:
    cols = ["kode_skpd", "target", "baseline", "revised", "shortfall", "status"]
    frame = a.by_agency[cols].astype(object).sort_values(["kode_skpd", "target"])
    return [tuple(r) for r in frame.itertuples(index=False)]


def audit_folder(make) -> object:
    with tempfile.TemporaryDirectory() as tmp:
        return make(Path(tmp))


#: CATEGORIES.md applied by hand to the generated lines: the account decides, and operating
#: costs (5.1.02.*) under the meeting sub kegiatan also count as rapat_seminar
OPERATING = {"5.1.02.04.01.0001", "5.1.02.01.01.0052", "5.1.02.01.01.0024", "5.1.02.02.01.0003"}
BY_ACCOUNT = {"5.1.02.04.01.0001": {"perjalanan_dinas"}, "5.1.02.01.01.0052": {"rapat_seminar"},
              "5.1.02.01.01.0024": {"pendukung"}, "5.1.02.02.01.0003": {"honorarium"}}
CATEGORIES = ("perjalanan_dinas", "honorarium", "seremonial", "studi_banding", "kajian", "pencetakan",
              "publikasi", "rapat_seminar", "pendukung", "hibah_kl")


def expected_categories(sub: tuple, acc: tuple) -> set[str]:
    cats = set(BY_ACCOUNT.get(acc[0], ()))
    if sub[1] == "Penyelenggaraan Rapat Koordinasi" and acc[0] in OPERATING:
        cats.add("rapat_seminar")
    return cats


def expected_amounts(budget, skpd: str | None = None) -> dict[str, Decimal]:
    out = dict.fromkeys(CATEGORIES, D("0.00"))
    for s, sub, acc, a in budget:
        if skpd is None or s[0] == skpd:
            for c in expected_categories(sub, acc):
                out[c] += a
    return out


@settings(max_examples=8 * SCALE)
@given(budgets, st.sampled_from(["csv", "xlsx"]))
def test_total_read_is_categorized_plus_uncategorized(budget, kind):
    a = audit_folder(lambda d: ef.audit(write(d, "apbd", rows_of(budget), kind)))
    rec = a.reconciliation
    assert a.reconciled
    per_file = rec[rec["categorized"].notna()]
    for r in per_file.itertuples(index=False):
        assert r.total_read == r.categorized + r.uncategorized
    assert a.totals["baseline"] == sum((x[3] for x in budget), D("0.00"))
    # categorized = the lines that carry a category (the operating lines here), nothing else
    assert per_file["categorized"].sum() == sum((x[3] for x in budget if expected_categories(x[1], x[2])),
                                                D("0.00"))


@settings(max_examples=6 * SCALE)
@given(budgets, st.sampled_from(["csv", "xlsx"]))
def test_category_amounts_are_the_sums_of_their_lines(budget, kind):
    a = audit_folder(lambda d: ef.audit(write(d, "apbd", rows_of(budget, "id"), kind)))
    got = a.summary.set_index("target")["baseline"]
    want = expected_amounts(budget)
    assert {c: got[c] for c in CATEGORIES} == want
    for skpd in {s[0] for s, *_ in budget}:
        rows = a.by_agency[a.by_agency["kode_skpd"] == skpd].set_index("target")["baseline"]
        assert {c: rows.get(c, D("0.00")) for c in CATEGORIES} == expected_amounts(budget, skpd), skpd


@settings(max_examples=4 * SCALE)
@given(budgets)
def test_json_category_amounts_are_the_sums_of_their_lines(budget):
    text = audit_folder(lambda d: ef.audit(write(d, "apbd", rows_of(budget, "us"))).to_json())
    doc = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    got = {c["target"]: c["baseline"] for c in doc["categories"]}
    assert {c: got[c] for c in CATEGORIES} == expected_amounts(budget)


@settings(max_examples=6 * SCALE)
@given(budgets, st.randoms(use_true_random=False), st.integers(min_value=2, max_value=4))
def test_audit_ignores_row_order_and_file_splits(budget, rnd: random.Random, parts):
    rows = rows_of(budget)
    one = audit_folder(lambda d: ef.audit(write(d, "apbd", rows)))
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    two = audit_folder(lambda d: ef.audit(write(d, "acak", shuffled)))

    def split(d: Path):
        folder = d / "bagian"
        folder.mkdir()
        for k in range(parts):
            write(folder, f"bagian{k}", shuffled[k::parts] or [])
        return ef.audit(folder)

    three = audit_folder(split)
    assert summary(one) == summary(two) == summary(three)
    assert agencies(one) == agencies(two) == agencies(three)
    got = three.summary.set_index("target")["baseline"]
    assert {c: got[c] for c in CATEGORIES} == expected_amounts(budget)


@settings(max_examples=6 * SCALE)
@given(budgets, st.lists(st.decimals(min_value=D("0"), max_value=D("1"), places=2), min_size=12, max_size=12),
       st.sampled_from(sorted(FORMATS)))
def test_number_format_does_not_change_the_audit(budget, cuts, fmt):
    revised = [(s, sub, acc, (a * (1 - c)).quantize(D("0.01")) - (D("0.01") if c > D("0.9") else 0))
               for (s, sub, acc, a), c in zip(budget, cuts, strict=False)]

    def run(d: Path, f: str):
        return ef.audit(write(d, f"murni_{f}", rows_of(budget, f)), write(d, f"revisi_{f}", rows_of(revised, f)))

    plain = audit_folder(lambda d: run(d, "plain"))
    other = audit_folder(lambda d: run(d, fmt))
    assert summary(plain) == summary(other)
    assert agencies(plain) == agencies(other)
    got = other.summary.set_index("target")
    assert {c: got.loc[c, "baseline"] for c in CATEGORIES} == expected_amounts(budget)
    assert {c: got.loc[c, "revised"] for c in CATEGORIES} == expected_amounts(revised)


@settings(max_examples=5 * SCALE)
@given(budgets, st.sampled_from(["csv", "xlsx"]))
def test_load_and_audit_twice_gives_byte_identical_json(budget, kind):
    def run(d: Path):
        path = write(d, "apbd", rows_of(budget, "id"), kind)
        return ef.audit(path).to_json(), ef.audit(ef.load(path)).to_json()

    first, second = audit_folder(run)
    assert first.encode() == second.encode()
    doc = json.loads(first, parse_float=Decimal, parse_int=Decimal)  # what repeats is the right audit
    got = {c["target"]: c["baseline"] for c in doc["categories"]}
    assert {c: got[c] for c in CATEGORIES} == expected_amounts(budget)


@settings(max_examples=6 * SCALE)
@given(budgets, st.sampled_from(["csv", "xlsx"]))
def test_travel_is_the_sum_of_the_5_1_02_04_lines_and_no_salary_is_labelled(budget, kind):
    """Per line of the audit: travel exactly on objek 5.1.02.04; salaries and capital never labelled."""
    a = audit_folder(lambda d: ef.audit(write(d, "apbd", rows_of(budget), kind)))
    lines = a.lines
    code = lines["kode_rekening"]
    assert (lines["perjalanan_dinas"] == code.str.startswith("5.1.02.04.")).all()
    assert not lines.loc[code.str.startswith(("5.1.01.01.", "5.2.")), list(CATEGORIES)].to_numpy().any()
    assert a.summary.set_index("target").loc["perjalanan_dinas", "baseline"] == \
        sum((x[3] for x in budget if x[2][0].startswith("5.1.02.04.")), D("0.00"))


@settings(max_examples=200 * SCALE)
@given(st.decimals(min_value=D("0.01"), max_value=D("1e15"), places=2),
       st.decimals(min_value=D("0"), max_value=D("2e15"), places=2),
       st.sampled_from(["perjalanan_dinas", "seremonial", "kajian_dan_studi"]))
def test_shortfall_is_zero_exactly_when_a_numeric_target_is_met(baseline, revised, target_id):
    policy = load_policy("inpres-1-2025")
    target = next((t for t in policy.targets if t.id == target_id), policy.targets[0])
    r = judge(target, baseline, revised)
    if target.kind == "numeric":
        ceiling = baseline * (1 - target.cut_pct / 100)
        assert (r["status"] == "met") == (revised <= ceiling)
        assert (r["shortfall"] == 0) == (r["status"] == "met")
        assert revised - r["shortfall"] <= ceiling < revised - r["shortfall"] + D("0.01") or r["status"] == "met"
    assert r["shortfall"] >= 0 and r["shortfall"] == r["shortfall"].quantize(D("0.01"))


@settings(max_examples=5 * SCALE)
@given(st.lists(st.decimals(min_value=D("9e14"), max_value=D("999999999999999.99"), places=2),
                min_size=2, max_size=5, unique=True))  # two files of one identical line are one (duplicate_source)
def test_money_is_exact_to_the_sen_near_ten_to_the_fifteen(values):
    rows = [[*SKPDS[0], *SUBS[0], *ACCOUNTS[0], FORMATS["id"](v)] for v in values]

    def run(d: Path):
        folder = d / "berkas"
        folder.mkdir()
        for k, r in enumerate(rows):
            write(folder, f"b{k}", [r], "xlsx" if k % 2 else "csv")
        df = ef.load(folder)
        return ef.total(df), ef.audit(df).to_json()

    total, text = audit_folder(run)
    exact = sum(values, D("0.00"))
    assert total == exact
    doc = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    assert doc["baseline"]["total"] == exact
    travel = next(c for c in doc["categories"] if c["target"] == "perjalanan_dinas")
    assert travel["baseline"] == exact
    # a travel line (5.1.02.04) under the meeting sub kegiatan: also a meeting cost, nothing else
    others = {c["target"]: c["baseline"] for c in doc["categories"] if c["target"] != "perjalanan_dinas"}
    assert others == {**dict.fromkeys(others, 0), "rapat_seminar": exact}
