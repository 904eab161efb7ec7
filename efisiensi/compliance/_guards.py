"""Stage guard rails: what must be true of the sources of each stage before they are added.

Run once per audit, on the loaded tables of the baseline and revised stages:

* one file given in two stages (the same path, or a hard link to it) is refused;
* the same content twice in a stage (same SHA-256, or the same sheet content in two
  files or sheets) is counted once, with a ``duplicate_source`` finding naming both;
* files of one stage that hold the same lines are two versions of one budget (an
  earlier export, a draft): refused, naming them, instead of being added;
* different years in one stage are refused (``multi_year=True`` adds them, said);
* a realisasi file is never taken as a budget stage;
* identical stages (``stages_identical``: "revisi sama dengan baseline"), stage names
  contradicting the order given (``stage_order``), different stage names in one stage
  (``stage_mixed``) and stages of different years (``stage_years_differ``) are findings.

The tables are never changed in place: a guarded copy comes back, with its findings
appended to ``attrs["findings"]`` so they travel with the stage they concern.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import PurePath

import pandas as pd

from .._errors import Finding, LoadError
from ..read.stages import REALISASI, Stage, stage_from_name, year_from_name
from ._compare import LINE_KEY, key_column

#: Share of a file's line keys found in another file of the same stage above which the
#: two are versions of one budget, not parts of it (parts split by SKPD share none).
OVERLAP_VERSIONS = 0.5

_CONTENT = [c for c in ("tahun", *LINE_KEY, "kode_program", "kode_kegiatan", "kode_sumber_dana",
                        "koefisien", "satuan", "harga_satuan", "anggaran", "anggaran_sebelum")]


def _name(path: str) -> str:
    return PurePath(str(path).replace("\\", "/")).name


def _names(paths: list[str], most: int = 3) -> str:
    """File names for a one-line message: the first few, then how many more."""
    names = [_name(p) for p in paths]
    more = f" … (+{len(names) - most} berkas)" if len(names) > most else ""
    return ", ".join(names[:most]) + more


@dataclass
class _Part:
    """One file of a stage, as the guards see it."""

    path: str
    sha256: str | None
    years: set[int] = field(default_factory=set)
    year_source: str = ""
    stage: Stage | None = None
    listed: bool = False  # among the stage's inputs (attrs["sources"]), not only named by its rows


def _parts(table: pd.DataFrame) -> list[_Part]:
    shas = {s["path"]: s.get("sha256") for s in (table.attrs.get("sources") or [])}
    files = list(dict.fromkeys([*shas, *table["sumber_file"].unique()]))
    years = table.groupby("sumber_file", sort=False)["tahun"].agg(lambda s: set(s.dropna().astype(int)))
    out = []
    for f in files:
        p = _Part(f, shas.get(f), listed=f in shas)
        content = years.get(f, set())
        if content:
            p.years, p.year_source = set(content), "kolom TAHUN"
        elif (y := year_from_name(f)) is not None:
            p.years, p.year_source = {y.value}, y.source
        det = stage_from_name(f)
        p.stage = det.value if det else None
        if "tahap" in table and (t := set(table.loc[table["sumber_file"] == f, "tahap"]) - {""}) and len(t) == 1:
            p.stage = Stage(t.pop(), 0, "")  # the reader's own reading of the content wins
        out.append(p)
    return out


def _fingerprints(table: pd.DataFrame) -> pd.Series:
    """SHA-256 of each (file, sheet)'s lines, position in the sheet left out."""
    if table.empty:
        return pd.Series(dtype=object)
    frame = table[[c for c in _CONTENT if c in table]].copy(deep=False)
    for c in ("tahun", "harga_satuan", "anggaran", "anggaran_sebelum"):
        if c in frame:
            frame[c] = frame[c].astype("string")
    h = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    groups = table.groupby(["sumber_file", "sumber_sheet"], sort=False).indices
    return pd.Series({k: hashlib.sha256(h[idx].tobytes()).hexdigest() for k, idx in groups.items()}, dtype=object)


def _dedupe(table: pd.DataFrame, parts: list[_Part], found: list[Finding]) -> tuple[pd.DataFrame, pd.Series]:
    """The stage without its repeated content, and the fingerprints of what is kept."""
    drop: set[tuple[str, str | None]] = set()
    first: dict[str, str] = {}
    for p in parts:
        if p.sha256 is None:
            continue
        if p.sha256 in first:
            found.append(Finding("duplicate_source", f"isi berkas sama persis dengan {_name(first[p.sha256])} "
                                 "(SHA-256 sama); dihitung sekali", p.path, severity="warning",
                                 detail={"duplicate_of": first[p.sha256], "sha256": p.sha256}))
            drop.add((p.path, None))
        else:
            first[p.sha256] = p.path
    gone = {f for f, _ in drop}
    prints = _fingerprints(table)
    prints = prints[[f not in gone for f, _ in prints.index]] if len(prints) else prints
    seen: dict[str, tuple[str, str]] = {}
    keep = []
    for (f, sheet), fp in prints.items():
        if fp in seen:
            of = seen[fp]
            where = f"{_name(of[0])}" + (f" sheet {of[1]}" if of[1] else "")
            found.append(Finding("duplicate_source", f"isi sheet sama dengan {where}; dihitung sekali",
                                 f, sheet or None, severity="warning", detail={"duplicate_of": list(of)}))
            drop.add((f, sheet))
            keep.append(False)
        else:
            seen[fp] = (f, sheet)
            keep.append(True)
    prints = prints[keep] if len(prints) else prints
    if not drop:
        return table, prints
    mask = pd.Series(False, index=table.index)
    for f, sheet in drop:
        m = table["sumber_file"] == f
        mask |= m if sheet is None else m & (table["sumber_sheet"] == sheet)
    out = table.loc[~mask].reset_index(drop=True)
    out.attrs = table.attrs
    return out, prints


def _versions(table: pd.DataFrame, stage: str) -> None:
    """Refuse files of one stage that hold mostly the same lines (two versions of one budget)."""
    files = table["sumber_file"].unique()
    if len(files) < 2:
        return
    keys = pd.DataFrame({c: key_column(table, c) for c in ("kode_skpd", "kode_sub_unit", "kode_sub_kegiatan",
                                                            "sumber_dana", "kode_rekening")})
    keys["tahun"] = table["tahun"].astype("string").fillna("")  # the same lines in two years are two years
    keys["anggaran"] = table["anggaran"].astype("string")  # unchanged lines of two exports: same amount
    keys = keys.assign(_h=pd.util.hash_pandas_object(keys, index=False).to_numpy(), _f=table["sumber_file"].to_numpy())
    keys = keys.loc[(table["kode_rekening"] != "").to_numpy(), ["_h", "_f"]].drop_duplicates()
    if keys.empty:
        return
    n_files = keys.groupby("_h")["_f"].transform("size")
    shared = keys.assign(_shared=n_files > 1).groupby("_f", sort=False)["_shared"].mean()
    over = shared[shared > OVERLAP_VERSIONS]
    if len(over) < 2:
        return
    names = _names(list(over.index), most=4)
    raise LoadError(f"tahap {stage}: berkas {names} memuat baris yang sama (dua versi anggaran yang sama, "
                    "bukan bagian-bagiannya); pilih satu berkas per tahap")


def _years(parts: list[_Part], stage: str, multi_year: bool, found: list[Finding]) -> set[int]:
    years = sorted({y for p in parts for y in p.years})
    if len(years) > 1:
        by_year = "; ".join(f"{y}: " + _names([p.path for p in parts if y in p.years]) for y in years)
        if not multi_year:
            raise LoadError(f"tahap {stage} memuat beberapa tahun anggaran ({by_year}); beri satu tahun per "
                            "tahap (tahun=…), atau multi_year=True untuk menjumlahkannya dengan sadar")
        found.append(Finding("multi_year", f"tahap {stage} menjumlahkan beberapa tahun atas permintaan "
                             f"(multi_year=True): {by_year}", severity="warning"))
    return set(years)


def _stages_named(parts: list[_Part], stage: str, found: list[Finding]) -> list[Stage]:
    for p in parts:
        if p.stage is not None and p.stage.tahap == REALISASI:
            raise LoadError(f"berkas realisasi bukan tahap anggaran; ia tidak dipakai sebagai {stage}",
                            file=p.path)
    named = list(dict.fromkeys(p.stage for p in parts if p.stage is not None))
    if len({s.rank for s in named}) > 1:
        found.append(Finding("stage_mixed", f"tahap {stage} memuat berkas bernama tahap berbeda: " + "; ".join(
            f"{s}: " + _names([p.path for p in parts if p.stage == s]) for s in named),
            severity="warning"))
    return named


def _append(table: pd.DataFrame, found: list[Finding]) -> pd.DataFrame:
    if not found:
        return table
    out = table.copy(deep=False)
    out.attrs = {**table.attrs, "findings": [*(table.attrs.get("findings") or []), *(f.as_record() for f in found)]}
    return out


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _one_file_one_stage(parts: dict[str, list[_Part]]) -> None:
    """Refuse a file (the same path, or a hard link to it) given in two stages.

    A byte-identical *copy* in another stage is not refused: an SKPD's unchanged budget
    may be exported twice; when whole stages are identical, ``stages_identical`` says so.
    """
    owner: dict[tuple[int, int], tuple[str, str]] = {}
    for s, ps in parts.items():
        for p in ps:
            ident = _identity(p.path) if p.listed else None
            if ident is None:
                continue
            if ident in owner and owner[ident][0] != s:
                prev_stage, prev = owner[ident]
                same = "" if _name(prev) == _name(p.path) else f" (= {_name(prev)}, tautan keras)"
                raise LoadError(f"berkas yang sama diberikan sebagai {prev_stage} dan {s}{same}; "
                                "satu berkas hanya boleh berada di satu tahap", file=p.path)
            owner.setdefault(ident, (s, p.path))


def guard_stages(baseline: pd.DataFrame, revised: pd.DataFrame | None, *, multi_year: bool = False
                 ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Check the sources of the baseline and revised stages; return guarded copies.

    Raises :class:`LoadError` (one line) for what cannot be audited; everything else
    becomes a finding in the returned tables' ``attrs["findings"]``.
    """
    if revised is None:
        return guard_timeline({"baseline": baseline}, multi_year=multi_year)["baseline"], None
    out = guard_timeline({"baseline": baseline, "revised": revised}, multi_year=multi_year, one_year=False)
    return out["baseline"], out["revised"]


def guard_timeline(tables: dict[str, pd.DataFrame], *, multi_year: bool = False, one_year: bool = True
                   ) -> dict[str, pd.DataFrame]:
    """The guards over an ordered set of stages (earliest first), keyed by stage label.

    ``one_year``: stages of different years are refused (a timeline is one budget
    year); otherwise (baseline vs revised given by the user) they are a finding.
    """
    parts = {s: _parts(t) for s, t in tables.items()}
    _one_file_one_stage(parts)
    found: dict[str, list[Finding]] = {s: [] for s in parts}
    years: dict[str, set[int]] = {}
    named: dict[str, list[Stage]] = {}
    prints: dict[str, pd.Series] = {}
    out = dict(tables)
    for s, ps in parts.items():
        years[s] = _years(ps, s, multi_year, found[s])
        out[s], prints[s] = _dedupe(out[s], ps, found[s])
        _versions(out[s], s)
        named[s] = _stages_named(ps, s, found[s])
    labels = list(tables)
    all_years = sorted(set().union(*years.values()))
    if one_year and len(all_years) > 1 and not multi_year:
        by_stage = "; ".join(f"{s}: {', '.join(map(str, sorted(y)))}" for s, y in years.items() if y)
        raise LoadError(f"tahap-tahap berasal dari tahun anggaran berbeda ({by_stage}); satu lini masa "
                        "adalah satu tahun anggaran (pilih dengan tahun=…)")
    for a, b in zip(labels, labels[1:], strict=False):
        _between({"baseline": prints[a], "revised": prints[b]}, {"baseline": years[a], "revised": years[b]},
                 {"baseline": named[a], "revised": named[b]}, found[b], (a, b))
    return {s: _append(out[s], found[s]) for s in labels}


def _between(tables: dict, years: dict, named: dict, found: list[Finding],
             labels: tuple[str, str] = ("baseline", "revisi")) -> None:
    b, r = tables["baseline"], tables["revised"]  # the stages' fingerprints
    first, then = labels if labels != ("baseline", "revised") else ("baseline", "revisi")
    if len(b) and sorted(b) == sorted(r):
        found.append(Finding("stages_identical", f"{then} sama dengan {first}: isi kedua tahap identik, "
                             "tidak ada perubahan yang dapat diaudit", severity="warning"))
    if years["baseline"] and years["revised"] and years["baseline"] != years["revised"]:
        found.append(Finding("stage_years_differ", f"{first} dan {then} berbeda tahun anggaran "
                             f"({', '.join(map(str, sorted(years['baseline'])))} vs "
                             f"{', '.join(map(str, sorted(years['revised'])))}): ini perbandingan antartahun, "
                             "bukan antartahap", severity="warning"))
    if named["baseline"] and named["revised"]:
        lo_b = min(s.rank for s in named["baseline"])
        hi_r = max(s.rank for s in named["revised"])
        if hi_r <= lo_b:
            found.append(Finding("stage_order", f"tahap tertukar atau sama: {first} bernama "
                                 f"{', '.join(map(str, named['baseline']))}, {then} bernama "
                                 f"{', '.join(map(str, named['revised']))}; {first} harus tahap yang lebih awal",
                                 severity="warning"))
