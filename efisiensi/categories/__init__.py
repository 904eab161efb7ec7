"""Categorise APBD line items for Inpres 1/2025 (and the S-37/MK.02/2025 profile).

Rules are data: TOML packs in ``efisiensi/categories/rules/`` (see ``list_rules``). The
account decides first where it is specific, the line's own text where the account is
generic, and operating costs inherit event categories from their sub kegiatan.

>>> import pandas as pd
>>> items = pd.DataFrame({
...     "kode_rekening": ["5.1.02.04.01.0005", "5.1.02.01.01.0052", "5.2.02.05.01.0001"],
...     "nama_rekening": ["Belanja Perjalanan Dinas Paket Meeting Luar Kota",
...                       "Belanja Makanan dan Minuman Rapat", "Belanja Modal Mebel"],
...     "nama_sub_kegiatan": ["Pelaksanaan Konsultasi Publik", "Fasilitasi Kunjungan Tamu",
...                           "Fasilitasi Kunjungan Tamu"],
...     "uraian": ["", "Jamuan rombongan", "Kursi tamu"],
... })
>>> out = categorize(items)
>>> out[["perjalanan_dinas", "seremonial", "rapat_seminar"]].values.tolist()
[[True, False, True], [False, True, True], [False, False, False]]
>>> out.loc[0, "kategori_alasan"].split("; ")[0]
'perjalanan_dinas: akun-perjalanan-dinas (5.1.02.04)'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from efisiensi.categories._engine import Engine, distinct
from efisiensi.categories._load import PackSource, load_pack
from efisiensi.categories._rules import (
    CATEGORY_IDS,
    INPRES_CATEGORIES,
    Category,
    Rule,
    RuleError,
    RulePack,
    Scope,
)

__all__ = [
    "CATEGORY_IDS", "INPRES_CATEGORIES", "PROVENANCE_KEY", "Category", "Rule", "RuleError",
    "RulePack", "Scope", "categorize", "list_rules", "load_pack",
]

#: Default key for ``pins``: the provenance columns written by the loaders.
PROVENANCE_KEY = ("sumber_file", "sumber_baris")
ALASAN = "kategori_alasan"


def _pin_table(pins: pd.DataFrame | Mapping[Any, Any], key: Sequence[str]) -> pd.DataFrame:
    if isinstance(pins, pd.DataFrame):
        missing = [k for k in (*key, "labels") if k not in pins.columns]
        if missing:
            raise RuleError(f"pins: kolom {missing} tidak ada")
        return pins[[*key, "labels"]]
    rows = []
    for k, labels in pins.items():
        k = k if isinstance(k, tuple) else (k,)
        if len(k) != len(key):
            raise RuleError(f"pins: kunci {k!r} tidak cocok dengan kolom kunci {list(key)}")
        rows.append((*k, labels))
    return pd.DataFrame(rows, columns=[*key, "labels"], dtype=object)


def _parse_labels(value: Any, known: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        parts = [p.strip() for p in value.replace(",", ";").split(";")]
    else:
        parts = [str(p).strip() for p in value]
    labels = frozenset(p for p in parts if p and p != "none")
    unknown = labels - set(known)
    if unknown:
        raise RuleError(f"pins: kategori tidak dikenal {sorted(unknown)}")
    return labels


def _apply_pins(out: pd.DataFrame, pins: Any, pin_key: str | Sequence[str] | None,
                cats: Sequence[str]) -> None:
    if pin_key is None:
        if not all(k in out.columns for k in PROVENANCE_KEY):
            raise RuleError("pins: tabel tidak punya sumber_file/sumber_baris; beri pin_key=")
        key: Sequence[str] = PROVENANCE_KEY
    else:
        key = (pin_key,) if isinstance(pin_key, str) else tuple(pin_key)
    missing = [k for k in key if k not in out.columns]
    if missing:
        raise RuleError(f"pins: kolom kunci {missing} tidak ada di tabel")
    table = _pin_table(pins, key)
    if table.empty:
        return
    # Compare keys as text so 12 (int) and "12" (from a CSV) are the same line.
    pin_index = pd.MultiIndex.from_arrays([table[k].astype("str") for k in key])
    row_index = pd.MultiIndex.from_arrays([out[k].astype("str") for k in key])
    which = pin_index.get_indexer_for(row_index) if pin_index.is_unique else None
    if which is None:
        raise RuleError("pins: kunci ganda")
    rows = np.flatnonzero(which >= 0)
    if rows.size == 0:
        return
    sets = [_parse_labels(v, cats) for v in table["labels"]]
    per_pin = {c: np.array([c in s for s in sets], dtype=bool) for c in cats}
    for c in cats:
        col = out[c].to_numpy(dtype=bool, copy=True)
        col[rows] = per_pin[c][which[rows]]
        out[c] = col
    text = np.array(["pinned: " + (";".join(c for c in cats if c in s) or "none") for s in sets],
                    dtype=object)
    alasan = out[ALASAN].to_numpy(dtype=object, copy=True)
    alasan[rows] = text[which[rows]]
    out[ALASAN] = alasan


def categorize(items: pd.DataFrame, rules: PackSource = "inpres-1-2025", *,
               extra_rules: PackSource | Iterable[PackSource] | None = None,
               pins: pd.DataFrame | Mapping[Any, Any] | None = None,
               pin_key: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Add one boolean column per category and an explanation column.

    Parameters
    ----------
    items : DataFrame
        Line items with (some of) ``kode_rekening``, ``nama_rekening``, ``nama_sub_kegiatan``,
        ``nama_kegiatan``, ``kelompok``, ``keterangan``, ``uraian`` and optionally
        ``bagan_akun`` ("90/2019", "13/2006" or empty: recognised from the code). Missing
        columns count as empty.
    rules : str, path, mapping or RulePack
        A built-in pack name (``"inpres-1-2025"``, ``"s37-mk02-2025"``) or a TOML file.
    extra_rules : path, mapping or list of them, optional
        User TOML rules that add rules/categories or override rules with the same id.
    pins : DataFrame or dict, optional
        Labels forced for given lines: a dict ``{key: "kategori;kategori"}`` or a DataFrame
        with the key column(s) and ``labels`` (``"none"`` clears every category). The key
        is ``pin_key`` (a column name or a list of them) or, by default, the provenance
        columns ``sumber_file``, ``sumber_baris`` (dict keys are then tuples).
    pin_key : str or list of str, optional
        Column(s) that identify a line for ``pins``.

    Returns
    -------
    DataFrame
        The rows of ``items`` (same index and columns) plus the category columns
        (``CATEGORY_IDS`` and any category a user pack adds) and ``kategori_alasan``:
        per label, the rule id and the code or words that matched, or ``pinned: ...``.
    """
    pack = load_pack(rules, extra_rules)
    cats = [c.id for c in pack.categories]  # CATEGORY_IDS first, then user categories
    d = distinct(_activity_rows_as_lines(_finest_activity(items)))
    flags, alasan = Engine(pack, d).run()
    out = items.copy()
    new = {c: flags[c][d.row_combo] for c in cats}
    new[ALASAN] = pd.array(alasan, dtype="str").take(d.row_combo)
    for name, values in new.items():
        out[name] = values
    if pins is not None:
        _apply_pins(out, pins, pin_key, cats)
    return out


def _finest_activity(items: pd.DataFrame) -> pd.DataFrame:
    """The kegiatan name counts as context only where a line has no sub kegiatan.

    A kegiatan groups several sub kegiatan ("Pelaksanaan Protokol dan Komunikasi Pimpinan"
    holds Keprotokolan, Komunikasi Pimpinan and Pendokumentasian Tugas Pimpinan): its words
    describe the group, not the line's own activity. Old-chart files and kegiatan-level tables
    have no sub kegiatan, and there the kegiatan is the finest activity.
    """
    if "nama_kegiatan" not in items or "nama_sub_kegiatan" not in items:
        return items
    has_sub = items["nama_sub_kegiatan"].fillna("").astype(str).str.strip() != ""
    if not has_sub.any():
        return items
    return items.assign(nama_kegiatan=items["nama_kegiatan"].where(~has_sub, ""))


_LINE_TEXT = ("uraian", "kelompok", "keterangan")
_ACCOUNT = ("kode_rekening", "nama_rekening")


def _blank(items: pd.DataFrame, name: str) -> np.ndarray:
    if name not in items:
        return np.ones(len(items), dtype=bool)
    return (items[name].fillna("").astype(str).str.strip() == "").to_numpy()


def _activity_rows_as_lines(items: pd.DataFrame) -> pd.DataFrame:
    """A row that *is* a whole activity reads its activity name as its own line text.

    Kegiatan-level tables (one row per kegiatan, no account, no package or component text)
    carry the activity name only in ``nama_kegiatan`` (or ``nama_sub_kegiatan``); there it is
    the line's own text, so the line rules (travel, honorarium, printing, publicity ...) must
    see it. The name is copied into ``uraian`` for matching only (the caller's table is not
    changed) and stays context as well. A row with an account or any line text keeps its
    activity names as context.
    """
    whole = np.logical_and.reduce([_blank(items, c) for c in (*_ACCOUNT, *_LINE_TEXT)])
    if not whole.any():
        return items
    name = pd.Series("", index=items.index, dtype=object)
    for col in ("nama_kegiatan", "nama_sub_kegiatan"):  # the finest name wins
        if col in items:
            text = items[col].fillna("").astype(str)
            name = name.where(text.str.strip() == "", text)
    if not (name.str.strip() != "").to_numpy()[whole].any():
        return items
    uraian = items["uraian"].fillna("").astype(str) if "uraian" in items else pd.Series("", index=items.index)
    return items.assign(uraian=uraian.where(~whole, name))


def list_rules(rules: PackSource = "inpres-1-2025", *,
               extra_rules: PackSource | Iterable[PackSource] | None = None) -> pd.DataFrame:
    """The rules of a pack as a table (for ``efisiensi categories``).

    >>> table = list_rules()
    >>> table.set_index("id").loc["akun-perjalanan-dinas", ["category", "kind", "matches"]].tolist()
    ['perjalanan_dinas', 'account', '90/2019: 5.1.02.04; 13/2006: 5.2.2.15']
    """
    pack = load_pack(rules, extra_rules)
    rows = []
    for r in pack.rules:
        by_chart: dict[str, list[str]] = {}
        for spec in r.codes:
            by_chart.setdefault(spec.chart, []).append(spec.text)
        matches = "; ".join(f"{ch}: {', '.join(v)}" for ch, v in by_chart.items())
        if r.words:
            words = " | ".join(r.words)
            matches = f"{matches}; " if matches else ""
            matches += f"{'/'.join(dict.fromkeys(r.fields))}: {words}"
        exclusions = "; ".join(filter(None, [
            "mask: " + " | ".join(r.mask) if r.mask else "",
            "unless: " + " | ".join(r.unless) if r.unless else "",
            "unless categories: " + ", ".join(r.unless_categories) if r.unless_categories else "",
            "removes levels: " + ", ".join(r.overrides) if r.overrides else ""]))
        rows.append({"id": r.id, "category": r.category, "kind": r.kind, "matches": matches,
                     "scope": ", ".join(r.scope) if r.kind in ("text", "negative") else "",
                     "exclusions": exclusions, "level": r.level or "",
                     "citation": r.citation, "note": r.note,
                     "named_terms": "; ".join(f"{p}: {src}" for p, src in r.named_terms)})
    return pd.DataFrame(rows, columns=["id", "category", "kind", "matches", "scope", "exclusions",
                                       "level", "citation", "note", "named_terms"])
