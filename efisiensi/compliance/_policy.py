"""Policies as data: which categories must fall, by how much, on which lines.

A policy is a TOML file (``efisiensi/compliance/policies/*.toml`` ship with the package;
users pass their own path). It names its legal source, the rule pack that labels the
lines, and a list of targets. A target has a ``kind``:

* ``numeric`` — cut by at least ``cut_pct`` % of the baseline (met / not_met);
* ``directional`` — must fall, no percentage (decreased / unchanged / increased);
* ``report`` — shown with the same statuses, no obligation attached.

A target may be scoped the way Pemda apply them: to funding sources
(``sumber_dana`` exact names, ``sumber_dana_pattern`` regex), to ``accounts`` (code
prefixes, compared segment by segment), and with ``exclude_skpd`` /
``exclude_sub_unit`` (case-insensitive regex on the code or the name). A
``[defaults.scope]`` table applies to every target that does not set its own.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path

from .._errors import LoadError

KINDS = ("numeric", "directional", "report")


@dataclass(frozen=True)
class Scope:
    sumber_dana: tuple[str, ...] = ()
    sumber_dana_pattern: str | None = None
    accounts: tuple[str, ...] = ()
    exclude_skpd: tuple[str, ...] = ()
    exclude_sub_unit: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = []
        if self.sumber_dana:
            parts.append("sumber dana: " + " | ".join(self.sumber_dana))
        if self.sumber_dana_pattern:
            parts.append(f"sumber dana ~ {self.sumber_dana_pattern}")
        if self.accounts:
            parts.append("rekening: " + ", ".join(self.accounts))
        if self.exclude_skpd:
            parts.append("kecuali SKPD ~ " + " | ".join(self.exclude_skpd))
        if self.exclude_sub_unit:
            parts.append("kecuali sub unit ~ " + " | ".join(self.exclude_sub_unit))
        return "; ".join(parts)


@dataclass(frozen=True)
class Target:
    id: str
    category: str | None
    kind: str
    cut_pct: Decimal | None
    citation: str
    scope: Scope = field(default_factory=Scope)

    @property
    def label(self) -> str:
        """The category id where there is one, else the target id."""
        return self.category or self.id


@dataclass(frozen=True)
class Policy:
    id: str
    version: str
    name: str
    legal_source: str
    rules: str
    targets: tuple[Target, ...]
    path: str

    def target(self, target_id: str) -> Target:
        for t in self.targets:
            if t.id == target_id:
                return t
        raise KeyError(target_id)


def list_policies() -> list[str]:
    """Names of the policies shipped with efisiensi.

    >>> list_policies()
    ['inpres-1-2025', 's37-2025']
    """
    folder = resources.files(__package__) / "policies"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def _scope(raw: dict, where: str) -> Scope:
    def tup(key: str) -> tuple[str, ...]:
        v = raw.get(key, ())
        return (v,) if isinstance(v, str) else tuple(str(x) for x in v)

    for pat in (*tup("exclude_skpd"), *tup("exclude_sub_unit"), raw.get("sumber_dana_pattern") or ""):
        try:
            re.compile(pat)
        except re.error as err:
            raise LoadError(f"pola {pat!r} tidak sah: {err}", file=where) from None
    unknown = set(raw) - {"sumber_dana", "sumber_dana_pattern", "accounts", "exclude_skpd", "exclude_sub_unit"}
    if unknown:
        raise LoadError(f"kunci scope tidak dikenal: {', '.join(sorted(unknown))}", file=where)
    return Scope(tup("sumber_dana"), raw.get("sumber_dana_pattern"), tup("accounts"),
                 tup("exclude_skpd"), tup("exclude_sub_unit"))


def load_policy(policy: str | Path | Policy) -> Policy:
    """Load a shipped policy by name or a user policy file by path.

    >>> p = load_policy("inpres-1-2025")
    >>> p.target("perjalanan_dinas").cut_pct
    Decimal('50')
    """
    if isinstance(policy, Policy):
        return policy
    name = str(policy)
    if name in list_policies():
        path = resources.files(__package__) / "policies" / f"{name}.toml"
        text, where = path.read_text(encoding="utf-8"), f"{name}.toml"
    else:
        p = Path(name)
        if not p.is_file():
            raise LoadError(f"kebijakan tidak dikenal; pilih salah satu dari {', '.join(list_policies())} "
                            "atau beri path berkas .toml", file=name)
        text, where = p.read_text(encoding="utf-8"), str(p)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise LoadError(f"berkas kebijakan tidak sah: {err}", file=where) from None
    for key in ("id", "legal_source", "target"):
        if key not in raw:
            raise LoadError(f"berkas kebijakan tidak memuat '{key}'", file=where)
    defaults = raw.get("defaults", {}).get("scope", {})
    targets = []
    for i, t in enumerate(raw["target"], start=1):
        kind = t.get("kind", "numeric" if "cut_pct" in t else "directional")
        if kind not in KINDS:
            raise LoadError(f"target #{i}: kind harus salah satu dari {', '.join(KINDS)}", file=where)
        cut = t.get("cut_pct")
        cut_pct = Decimal(str(cut)) if cut is not None else None
        if kind == "numeric" and (cut_pct is None or not Decimal(0) < cut_pct <= Decimal(100)):
            raise LoadError(f"target #{i} ({t.get('id')}): cut_pct harus antara 0 dan 100", file=where)
        if "id" not in t:
            raise LoadError(f"target #{i} tidak memiliki id", file=where)
        scope = _scope({**defaults, **t.get("scope", {})}, where)
        targets.append(Target(t["id"], t.get("category"), kind, cut_pct if kind == "numeric" else None,
                              t.get("citation", ""), scope))
    ids = [t.id for t in targets]
    if len(set(ids)) != len(ids):
        raise LoadError("id target harus unik", file=where)
    return Policy(raw["id"], str(raw.get("version", "")), raw.get("name", raw["id"]), raw["legal_source"],
                  raw.get("rules", "inpres-1-2025"), tuple(targets), where)
