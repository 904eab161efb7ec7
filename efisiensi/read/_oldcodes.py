"""Codes and layout of old (Permendagri 13/2006) penjabaran files.

This helper of :mod:`efisiensi.read.penjabaran` splits the prefixed row codes and
finds the preamble, the header and the amount columns.

A penjabaran row code glues the urusan, the organisation, the program and the
kegiatan before the account, in several spellings of the same structure::

    117  11701  0118  5221502          space groups; compact account
    1.20 . 1.20.03 . 00.00 . 4.1.2     dotted groups
    1.01.1.01.01.00.00.5.1.1.          flat, trailing dot
    1.13.1.13.01.000.000.5             Kota Yogyakarta 3-digit program/kegiatan
    1.19.1.19.04.00.00.002.511         Sleman: 4-segment organisation, compact account
    4 . 1 . 1 . 01                     account only (ringkasan)

:func:`parse_old_code` returns the prefix segments (as written) and the account
segments (as integers); where one ends and the other begins is found from the
shape of the account, never by slicing at a fixed position.

>>> c = parse_old_code("117  11701  0118  5221502 ")
>>> c.prefix, c.account
(('1', '17', '1', '17', '01', '01', '18'), (5, 2, 2, 15, 2))
>>> parse_old_code("1.01.1.01.01.00.00.5.1.1.").account
(5, 1, 1)
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from .codes import CHART_2006, format_segments, split_compact
from .headers import match_header, normalize_header, resolve_amounts

#: Account roots: 4 pendapatan, 5 belanja, 6 pembiayaan; 7-9 are accrual (LO) rows.
ACCOUNT_ROOTS = frozenset("456789")
BUDGET_ROOTS = frozenset({4, 5, 6})

_CODE_LIKE = re.compile(r"^[0-9][0-9 .]*$")
_GROUPS = re.compile(r"\s{2,}")
_DOT_SPACES = re.compile(r"\s*\.\s*")
# whitespace left inside a dotted code: after a full segment it stands for a
# missing dot ("203.002 5.2"); after a lone digit it is a stray space ("0 1.013")
_INNER_SPACE = re.compile(r"(\d+)\s+(?=\d)")


@dataclass(frozen=True)
class OldCode:
    """A penjabaran code split into its prefix and its account part."""

    raw: str
    prefix: tuple[str, ...]
    account: tuple[int, ...]

    @property
    def is_account(self) -> bool:
        return bool(self.account)

    @property
    def account_code(self) -> str:
        """The account part in the canonical 13/2006 spelling (``5.2.2.15.01``)."""
        return format_segments(list(self.account), CHART_2006) if self.account else ""


def is_code_like(text: object) -> bool:
    """True for a cell that holds only digits, dots and spaces."""
    return isinstance(text, str) and bool(_CODE_LIKE.match(text.strip().rstrip(".")))


def _account_ok(segs: list[str]) -> bool:
    # 13/2006 widths are 1.1.1.2.2; Gunungkidul writes a 3-digit rincian
    if not segs or len(segs) > 6 or segs[0] not in ACCOUNT_ROOTS or len(segs[0]) != 1:
        return False
    limits = (1, 1, 1, 2, 3, 4)
    return all(1 <= len(s) <= limits[i] for i, s in enumerate(segs))


def _from_groups(groups: list[str]) -> tuple[list[str], tuple[int, ...]] | None:
    """``117  11701  0118  5221502`` → prefix strings and account integers."""
    if not all(g.isdigit() for g in groups) or len(groups[0]) != 3 or len(groups) < 2:
        return None
    prefix = [groups[0][0], groups[0][1:]]
    org = groups[1]
    if len(org) != 5:
        return None
    prefix += [org[0], org[1:3], org[3:]]
    rest = groups[2:]
    if rest:
        pk = rest[0]
        if len(pk) not in (2, 4):
            return None
        prefix += [pk[:2]] + ([pk[2:]] if len(pk) == 4 else [])
        rest = rest[1:]
    account: tuple[int, ...] = ()
    if rest:
        segs = split_compact(rest[0]) if len(rest) == 1 else None
        if not segs:
            return None
        account = tuple(segs)
    return prefix, account


def parse_old_code(text: object, *, account_only: bool = False) -> OldCode | None:
    """Split a penjabaran code; ``None`` when the cell is not a code.

    ``account_only`` reads the whole code as an account (ringkasan files whose
    codes carry no prefix, and whose roots may be 1/2/3).

    >>> parse_old_code("1.20 . 1.20.03 . 00.00 . 4.1.2").account_code
    '4.1.2'
    >>> parse_old_code("2.05.2.05.01.00.00.4.1.2.02.06. ").account_code
    '4.1.2.02.06'
    >>> parse_old_code("1.13.1.13.01.000.000.5").prefix[-2:]
    ('000', '000')
    >>> parse_old_code("1.02.1.02.01.00.00.5.2.2.06.002.").account_code
    '5.2.2.06.02'
    >>> parse_old_code("1.06.1.06.01.00.00.002.511").account
    (5, 1, 1)
    >>> parse_old_code("1.01 . 1.01.02 . 17.05").is_account
    False
    >>> parse_old_code("4 . 1 . 1 . 01", account_only=True).account_code
    '4.1.1.01'
    >>> parse_old_code("Belanja Pegawai") is None
    True
    """
    if not isinstance(text, str) or not is_code_like(text):
        return None
    raw = text.strip()
    s = raw.rstrip(". ")
    if "." not in s and _GROUPS.search(s):
        got = _from_groups(_GROUPS.split(s))
        if got is None:
            return None
        return OldCode(raw, tuple(got[0]), got[1])
    s = _DOT_SPACES.sub(".", s)
    s = _INNER_SPACE.sub(lambda m: m.group(1) + ("." if len(m.group(1)) > 1 else ""), s)
    segs = [p for p in s.split(".") if p != ""]
    if not segs or not all(p.isdigit() for p in segs):
        return None
    if account_only:
        if len(segs) > 6 or any(len(p) > 4 for p in segs):
            return None
        if len(segs[0]) > 1:  # APBDes kegiatan numbers ("01.02") are not accounts
            return OldCode(raw, tuple(segs), ())
        return OldCode(raw, (), tuple(int(p) for p in segs))
    if len(segs) <= 6 and _account_ok(segs) and segs[0] in "456":
        return OldCode(raw, (), tuple(int(p) for p in segs))
    for i in range(5, len(segs)):
        if _account_ok(segs[i:]):
            return OldCode(raw, tuple(segs[:i]), tuple(int(p) for p in segs[i:]))
    # Sleman glues the account without dots after an 8-segment prefix
    if len(segs) >= 9 and segs[-1][0] in "456" and len(segs[-1]) >= 2:
        compact = split_compact(segs[-1])
        if compact:
            return OldCode(raw, tuple(segs[:-1]), tuple(compact))
    return OldCode(raw, tuple(segs), ())


def descends(child: tuple[int, ...], parent: tuple[int, ...]) -> bool:
    """Segment-wise proper-prefix test on account integers.

    >>> descends((5, 2, 2, 15, 1), (5, 2, 2, 15)), descends((5, 2, 2, 1), (5, 2, 2, 15))
    (True, False)
    """
    return len(child) > len(parent) and child[: len(parent)] == parent


# ------------------------------------------------------------------ layout

_ECONOMIC = {"pegawai", "barang jasa", "modal"}


def preamble_key(cell: object) -> str | None:
    k = normalize_header(cell).replace(" ", "")
    if k.startswith("judul"):
        return "judul"
    if k in ("daerah", "kabupaten", "kota", "propinsi", "provinsi"):
        return "daerah"
    if k.startswith("tahun"):
        return "tahun"
    if k.startswith("kode") and ("org" in k or "ora" in k):
        return "kode_org"
    if "org" in k or k == "namadinas":
        return "nama_org"
    if k.startswith("kolom"):
        return "kolom"
    return None


def _split(text: str, delim: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text), delimiter=delim), [])
    except csv.Error:
        return text.split(delim)


def _plausible(fields: list[str]) -> bool:
    first = fields[0].strip() if fields else ""
    return (not first or is_code_like(first) or preamble_key(first) is not None
            or match_header(first) is not None)


def repair(row: list[str]) -> list[str] | None:
    """Re-split a record the grid split on the wrong separator (see module report).

    >>> repair(["1.19 . 1.19.03 . 05 . 01 . 5 . 2 . 2 . 35 ;Jasa Narasumber", " Ahli;12;"])
    ['1.19 . 1.19.03 . 05 . 01 . 5 . 2 . 2 . 35 ', 'Jasa Narasumber, Ahli', '12', '']
    >>> repair(['Judul,Penjabaran APBD,,,', '', ''])
    ['Judul', 'Penjabaran APBD', '', '', '']
    """
    trimmed = list(row)
    while trimmed and not trimmed[-1].strip():
        trimmed.pop()
    if not trimmed:
        return None
    c0 = trimmed[0]
    if len(trimmed) == 1:
        if "," not in c0 and ";" not in c0:
            return None
        delim = ";" if c0.count(";") > c0.count(",") else ","
        fields = _split(c0, delim)
    elif ";" in c0:
        fields = _split(",".join(trimmed), ";")
    elif "," in c0:
        fields = _split(";".join(trimmed), ",")
    else:
        return None
    return fields if len(fields) >= 2 and _plausible(fields) else None


@dataclass
class Layout:
    header: int
    code: int
    uraian: int
    amounts: dict[int, str]  # column -> anggaran / anggaran_sebelum
    keterangan: int | None
    meta: dict[str, str]
    economic: bool = False


#: the rows :func:`find_layout` looks for the header in
LAYOUT_ROWS = 60


def find_layout(rows: list[list[str]], limit: int = LAYOUT_ROWS) -> Layout | None:
    meta: dict[str, str] = {}
    for i, row in enumerate(rows[:limit]):
        roles = dict(enumerate(map(match_header, row)))
        code = [j for j, r in roles.items() if r == "kode_rekening"] or \
               [j for j, r in roles.items() if r == "_no"]
        uraian = [j for j, r in roles.items() if r == "uraian"]
        money = {j: r for j, r in roles.items() if r and r.startswith("$")}
        if code and uraian and money:
            names = {j: normalize_header(c) for j, c in enumerate(row)}
            ket = [j for j, r in roles.items() if r == "keterangan"] or \
                  [j for j, n in names.items() if n == "dasar hukum"]
            return Layout(i, code[0], uraian[0], resolve_amounts(money, names),
                           ket[0] if ket else None, meta,
                           economic=bool(_ECONOMIC & set(names.values())))
        key = preamble_key(row[0]) if row else None
        if key and key not in meta:
            meta[key] = ", ".join(c.strip() for c in row[1:] if c.strip())
    return None


def organisation(meta: dict[str, str]) -> tuple[str, str]:
    kode, nama = meta.get("kode_org", ""), meta.get("nama_org", "")
    if kode and not re.match(r"^\s*\d", kode) and re.match(r"^\s*\d", nama):
        kode, nama = nama, kode  # Bantul 2015 swapped the two keys
    m = re.match(r"^\s*([0-9][0-9.]*)\s*(?:[-\u2013]\s*(.*))?$", kode)
    if m:
        kode, nama = m.group(1).rstrip("."), nama or (m.group(2) or "").strip()
    return ("" if kode.strip() in ("", "0") else kode.strip()), nama.strip()


_NUMBER_LIKE = re.compile(r"^\s*\(?\s*-?\s*(rp\.?)?\s*[0-9]", re.I)


def unsplit_name(row: list[str], lay: Layout) -> list[str]:
    """Re-join an Uraian cut by an unquoted comma, which shifts the amounts right.

    >>> lay = Layout(0, 0, 1, {2: "anggaran"}, 3, {})
    >>> unsplit_name(["1.06 . 01 . 28", "Rapat-Rapat", " Konsultasi", "100", ""], lay)
    ['1.06 . 01 . 28', 'Rapat-Rapat, Konsultasi', '100', '']
    """
    first = min(lay.amounts, default=None)
    if first is None or first <= lay.uraian or first >= len(row):
        return row
    cell = row[first].strip()
    if not cell or cell.startswith("#") or _NUMBER_LIKE.match(cell):
        return row  # empty, a spreadsheet error (#REF!) or a number: not a cut name
    for k in (1, 2, 3):
        if first + k < len(row) and _NUMBER_LIKE.match(row[first + k]):
            name = ",".join(row[lay.uraian: lay.uraian + k + 1])
            return row[: lay.uraian] + [name] + row[lay.uraian + k + 1:]
    return row
