"""The account-tree walk behind :mod:`efisiensi.read.dppa`.

Rows arrive already classified (preamble, data, JUMLAH). The walk keeps a stack of
open subtotal rows ranked akun (1) … sub rincian objek (6), ``[#]`` (7), ``[-]``
(8). A new row closes every open row of the same or a finer rank — and accounts
whose code does not cover it — and each closed row is checked against the sum of
the leaves below it. A row that closes without children is itself a leaf (some
exports stop at the account level), so no amount is ever counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .._errors import Finding
from .._format import rupiah
from .checkrec import check
from .codes import AccountCode, normalize_code, split_code_and_name
from .dppa_layout import (
    AFTER,
    BEFORE,
    HeaderMap,
    cell_text,
    marker,
    spec_text,
    split_code_value,
    year_in,
)
from .grid import Sheet

ZERO = Decimal("0.00")
_SIDE_NAME = {AFTER: "anggaran", BEFORE: "anggaran_sebelum"}
_SIDE_LABEL = {AFTER: "Sesudah", BEFORE: "Sebelum"}
_RANK_NAME = {1: "akun", 2: "kelompok", 3: "jenis", 4: "objek", 5: "rincian objek",
              6: "sub rincian objek", 7: "[#]", 8: "[-]"}
_PREAMBLE_COLUMNS = {"skpd": ("kode_skpd", "nama_skpd"), "unit": ("kode_sub_unit", "nama_sub_unit"),
                     "program": ("kode_program", "nama_program"),
                     "kegiatan": ("kode_kegiatan", "nama_kegiatan"),
                     "sub_kegiatan": ("kode_sub_kegiatan", "nama_sub_kegiatan"),
                     "sumber_dana": ("kode_sumber_dana", "sumber_dana")}


@dataclass
class _Node:
    """An open subtotal row: an account level, a ``[#]`` group or a ``[-]`` note."""

    rank: int
    i: int
    text: str
    code: AccountCode | None = None
    raw_code: str = ""
    stated: dict[str, Decimal | None] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    computed: dict[str, Decimal] = field(default_factory=lambda: {AFTER: ZERO, BEFORE: ZERO})
    has_child: bool = False


@dataclass
class Total:
    i: int
    stated: dict[str, Decimal | None]
    scope: str = ""
    computed: dict[str, Decimal] = field(default_factory=dict)


class Walk:
    """One pass over the classified rows of a sheet, building leaves and findings."""

    def __init__(self, sheet: Sheet, amounts: dict[tuple[int, str, str], Decimal | None],
                 bad: set[tuple[int, str, str]], chart: str | None) -> None:
        self.sheet, self.amounts, self.bad, self.chart = sheet, amounts, bad, chart
        self.stack: list[_Node] = []
        self.ctx: dict[str, object] = {}
        self.leaves: list[dict[str, object]] = []
        self.findings: list[Finding] = []
        self.checks: list[dict] = []  # one record per subtotal and total checked
        self.totals: list[Total] = []
        self.sides: set[str] = set()
        self.sums = {k: {AFTER: ZERO, BEFORE: ZERO, "n": 0} for k in ("block", "since", "sheet")}
        self.pending: tuple[int, str] | None = None  # a text row waiting for its amounts
        self.last_leaf: dict[str, object] | None = None
        self.in_table = False  # rows of a table seen since the last preamble
        self.seen: dict[str, str] = {}  # preamble values, to tell a new block from a page repeat

    # ----------------------------------------------------------------- helpers
    def finding(self, code: str, i: int, message: str, **detail: object) -> None:
        self.findings.append(Finding(code, message, self.sheet.file, self.sheet.name,
                                     self.sheet.row_numbers[i], detail=detail))

    def side_amounts(self, i: int, hm: HeaderMap, name: str = "jumlah") -> dict[str, Decimal | None]:
        sides = [AFTER] + ([BEFORE] if hm.before else [])
        return {s: self.amounts.get((i, s, name)) for s in sides}

    def context(self) -> dict[str, object]:
        out: dict[str, object] = {"kelompok": "", "keterangan": ""}
        for node in self.stack:
            if node.code is not None:
                out.update(kode_rekening=node.code.code, bagan_akun=node.code.chart,
                           kode_rekening_asli=node.raw_code, nama_rekening=node.text,
                           kelompok="", keterangan="")
            elif node.rank == 7:
                out.update(kelompok=node.text, keterangan="")
            else:
                out["keterangan"] = node.text
        return out

    def add_leaf(self, i: int, amounts: dict[str, Decimal | None], **text: object) -> None:
        rec = {"sumber_baris": self.sheet.row_numbers[i], **self.ctx, **self.context(), **text}
        for side in (AFTER, BEFORE):
            if side in amounts:
                value = amounts[side] if amounts[side] is not None else ZERO
                rec[_SIDE_NAME[side]] = value
                for node in self.stack:
                    node.computed[side] += value
                for acc in self.sums.values():
                    acc[side] += value
        for node in self.stack:
            node.has_child = True
        for acc in self.sums.values():
            acc["n"] += 1
        self.leaves.append(rec)
        self.last_leaf = rec

    # ------------------------------------------------------------ the tree
    def close(self, rank: int = 0, code: AccountCode | None = None) -> None:
        """Close open rows of rank >= ``rank`` (and accounts that do not cover ``code``)."""
        while self.stack:
            top = self.stack[-1]
            covers = code is None or top.code is None or code.startswith(top.code.code)
            if top.rank < rank and covers:
                break
            if top.has_child:
                self.check(top)
            elif not top.unreadable and any(v is not None for v in top.stated.values()):
                # a row with no children is itself a leaf (exports that stop at the account)
                self.add_leaf(top.i, top.stated, uraian="")
            self.stack.pop()

    def open(self, node: _Node) -> None:
        if self.stack:
            self.stack[-1].has_child = True
        self.stack.append(node)
        self.last_leaf = None

    def check(self, node: _Node) -> None:
        if all(v is None for v in node.stated.values()):
            return  # a subtotal row that states no amount (only a heading)
        for side, stated in node.stated.items():
            if side in node.unreadable:
                continue
            stated = stated if stated is not None else ZERO
            computed = node.computed[side]
            what = node.code.code if node.code else f"{_RANK_NAME[node.rank]} {node.text}"
            self.checks.append(check(
                "hierarchy_subtotal", self.sheet.name, self.sheet.row_numbers[node.i], stated, computed,
                f"subtotal {what} ({_SIDE_LABEL[side]}) tertulis {rupiah(stated)}, jumlah rinciannya "
                f"{rupiah(computed)}"))
            if stated != computed:
                self.finding("subtotal_mismatch", node.i,
                             f"subtotal {what} ({_SIDE_LABEL[side]}) tertulis {rupiah(stated)} "
                             f"tetapi jumlah rinciannya {rupiah(computed)}",
                             level=_RANK_NAME[node.rank], label=what, column=_SIDE_NAME[side],
                             stated=stated, computed=computed)

    def end_block(self) -> None:
        self.close()
        self.pending = None
        self.last_leaf = None

    # ------------------------------------------------------------ row kinds
    def preamble(self, key: str, value: str) -> None:
        if key != "tahun" and self.seen.get(key) != value:
            if self.in_table:
                # a changed preamble after a table opens the next sub kegiatan; an
                # unchanged one is the preamble repeated on a new page
                self.in_table = False
                self.end_block()
                self.sums["block"] = {AFTER: ZERO, BEFORE: ZERO, "n": 0}
            self.seen[key] = value
        if key == "tahun":
            year = year_in(["tahun anggaran " + value])
            if year:
                self.ctx["tahun"] = year
        elif key in _PREAMBLE_COLUMNS:
            code_col, name_col = _PREAMBLE_COLUMNS[key]
            self.ctx[code_col], self.ctx[name_col] = split_code_value(value)

    def total(self, i: int, hm: HeaderMap) -> None:
        self.in_table = True
        self.end_block()
        stated = self.side_amounts(i, hm)
        total = Total(i, stated)
        sides = [s for s in stated if (i, s, "jumlah") not in self.bad]
        for scope in ("block", "since", "sheet"):
            acc = self.sums[scope]
            if acc["n"] and all((stated[s] or ZERO) == acc[s] for s in sides):
                break
        else:
            scope = next((s for s in ("block", "since") if self.sums[s]["n"]), "sheet")
        acc = self.sums[scope]
        total.scope = {"block": "sub_kegiatan", "since": "bagian", "sheet": "lembar"}[scope]
        total.computed = {s: acc[s] for s in stated}
        for s in sides:
            self.checks.append(check(
                "total_row", self.sheet.name, self.sheet.row_numbers[i], stated[s] or ZERO, acc[s],
                f"JUMLAH ({_SIDE_LABEL[s]}) tertulis {rupiah(stated[s] or ZERO)}, jumlah baris "
                f"rinciannya {rupiah(acc[s])}"))
            if (stated[s] or ZERO) != acc[s]:
                self.finding("total_mismatch", i,
                             f"JUMLAH ({_SIDE_LABEL[s]}) tertulis {rupiah(stated[s] or ZERO)} "
                             f"tetapi jumlah baris rinciannya {rupiah(acc[s])}",
                             column=_SIDE_NAME[s], scope=total.scope,
                             stated=stated[s] or ZERO, computed=acc[s])
        self.totals.append(total)
        for k in ("block", "since"):
            self.sums[k] = {AFTER: ZERO, BEFORE: ZERO, "n": 0}

    def data(self, i: int, hm: HeaderMap) -> None:
        row = self.sheet.rows[i]
        self.in_table = True
        self.sides.update(self.side_amounts(i, hm))
        kode, uraian = cell_text(_at(row, hm.kode)), cell_text(_at(row, hm.uraian))
        jumlah = self.side_amounts(i, hm)
        has_amount = any(v is not None for v in jumlah.values()) or any(
            (i, s, "jumlah") in self.bad for s in jumlah)
        unreadable = {s for s in jumlah if (i, s, "jumlah") in self.bad}
        mark = marker(kode) or marker(uraian)
        if mark:
            rank = 7 if mark[0] == "#" else 8
            self.close(rank)
            self.open(_Node(rank, i, mark[1], stated=jumlah, unreadable=unreadable))
            self.pending = None
            return
        code = self.account(kode, uraian)
        if code is not None:
            acc, raw, name = code
            self.close(acc.code.count(".") + 1, acc)
            self.open(_Node(acc.code.count(".") + 1, i, name, acc, raw, jumlah, unreadable))
            self.pending = None
            return
        text = uraian or kode
        spec = spec_text(text)
        if spec is not None and not has_amount:
            if self.last_leaf is not None and "_spec" not in self.last_leaf:
                self.last_leaf["_spec"] = spec
            return
        if not has_amount and not self.quantity(i, hm):
            self.pending = (i, text) if text else None
            return
        name = text if spec is None else (self.pending[1] if self.pending else "")
        self.pending = None
        if unreadable:
            # the unreadable_amount finding keeps the row; its parents are still not leaves
            for node in self.stack:
                node.has_child = True
            return
        self.add_leaf(i, jumlah, uraian=name, **self.details(i, hm))
        if spec is not None:
            self.last_leaf["_spec"] = spec

    def account(self, kode: str, uraian: str) -> tuple[AccountCode, str, str] | None:
        raw, name = split_code_and_name(kode) if kode else (None, "")
        if raw is None and not kode:
            raw, name = split_code_and_name(uraian)
            # a component such as "5 Orang Narasumber" is not akun 5
            if raw is None or raw.count(".") < 1:
                return None
            return _normal(raw, self.chart, name)
        if raw is None:
            return None
        return _normal(raw, self.chart, name or uraian)

    def quantity(self, i: int, hm: HeaderMap) -> bool:
        return any(cell_text(hm.get(self.sheet.rows[i], s, f)) for s in (AFTER, BEFORE)
                   for f in ("koefisien", "harga"))

    def details(self, i: int, hm: HeaderMap) -> dict[str, object]:
        row = self.sheet.rows[i]
        # the revised side describes the line unless it was cut (then the Sebelum side)
        side = AFTER if any(cell_text(hm.get(row, AFTER, f)) for f in ("koefisien", "harga")) \
            or not hm.before else BEFORE
        return {"koefisien": cell_text(hm.get(row, side, "koefisien")),
                "satuan": cell_text(hm.get(row, side, "satuan")),
                "harga_satuan": self.amounts.get((i, side, "harga"))}


def _at(row: list[object], col: int) -> object:
    return row[col] if col < len(row) else ""


def _normal(raw: str, chart: str | None, name: str) -> tuple[AccountCode, str, str] | None:
    code = normalize_code(raw, chart)
    return (code, raw, name.strip()) if code is not None else None


def uraian_text(rec: dict[str, object]) -> str:
    name, spec = str(rec.get("uraian") or ""), str(rec.pop("_spec", "") or "")
    if not spec or spec == name:
        return name
    return f"{name} | Spesifikasi: {spec}" if name else f"Spesifikasi: {spec}"
