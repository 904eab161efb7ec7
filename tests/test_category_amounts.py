"""Category amounts of the audit, its JSON, its workbook and the CLI, against sums computed here.

The expected figures never come from the categorizer: they are sums over account codes of the
loaded sample budgets (Kab. Buru murni and penyesuaian), see ``tests/budget_sums.py``.
"""

from __future__ import annotations

import json
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

import efisiensi as ef
from efisiensi.categories import INPRES_CATEGORIES
from efisiensi.cli import main
from tests.budget_sums import CATS, FLOOR, POOL, account_sum
from tests.budget_sums import check_amount as _check
from tests.conftest import SAMPLES

D = Decimal
MURNI, PENYESUAIAN = SAMPLES / "2025_1_murni_rekap5.xlsx", SAMPLES / "2025_3_penyesuaian_rekap5.xlsx"
_sum = account_sum


@pytest.fixture(scope="module")
def stages() -> dict[str, pd.DataFrame]:
    return {"baseline": ef.load(MURNI), "revised": ef.load(PENYESUAIAN)}


@pytest.fixture(scope="module")
def buru():
    return ef.audit(MURNI, PENYESUAIAN)


def test_the_pools_are_far_below_the_budget(stages):
    for items in stages.values():
        pool = _sum(items, POOL)
        assert pool < items["anggaran"].sum() / 5
        assert _sum(items, FLOOR["perjalanan_dinas"]) > 0


@pytest.mark.parametrize("cat", CATS)
def test_summary_amounts(buru, stages, cat):
    row = buru.summary.set_index("target").loc[cat]
    for stage, items in stages.items():
        _check(cat, row[stage], items)


@pytest.mark.parametrize("cat", INPRES_CATEGORIES)
def test_per_skpd_amounts_add_up_and_stay_inside_each_skpd(buru, stages, cat):
    rows = buru.by_agency[buru.by_agency["target"] == cat]
    total = buru.summary.set_index("target").loc[cat]
    for stage, items in stages.items():
        assert rows[stage].sum() == total[stage]
        for kode, amount in rows.set_index("kode_skpd")[stage].items():
            own = items[items["kode_skpd"] == kode]
            if cat == "perjalanan_dinas":
                assert amount == _sum(own, FLOOR[cat]), kode
            else:
                assert _sum(own, FLOOR[cat]) <= amount <= _sum(own, POOL), (kode, stage)


def test_line_flags_follow_the_accounts(buru):
    lines = buru.lines[buru.lines["kode_rekening"] != ""]
    code = lines["kode_rekening"]
    assert (lines["perjalanan_dinas"] == code.str.startswith("5.1.02.04.")).all()
    assert lines.loc[code.str.startswith(FLOOR["honorarium"]), "honorarium"].all()
    assert lines.loc[code.str.startswith(FLOOR["pencetakan"]), "pencetakan"].all()
    salaries_and_capital = code.str.startswith(("5.1.01.01.", "5.1.01.02.", "5.2.02.", "5.2.03."))
    assert salaries_and_capital.sum() > 1000
    assert not lines.loc[salaries_and_capital, list(INPRES_CATEGORIES)].to_numpy().any()


def test_reconciliation_categorized_is_between_the_floors_and_the_pool(buru, stages):
    rec = buru.reconciliation
    files = rec[rec["categorized"].notna()].set_index("stage")
    for stage, items in stages.items():
        categorized = files.loc[stage, "categorized"]
        floors = _sum(items, tuple(p for c in CATS for p in FLOOR[c]))
        assert floors <= categorized <= _sum(items, POOL)
        assert files.loc[stage, "uncategorized"] >= _sum(items, ("5.1.01.01.", "5.2."))


@pytest.mark.parametrize("cat", INPRES_CATEGORIES)
def test_evidence_rows_carry_the_category_amount(buru, stages, cat):
    ev = buru.evidence(cat)
    assert ev[cat].all()
    _check(cat, ev["baseline"].sum(), stages["baseline"])


@pytest.fixture(scope="module")
def doc(buru):
    return json.loads(buru.to_json(), parse_float=D, parse_int=D)


@pytest.mark.parametrize("cat", CATS)
def test_json_category_amounts(doc, stages, cat):
    entry = next(c for c in doc["categories"] if c["target"] == cat)
    for stage, items in stages.items():
        _check(cat, entry[stage], items)


@pytest.mark.parametrize("cat", INPRES_CATEGORIES)
def test_json_per_agency_amounts(doc, stages, cat):
    per = [c for a in doc["agencies"] for c in a["categories"] if c["target"] == cat]
    for stage, items in stages.items():
        _check(cat, sum((c[stage] for c in per), D(0)), items)


@pytest.fixture(scope="module")
def workbook(buru, tmp_path_factory):
    path = tmp_path_factory.mktemp("laporan") / "laporan.xlsx"
    buru.to_excel(path)
    return openpyxl.load_workbook(path, read_only=True)


@pytest.mark.parametrize("cat", CATS)
def test_workbook_summary_amounts(workbook, stages, cat):
    from efisiensi.report.labels import target_label

    rows = [r for r in workbook.worksheets[0].iter_rows(values_only=True) if r and r[0] == target_label(cat)]
    assert len(rows) == 1, cat
    header = next(r for r in workbook.worksheets[0].iter_rows(values_only=True) if r and r[0] == "Kategori")
    base = header.index("Baseline (Rp)")
    _check(cat, rows[0][base], stages["baseline"])
    _check(cat, rows[0][base + 1], stages["revised"])


@pytest.fixture(scope="module")
def cli_doc(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "audit.json"
    assert main(["audit", "--baseline", str(MURNI), "--revised", str(PENYESUAIAN), "--json", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"), parse_float=D, parse_int=D)


@pytest.mark.parametrize("cat", CATS)
def test_cli_json_category_amounts(cli_doc, stages, cat):
    entry = next(c for c in cli_doc["categories"] if c["target"] == cat)
    for stage, items in stages.items():
        _check(cat, entry[stage], items)
