"""Rule packs: frozen dataclasses loaded from TOML, with includes and overrides by id.

A pack holds categories, named account scopes and rules. Rule kinds:

``account``
    fires when the normalised account code starts with one of ``codes`` (per chart).
``text``
    fires when one of ``words`` occurs in a text field (``fields``) of a line whose account
    lies in one of the ``scope`` sets; ``mask`` phrases are blanked first, ``unless`` vetoes.
``negative``
    removes its category from the evidence ``levels`` it ``overrides``.
``remainder``
    fires inside ``codes`` when none of ``unless_categories`` fired (S-37 "lainnya").

Every pattern is general vocabulary that decides more than one distinct real text, or a
named term listed in the rule's ``named_terms`` table with its source (a regulation's own
word, a nomenclature sub kegiatan or account name, an exclusion CATEGORIES.md names);
``tests/test_rule_footprint.py`` checks it on the real data.

>>> spec = CodeSpec.parse("90/2019", "5.1.02.02.01.0006-0012")
>>> spec.matches("90/2019", (5, 1, 2, 2, 1, 8)), spec.matches("13/2006", (5, 1, 2, 2, 1, 8))
(True, False)

Loading, including and merging packs is in ``_load.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from efisiensi._errors import EfisiensiError

LINE_FIELDS = ("uraian", "kelompok", "keterangan")
CONTEXT_FIELDS = ("nama_sub_kegiatan", "nama_kegiatan")
ACCOUNT_FIELDS = ("nama_rekening",)
FIELD_GROUPS = {"line": LINE_FIELDS, "context": CONTEXT_FIELDS, "account": ACCOUNT_FIELDS}
TEXT_FIELDS = ACCOUNT_FIELDS + LINE_FIELDS + CONTEXT_FIELDS
#: Evidence levels, strongest first; a field's group gives the level of a text hit.
LEVELS = ("fixed", "account", "line", "context")
KINDS = ("account", "text", "negative", "remainder")
CHARTS = ("90/2019", "13/2006")
BUILTIN_SCOPES = ("any", "uncoded")
#: The eight categories of Inpres 1/2025 Diktum KEEMPAT points 1-3.
INPRES_CATEGORIES = ("perjalanan_dinas", "honorarium", "seremonial", "studi_banding", "kajian",
                     "pencetakan", "publikasi", "rapat_seminar")
#: Every output column, in order: Inpres, then S-37-only items, then report-only points.
CATEGORY_IDS = INPRES_CATEGORIES + (
    "atk", "diklat_bimtek", "sewa", "lisensi_aplikasi", "jasa_konsultan", "bantuan_pemerintah",
    "pemeliharaan", "peralatan_mesin", "infrastruktur", "lainnya", "pendukung", "hibah_kl")


class RuleError(EfisiensiError, ValueError):
    """A rule pack that cannot be used (unknown key, bad regex, unknown scope ...)."""


@dataclass(frozen=True)
class CodeSpec:
    """One account-code prefix of one chart; ``5.1.02.02.01.0006-0012`` is a range."""

    chart: str
    text: str
    head: tuple[int, ...]
    last_max: int | None = None

    @classmethod
    def parse(cls, chart: str, text: str) -> CodeSpec:
        if chart not in CHARTS:
            raise RuleError(f"bagan akun tidak dikenal: {chart!r} (pakai {CHARTS})")
        body, _, upper = text.strip().partition("-")
        try:
            head = tuple(int(s) for s in body.strip(".").split("."))
            last_max = int(upper) if upper else None
        except ValueError:
            raise RuleError(f"kode rekening tidak sah di aturan: {text!r}") from None
        return cls(chart, text.strip(), head, last_max)

    def matches(self, chart: str, segments: tuple[int, ...]) -> bool:
        """Segment-wise prefix test (and range on the last segment of the prefix)."""
        n = len(self.head)
        if chart != self.chart or len(segments) < n:
            return False
        if self.last_max is None:
            return segments[:n] == self.head
        return segments[: n - 1] == self.head[:-1] and self.head[-1] <= segments[n - 1] <= self.last_max


@dataclass(frozen=True)
class Scope:
    """A named set of accounts: prefixes, exceptions, and account-name exceptions."""

    name: str
    codes: tuple[CodeSpec, ...] = ()
    except_codes: tuple[CodeSpec, ...] = ()
    except_names: tuple[str, ...] = ()
    uncoded: bool = False
    named_terms: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Category:
    """A category id with its display name, profile (inpres/s37/report) and citation."""

    id: str
    name: str = ""
    profile: str = ""
    citation: str = ""


@dataclass(frozen=True)
class Rule:
    """One rule of a pack (see the module docstring for the kinds)."""

    id: str
    category: str
    kind: str
    codes: tuple[CodeSpec, ...] = ()
    words: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    mask: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    scope: tuple[str, ...] = ("any",)
    level: str | None = None
    overrides: tuple[str, ...] = ()
    unless_categories: tuple[str, ...] = ()
    citation: str = ""
    note: str = ""
    #: (pattern, source) for patterns kept as named terms (see ``_footprint.py``)
    named_terms: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RulePack:
    """Categories, scopes and rules, already merged (includes and overrides applied)."""

    id: str
    title: str
    categories: tuple[Category, ...]
    scopes: tuple[Scope, ...]
    rules: tuple[Rule, ...]

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def scope(self, name: str) -> Scope:
        for s in self.scopes:
            if s.name == name:
                return s
        raise KeyError(name)


def words_regex(words: Iterable[str]) -> str:
    """Join word patterns into one RE2 pattern with word boundaries.

    >>> words_regex(["honor", "nara ?sumber"])
    '\\\\b(?:honor|nara ?sumber)\\\\b'
    """
    return r"\b(?:" + "|".join(words) + r")\b"
