"""Category amounts a budget must show, computed from its account codes alone (never the categorizer).

CATEGORIES.md fixes the strong account signal of each category (Permendagri 90/2019 chart). A
category's amount is at least the sum of the accounts that decide it alone (the "floor") and at
most the sum of the accounts where any rule of it may fire (operating costs, honoraria,
transfers and the capital account for studies: the "pool"). Travel is exact: the objek
5.1.02.04 decides it. A categorizer that labels nothing falls under every floor; one that
labels everything exceeds every pool (salaries and capital spending are most of a budget).
The audit, report, CLI and category-amount tests share these checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import pandas as pd

D = Decimal

#: CATEGORIES.md, "strong account signals" that no other rule can remove (Permendagri 90/2019)
FLOOR = {
    "perjalanan_dinas": ("5.1.02.04.",),
    "honorarium": ("5.1.02.02.01.0003", "5.1.02.02.01.0004", *(f"5.1.02.02.01.{i:04d}" for i in range(6, 13)),
                   "5.1.02.02.01.0080", "5.1.02.02.01.0081", "5.1.01.03.07."),
    "seremonial": ("5.1.02.01.01.0053",),
    "kajian": ("5.1.02.02.09.0011", "5.1.02.02.09.0012", "5.1.02.02.09.0013", "5.2.05.08.01.0006"),
    "pencetakan": ("5.1.02.01.01.0026", "5.1.02.01.01.0035"),
    "publikasi": ("5.1.02.02.01.0055",),
    # mamin rapat lines that name a training are not meetings; paket meeting always is one
    "rapat_seminar": ("5.1.02.04.01.0004", "5.1.02.04.01.0005"),
    "studi_banding": (),
    "pendukung": ("5.1.02.01.01.0024", "5.1.02.01.01.0025", "5.1.02.01.01.0004",
                  *(f"5.1.02.02.01.{i:04d}" for i in range(59, 64))),
    "hibah_kl": ("5.1.05.01.",),
}
#: where any rule of an Inpres category may fire: operating costs, honoraria, transfers, capital studies
POOL = ("5.1.02.", "5.1.01.03.07.", "5.1.05.", "5.2.05.08.01.0006")
CATS = tuple(FLOOR)
TRAVEL = FLOOR["perjalanan_dinas"]


def account_sum(items: pd.DataFrame, prefixes: tuple[str, ...]) -> Decimal:
    """The exact sum of ``anggaran`` over the lines whose code starts with one of ``prefixes``."""
    if not prefixes:
        return D("0.00")
    return items.loc[items["kode_rekening"].str.startswith(prefixes), "anggaran"].sum()


def travel(items: pd.DataFrame) -> Decimal:
    """Official travel: every rincian of objek 5.1.02.04, exactly."""
    return account_sum(items, TRAVEL)


def check_amount(cat: str, amount, items: pd.DataFrame, *, occurs: bool = True) -> None:
    """``amount`` of ``cat`` is what the accounts of ``items`` allow (exact for travel).

    ``occurs``: the category has lines in ``items`` (true of every category in both Buru stages).
    """
    amount = D(str(amount))
    if cat == "perjalanan_dinas":
        assert amount == travel(items), (cat, amount)
        return
    pool = account_sum(items, ("5.1.05.01.",)) if cat == "hibah_kl" else account_sum(items, POOL)
    assert account_sum(items, FLOOR[cat]) <= amount <= pool, (cat, amount)
    if occurs:
        assert amount > 0, cat


def check_amounts(amounts: Mapping[str, object], items: pd.DataFrame) -> None:
    """Every category of ``CATS`` in ``amounts`` (category -> amount) against ``items``."""
    assert set(CATS) <= set(amounts), sorted(set(CATS) - set(amounts))
    for cat in CATS:
        check_amount(cat, amounts[cat], items)


def check_summary(summary: pd.DataFrame, stages: Mapping[str, pd.DataFrame]) -> None:
    """An audit summary (one row per target) against the loaded stages ("baseline", "revised")."""
    rows = summary.set_index("target")
    for stage, items in stages.items():
        check_amounts(rows[stage].to_dict(), items)


def rupiah_text(text: str) -> Decimal:
    """An amount as the report prints it in Indonesian ("2.539.818.989,18") back to a Decimal."""
    return D(str(text).strip().replace(".", "").replace(",", "."))
