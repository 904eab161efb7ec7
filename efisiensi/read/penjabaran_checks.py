"""What the penjabaran reader checks besides the account tree: nothing merged or dropped unsaid.

* **Repeated lines.** Some conversions print one line two or three times with one
  code and one amount (Kota Yogyakarta repeats ``5.2.1 BELANJA PEGAWAI`` /
  ``Belanja Pegawai``). Such a repeat is counted once, with a ``duplicate_row``
  finding naming both rows. Lines that share code, context and amount but carry
  different names are different items (two Perdes drafts of the same cost) and both
  stay.
* **Stated total rows** without a code (``JUMLAH BELANJA``, ``SURPLUS / (DEFISIT)``,
  ``PEMBIAYAAN NETTO``) are checked against the leaves read; their label says which
  sum they state.
* **Uncoded rows with money** under a coded line (``2.3.2.1.a``, a rincian line with
  an amount in the Jumlah column) are not line items; where they add up to the line
  above they are its breakdown (a held check), otherwise each is a
  ``skipped_amount`` finding, so that no rupiah leaves the file unsaid.

>>> same_item("BELANJA PEGAWAI ", "Belanja Pegawai"), same_item("DANA ALOKASI UMUM (DAU)", "Dana Alokasi Umum")
(True, True)
>>> same_item("Perdes (RPJMDesa dan RKPDesa)", "Perdes (Tanah Kas Desa/TKD)")
False
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from .._format import rupiah
from .checkrec import check

_ZERO = Decimal("0.00")
_ACRONYM = re.compile(r"\s*\(\s*([A-Z][A-Z .&/-]{0,11})\s*\)\s*$")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_NUMERIC = re.compile(r"^[\s\d.,()^+-]+$")

Find = Callable[..., None]


def _norm(name: str) -> str:
    name = _ACRONYM.sub("", name.strip())  # "Dana Alokasi Umum (DAU)" = "Dana Alokasi Umum"
    return _NON_WORD.sub(" ", name.casefold()).strip()


def same_item(a: str, b: str) -> bool:
    """Two names of one line: equal but for case, spacing, punctuation and a trailing acronym."""
    return _norm(a) == _norm(b)


def row_label(row: list[str], code_col: int, uraian_col: int) -> str:
    """The first non-numeric text of a row: its label (the Uraian, or the code cell)."""
    for j in (uraian_col, code_col, *range(len(row))):
        text = row[j].strip() if j < len(row) else ""
        if text and not _NUMERIC.match(text):
            return text
    return ""


def unique_leaves(candidates: Iterable[Any], rownum: Callable[[int], int], sheet: str | None,
                  find: Find, checks: list[dict]) -> list[Any]:
    """Drop lines repeated with one code, context, amount and name; keep distinct items.

    ``candidates`` are the leaf rows in file order; each has ``idx``, ``group``,
    ``account``, ``context``, ``values``, ``name``, ``ket`` and ``code``.
    """
    leaves: list[Any] = []
    seen: dict[tuple, list[Any]] = {}
    for r in candidates:
        key = (r.group, r.account, r.context.idx if r.context else None)
        twin = next((t for t in seen.get(key, ()) if t.values == r.values and same_item(t.name, r.name)),
                    None)
        if twin is None:
            seen.setdefault(key, []).append(r)
            leaves.append(r)
            continue
        twin.ket += r.ket
        a, b = rownum(twin.idx), rownum(r.idx)
        amount = next((v for v in r.values.values() if v is not None), None)
        message = (f"baris {b} mengulang baris {a} ({r.code.raw.strip()} {r.name.strip()}, "
                   f"{rupiah(amount)}): kode, konteks, nama dan jumlah sama, dihitung sekali")
        find("duplicate_row", message, r.idx, "info", rows=[a, b], kept=a, amount=str(amount))
        checks.append(check("repeated_block", sheet, b, amount, amount, message, held=True))
    return leaves


# label -> the sum it states, as (sign, role, sub-group) terms
_TOTALS: tuple[tuple[re.Pattern[str], tuple[tuple[int, str, int | None], ...], str], ...] = tuple(
    (re.compile(p, re.I), terms, what) for p, terms, what in (
        (r"sisa\s+lebih|silpa", ((1, "p", None), (-1, "b", None), (1, "f", 1), (-1, "f", 2)),
         "pendapatan − belanja + pembiayaan netto"),
        (r"surplus|suprlus|defisit", ((1, "p", None), (-1, "b", None)), "pendapatan − belanja"),
        (r"netto|neto|selisih\s+pembiayaan", ((1, "f", 1), (-1, "f", 2)),
         "penerimaan − pengeluaran pembiayaan"),
        (r"penerimaan\s+pembiayaan", ((1, "f", 1),), "penerimaan pembiayaan"),
        (r"pengeluaran\s+pembiayaan", ((1, "f", 2),), "pengeluaran pembiayaan"),
        (r"belanja\s+tidak\s+langsung", ((1, "b", 1),), "belanja tidak langsung"),
        (r"belanja\s+langsung", ((1, "b", 2),), "belanja langsung"),
        (r"pendapatan", ((1, "p", None),), "pendapatan"),
        (r"belanja", ((1, "b", None),), "belanja"),
    ))


def roles(names: dict[int, set[str]], chart: str) -> dict[str, int]:
    """Which account root is pendapatan, belanja and pembiayaan, by the file's own names."""
    out = {"p": 4, "b": 5, "f": 6} if chart else {}
    for root, ns in names.items():
        for role, word in (("p", "PENDAPATAN"), ("b", "BELANJA"), ("f", "PEMBIAYAAN")):
            if any(n.startswith(word) for n in ns):
                out[role] = root
    return out


def _sum(leaves: list[Any], col: str, root: int | None, sub: int | None) -> Decimal:
    total = _ZERO
    for r in leaves:
        acc = r.account
        if root is not None and (not acc or acc[0] != root or (sub is not None and acc[1:2] != (sub,))):
            continue
        total += r.values.get(col) or _ZERO
    return total


def check_total_rows(totals: list[tuple[int, str, dict[str, Decimal | None]]], leaves: list[Any],
                     role: dict[str, int], rownum: Callable[[int], int], sheet: str | None,
                     find: Find, checks: list[dict]) -> None:
    """Check each uncoded total row against the sum its label names (or any sum it could be)."""
    for idx, label, values in totals:
        if all(v is None for v in values.values()):
            continue
        named = next(((terms, what) for pat, terms, what in _TOTALS if pat.search(label)), None)
        options = [named] if named else [(t, w) for _, t, w in _TOTALS]
        for col, stated in values.items():
            if stated is None:
                continue
            sums = []
            for terms, what in options:
                if all(role.get(r) is not None for _, r, _ in terms):
                    sums.append((sum((s * _sum(leaves, col, role[r], sub) for s, r, sub in terms), _ZERO),
                                 what))
            if not sums:
                continue
            match = next(((v, w) for v, w in sums if v == stated), None)
            got, what = match or sums[0]
            message = f"{label.strip()} ({col}) tertulis {rupiah(stated)}, {what} dari rincian {rupiah(got)}"
            held = match is not None
            if not held and not named:
                message = (f"{label.strip()} ({col}) tertulis {rupiah(stated)}: tidak sama dengan "
                           "jumlah mana pun dari rincian")
            checks.append(check("total_row", sheet, rownum(idx), stated, got, message, held=held))
            if not held:
                find("total_mismatch" if named else "skipped_amount", message, idx, column=col,
                     stated=str(stated), computed=str(got))


def check_detail_money(details: list[tuple[int, Any, dict[str, Decimal | None]]],
                       rownum: Callable[[int], int], sheet: str | None, find: Find,
                       checks: list[dict]) -> None:
    """Uncoded rows with money under a coded row: its breakdown if they add up, else findings."""
    groups: dict[int, tuple[Any, list[tuple[int, dict[str, Decimal | None]]]]] = {}
    for idx, owner, values in details:
        groups.setdefault(owner.idx, (owner, []))[1].append((idx, values))
    for owner, rows in groups.values():
        cols = [c for c in owner.values if any(v.get(c) is not None for _, v in rows)]
        adds_up = bool(cols) and all(
            owner.values.get(c) is not None
            and sum((v.get(c) or _ZERO for _, v in rows), _ZERO) == owner.values[c] for c in cols)
        where = f"{owner.code.raw.strip()} {owner.name.strip()}"
        if adds_up:
            for c in cols:
                got = sum((v.get(c) or _ZERO for _, v in rows), _ZERO)
                checks.append(check("hierarchy_subtotal", sheet, rownum(owner.idx), owner.values[c], got,
                                    f"{where} ({c}): {len(rows)} baris rincian tanpa kode berjumlah sama"))
            continue
        for idx, values in rows:
            amount = next(v for v in values.values() if v is not None)
            find("skipped_amount", f"baris tanpa kode rekening dengan jumlah {rupiah(amount)} tidak "
                 f"dibaca sebagai rincian (dicatat pada keterangan baris {rownum(owner.idx)} {where})",
                 idx, amount=str(amount), attached_to=rownum(owner.idx))
