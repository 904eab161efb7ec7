"""Reading rule packs from TOML (tomllib): includes, user overrides by id, validation."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from efisiensi.categories._rules import (
    BUILTIN_SCOPES,
    CATEGORY_IDS,
    FIELD_GROUPS,
    KINDS,
    LEVELS,
    TEXT_FIELDS,
    Category,
    CodeSpec,
    Rule,
    RuleError,
    RulePack,
    Scope,
    words_regex,
)


def _check_regex(rule_id: str, patterns: tuple[str, ...]) -> None:
    if not patterns:
        return
    try:  # compile with RE2, the engine that will run it
        pc.match_substring_regex(pa.array([""], pa.string()), words_regex(patterns))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise RuleError(f"aturan {rule_id}: pola tidak sah ({exc})") from None


def _codes(rule_id: str, raw: Any) -> tuple[CodeSpec, ...]:
    if not raw:
        return ()
    if not isinstance(raw, Mapping):
        raise RuleError(f"aturan {rule_id}: 'codes' harus tabel per bagan akun")
    return tuple(CodeSpec.parse(chart, c) for chart, lst in raw.items() for c in lst)


def _fields(rule_id: str, raw: Any) -> tuple[str, ...]:
    out: list[str] = []
    for f in raw or ():
        out.extend(FIELD_GROUPS.get(f, (f,)))
    return tuple(out)


_RULE_KEYS = {"id", "category", "kind", "codes", "words", "fields", "mask", "unless", "scope",
              "level", "overrides", "unless_categories", "citation", "note", "named_terms"}


def _named(owner: str, raw: Any, patterns: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """``named_terms``: a table pattern -> source; every key must be one of the patterns."""
    if not raw:
        return ()
    if not isinstance(raw, Mapping):
        raise RuleError(f"{owner}: 'named_terms' harus tabel pola -> sumber")
    unknown = [k for k in raw if k not in patterns]
    if unknown:
        raise RuleError(f"{owner}: named_terms {unknown} bukan pola aturan ini")
    return tuple((str(k), str(v)) for k, v in raw.items())


def _rule(raw: Mapping[str, Any]) -> Rule:
    rid = str(raw.get("id", ""))
    unknown = set(raw) - _RULE_KEYS
    if not rid or unknown:
        raise RuleError(f"aturan {rid or '?'}: kunci tidak dikenal {sorted(unknown)} atau id kosong")
    kind = raw.get("kind", "text")
    if kind not in KINDS:
        raise RuleError(f"aturan {rid}: kind {kind!r} tidak dikenal (pakai {KINDS})")
    level = raw.get("level")
    for lv in ([level] if level else []) + list(raw.get("overrides", [])):
        if lv not in LEVELS:
            raise RuleError(f"aturan {rid}: level {lv!r} tidak dikenal (pakai {LEVELS})")
    rule = Rule(
        id=rid, category=str(raw.get("category", "")), kind=kind,
        codes=_codes(rid, raw.get("codes")), words=tuple(raw.get("words", ())),
        fields=_fields(rid, raw.get("fields", ["line"] if kind in ("text", "negative") else [])),
        mask=tuple(raw.get("mask", ())), unless=tuple(raw.get("unless", ())),
        scope=tuple(raw.get("scope", ("any",))), level=level,
        overrides=tuple(raw.get("overrides", ())),
        unless_categories=tuple(raw.get("unless_categories", ())),
        citation=str(raw.get("citation", "")), note=str(raw.get("note", "")),
    )
    rule = replace(rule, named_terms=_named(f"aturan {rid}", raw.get("named_terms"),
                                            rule.words + rule.mask + rule.unless))
    if not rule.category:
        raise RuleError(f"aturan {rid}: 'category' kosong")
    if kind in ("text", "negative") and not rule.words:
        raise RuleError(f"aturan {rid}: aturan teks tanpa 'words'")
    if kind in ("account", "remainder") and not rule.codes:
        raise RuleError(f"aturan {rid}: aturan akun tanpa 'codes'")
    for pats in (rule.words, rule.mask, rule.unless):
        _check_regex(rid, pats)
    return rule


def _scope(name: str, raw: Mapping[str, Any]) -> Scope:
    names = tuple(raw.get("except_names", ()))
    _check_regex(f"scope {name}", names)
    return Scope(name, _codes(name, raw.get("codes")), _codes(name, raw.get("except_codes")),
                 names, bool(raw.get("uncoded", False)),
                 _named(f"scope {name}", raw.get("named_terms"), names))


def _read(source: str | Path | Mapping[str, Any]) -> tuple[dict[str, Any], Path | None]:
    if isinstance(source, Mapping):
        return dict(source), None
    path = Path(source)
    if not path.suffix and not path.exists():  # a built-in pack name
        res = resources.files("efisiensi.categories").joinpath("rules", f"{source}.toml")
        if not res.is_file():
            raise RuleError(f"paket aturan tidak dikenal: {source!r}")
        return tomllib.loads(res.read_text(encoding="utf-8")), None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), path.parent
    except OSError as exc:
        raise RuleError(f"{path}: berkas aturan tidak dapat dibaca ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{path}: TOML tidak sah ({exc})") from None


def _merge(base: RulePack | None, data: Mapping[str, Any], origin: Path | None) -> RulePack:
    meta = data.get("pack", {})
    for inc in meta.get("include", ()):
        inc_src = origin / f"{inc}.toml" if origin and (origin / f"{inc}.toml").exists() else inc
        base = _merge(base, *_read(inc_src))
    cats = {c.id: c for c in (base.categories if base else ())}
    for c in data.get("category", ()):
        cats[c["id"]] = Category(c["id"], c.get("name", ""), c.get("profile", ""), c.get("citation", ""))
    scopes = {s.name: s for s in (base.scopes if base else ())}
    for name, raw in data.get("scope", {}).items():
        scopes[name] = _scope(name, raw)
    rules = {r.id: r for r in (base.rules if base else ())}
    for rid in meta.get("disable", ()):
        rules.pop(rid, None)
    for raw in data.get("rule", ()):
        rule = _rule(raw)
        rules[rule.id] = rule  # same id: the later file overrides
    pack = RulePack(meta.get("id", base.id if base else "custom"),
                    meta.get("title", base.title if base else ""),
                    tuple(cats.values()), tuple(scopes.values()), tuple(rules.values()))
    return pack


def _validate(pack: RulePack) -> RulePack:
    # Every pack knows the standard categories (output columns), in the standard order.
    known = {c.id: c for c in pack.categories}
    ordered = [known.get(c, Category(c)) for c in CATEGORY_IDS]
    ordered += [c for c in pack.categories if c.id not in CATEGORY_IDS]
    pack = replace(pack, categories=tuple(ordered))
    cat_ids = {c.id for c in pack.categories}
    scope_ids = {s.name for s in pack.scopes} | set(BUILTIN_SCOPES)
    for r in pack.rules:
        missing = ({r.category} | set(r.unless_categories)) - cat_ids
        if missing:
            raise RuleError(f"aturan {r.id}: kategori tidak dikenal {sorted(missing)}")
        if set(r.scope) - scope_ids:
            raise RuleError(f"aturan {r.id}: cakupan tidak dikenal {sorted(set(r.scope) - scope_ids)}")
        if set(r.fields) - set(TEXT_FIELDS):
            raise RuleError(f"aturan {r.id}: kolom tidak dikenal {sorted(set(r.fields) - set(TEXT_FIELDS))}")
    return pack


PackSource = str | Path | Mapping[str, Any] | RulePack


def load_pack(rules: PackSource = "inpres-1-2025",
              extra_rules: PackSource | Iterable[PackSource] | None = None) -> RulePack:
    """Load a built-in pack (by name), a TOML file, or a parsed mapping, then apply extras.

    ``extra_rules`` (a path, a mapping or a list of them) adds rules and categories or
    overrides them by id; ``[pack] disable = ["rule-id"]`` removes rules.

    >>> extra = {"rule": [{"id": "kata-kenduri", "category": "seremonial",
    ...                    "words": ["kenduri"], "scope": ["operating"]}]}
    >>> load_pack(extra_rules=extra).rule("kata-kenduri").fields
    ('uraian', 'kelompok', 'keterangan')
    """
    if isinstance(rules, RulePack):
        pack = rules
    elif isinstance(rules, str) and not Path(rules).suffix and not Path(rules).exists():
        pack = _builtin(rules)  # a shipped pack: parsed once per process (RulePack is frozen)
    else:
        pack = _merge(None, *_read(rules))
    if extra_rules is not None:
        extras = ([extra_rules] if isinstance(extra_rules, (str, Path, Mapping, RulePack))
                  else list(extra_rules))
        for extra in extras:
            if isinstance(extra, RulePack):
                merged = {r.id: r for r in pack.rules + extra.rules}
                pack = replace(pack, categories=pack.categories + extra.categories,
                               scopes=pack.scopes + extra.scopes, rules=tuple(merged.values()))
            else:
                pack = _merge(pack, *_read(extra))
    return _validate(pack)


@lru_cache(maxsize=8)
def _builtin(name: str) -> RulePack:
    return _merge(None, *_read(name))
