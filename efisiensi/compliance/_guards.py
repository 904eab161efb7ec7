"""Stage guard rails: what must be true of the sources of each stage before they are added.

The guards decide from the *fingerprints* the map gives for every source file
(:func:`source_prints`, computed beside the partial sums in :mod:`._engine`: SHA-256,
years and stage read from the content, per sheet the SHA-256 of its lines and the set
of its line keys). They are plain data, so a serial run, a run folder and a Dask run
give the guards the same facts, and :func:`guard` (called by the reduce) the same
verdict:

* one file given in two stages (the same path, or a hard link to it) is refused;
* the same content twice in a stage (same SHA-256, or the same sheet content in two
  files or sheets) is counted once, with a ``duplicate_source`` finding naming both
  (the verdict lists what to leave out; the map of those sources is redone without it);
* files of one stage that hold the same lines are two versions of one budget (an
  earlier export, a draft): refused, naming them, instead of being added;
* different years in one stage are refused (``multi_year=True`` adds them, said);
* a realisasi file is never taken as a budget stage;
* identical stages (``stages_identical``: "revisi sama dengan baseline"), stage names
  contradicting the order given (``stage_order``), different stage names in one stage
  (``stage_mixed``) and stages of different years (``stage_years_differ``) are findings.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import PurePath

import numpy as np
import pandas as pd

from .._errors import Finding, LoadError
from ..read.stages import REALISASI, Stage, stage_from_name, year_from_name
from ._compare import LINE_KEY, key_column

#: Share of a file's line keys found in another file of the same stage above which the
#: two are versions of one budget, not parts of it (parts split by SKPD share none).
OVERLAP_VERSIONS = 0.5

_CONTENT = [c for c in ("tahun", *LINE_KEY, "kode_program", "kode_kegiatan", "kode_sumber_dana",
                        "koefisien", "satuan", "harga_satuan", "anggaran", "anggaran_sebelum")]
_KEYS = ("kode_skpd", "kode_sub_unit", "kode_sub_kegiatan", "sumber_dana", "kode_rekening")

#: What is left out of a stage: ``(file, None)`` a whole file, ``(file, sheet)`` one sheet.
Drop = set[tuple[str, str | None]]


def _name(path: str) -> str:
    return PurePath(str(path).replace("\\", "/")).name


def _names(paths: list[str], most: int = 3) -> str:
    """File names for a one-line message: the first few, then how many more."""
    names = [_name(p) for p in paths]
    more = f" … (+{len(names) - most} berkas)" if len(names) > most else ""
    return ", ".join(names[:most]) + more


# ------------------------------------------------------------------ the map side: fingerprints


def _pack(hashes: np.ndarray) -> str:
    return base64.b64encode(np.unique(hashes.astype(np.uint64)).astype("<u8").tobytes()).decode("ascii")


def _unpack(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<u8")


def source_prints(table: pd.DataFrame, sources: list[dict]) -> list[dict]:
    """The guards' facts about every file of one mapped table, small and JSON-ready.

    One record per file (the listed sources first, then files only named by the rows):
    ``path``, ``sha256``, ``listed``, ``years`` (from the TAHUN column), ``tahap`` (the
    reader's reading of the content, when one) and ``sheets``: per sheet ``[name, SHA-256
    of its lines (position in the sheet left out), its line keys]`` (the sorted distinct
    64-bit hashes of the key columns, base64).
    """
    shas = {s["path"]: s.get("sha256") for s in sources}
    files = list(dict.fromkeys([*shas, *table["sumber_file"].unique()]))
    out: dict[str, dict] = {f: {"path": f, "sha256": shas.get(f), "listed": f in shas, "years": [],
                                "tahap": None, "sheets": []} for f in files}
    if table.empty:
        return list(out.values())
    frame = table[[c for c in _CONTENT if c in table]].copy(deep=False)
    for c in ("tahun", "harga_satuan", "anggaran", "anggaran_sebelum"):
        if c in frame:
            frame[c] = frame[c].astype("string")
    content = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    keys = pd.DataFrame({c: key_column(table, c) for c in _KEYS})
    keys["tahun"] = frame["tahun"].fillna("")  # the same lines in two years are two years
    keys["anggaran"] = frame["anggaran"]  # unchanged lines of two exports: same amount
    line = pd.util.hash_pandas_object(keys, index=False).to_numpy()
    coded = (table["kode_rekening"] != "").to_numpy()
    for (f, sheet), idx in table.groupby(["sumber_file", "sumber_sheet"], sort=False).indices.items():
        out[f]["sheets"].append([sheet, hashlib.sha256(content[idx].tobytes()).hexdigest(),
                                 _pack(line[idx][coded[idx]])])
    years = table.groupby("sumber_file", sort=False)["tahun"].agg(lambda s: sorted(set(s.dropna().astype(int))))
    for f, ys in years.items():
        out[f]["years"] = [int(y) for y in ys]
    if "tahap" in table:
        named = table.groupby("sumber_file", sort=False)["tahap"].agg(lambda s: sorted(set(s) - {""}))
        for f, t in named.items():
            if len(t) == 1:
                out[f]["tahap"] = t[0]
    return list(out.values())


# ------------------------------------------------------------------ the reduce side: the verdict


@dataclass
class Verdict:
    """What the guards decided: per stage, what to leave out and the findings to add."""

    drop: dict[str, Drop] = field(default_factory=dict)
    findings: dict[str, list[Finding]] = field(default_factory=dict)


@dataclass
class _Part:
    """One file of a stage, as the guards see it."""

    path: str
    sha256: str | None
    sheets: list[list]
    years: set[int] = field(default_factory=set)
    year_source: str = ""
    stage: Stage | None = None
    listed: bool = False  # among the stage's inputs, not only named by its rows


def _parts(prints: list[dict]) -> list[_Part]:
    merged: dict[str, dict] = {}
    for p in prints:  # a file is in one partial; a table given by the user may name it in several
        m = merged.setdefault(p["path"], {**p, "sheets": [], "years": [], "listed": False})
        m["sheets"] = m["sheets"] + [list(s) for s in p["sheets"]]
        m["years"] = sorted(set(m["years"]) | set(p["years"]))
        m["listed"] = m["listed"] or p["listed"]
        m["sha256"] = m["sha256"] or p["sha256"]
        m["tahap"] = m["tahap"] or p["tahap"]
    out = []
    for f, m in merged.items():
        p = _Part(f, m["sha256"], m["sheets"], listed=m["listed"])
        if m["years"]:
            p.years, p.year_source = set(m["years"]), "kolom TAHUN"
        elif (y := year_from_name(f)) is not None:
            p.years, p.year_source = {y.value}, y.source
        det = stage_from_name(f)
        p.stage = det.value if det else None
        if m["tahap"]:
            p.stage = Stage(m["tahap"], 0, "")  # the reader's own reading of the content wins
        out.append(p)
    return out


def _dedupe(parts: list[_Part], found: list[Finding]) -> tuple[Drop, list[str], dict[str, np.ndarray]]:
    """What to leave out of the stage; the fingerprints and the line keys of what is kept."""
    drop: Drop = set()
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
    seen: dict[str, tuple[str, str]] = {}
    kept: list[str] = []
    keys: dict[str, list[np.ndarray]] = {}
    for p in parts:
        if (p.path, None) in drop:
            continue
        for sheet, fp, packed in p.sheets:
            if fp in seen:
                of = seen[fp]
                where = f"{_name(of[0])}" + (f" sheet {of[1]}" if of[1] else "")
                found.append(Finding("duplicate_source", f"isi sheet sama dengan {where}; dihitung sekali",
                                     p.path, sheet or None, severity="warning", detail={"duplicate_of": list(of)}))
                drop.add((p.path, sheet))
            else:
                seen[fp] = (p.path, sheet)
                kept.append(fp)
                keys.setdefault(p.path, []).append(_unpack(packed))
    return drop, kept, {f: np.unique(np.concatenate(k)) for f, k in keys.items()}


def _versions(keys: dict[str, np.ndarray], stage: str) -> None:
    """Refuse files of one stage that hold mostly the same lines (two versions of one budget)."""
    keys = {f: k for f, k in keys.items() if len(k)}
    if len(keys) < 2:
        return
    every = np.concatenate(list(keys.values()))
    uniq, counts = np.unique(every, return_counts=True)
    shared = uniq[counts > 1]
    over = [f for f, k in keys.items() if np.isin(k, shared).mean() > OVERLAP_VERSIONS]
    if len(over) < 2:
        return
    raise LoadError(f"tahap {stage}: berkas {_names(over, most=4)} memuat baris yang sama (dua versi anggaran "
                    "yang sama, bukan bagian-bagiannya); pilih satu berkas per tahap")


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


def guard(prints: dict[str, list[dict]], *, multi_year: bool = False, one_year: bool = True) -> Verdict:
    """The guards over an ordered set of stages (earliest first), keyed by stage label,
    each given the fingerprints (:func:`source_prints`) of all its partials.

    Raises :class:`LoadError` (one line) for what cannot be audited. ``one_year``: stages
    of different years are refused (a timeline is one budget year); otherwise (baseline
    vs revised given by the user) they are a finding.
    """
    parts = {s: _parts(p) for s, p in prints.items()}
    _one_file_one_stage(parts)
    verdict = Verdict({s: set() for s in parts}, {s: [] for s in parts})
    found = verdict.findings
    years: dict[str, set[int]] = {}
    named: dict[str, list[Stage]] = {}
    kept: dict[str, list[str]] = {}
    for s, ps in parts.items():
        years[s] = _years(ps, s, multi_year, found[s])
        verdict.drop[s], kept[s], keys = _dedupe(ps, found[s])
        _versions(keys, s)
        named[s] = _stages_named(ps, s, found[s])
    labels = list(prints)
    all_years = sorted(set().union(*years.values())) if years else []
    if one_year and len(all_years) > 1 and not multi_year:
        by_stage = "; ".join(f"{s}: {', '.join(map(str, sorted(y)))}" for s, y in years.items() if y)
        raise LoadError(f"tahap-tahap berasal dari tahun anggaran berbeda ({by_stage}); satu lini masa "
                        "adalah satu tahun anggaran (pilih dengan tahun=…)")
    for a, b in zip(labels, labels[1:], strict=False):
        _between({"baseline": kept[a], "revised": kept[b]}, {"baseline": years[a], "revised": years[b]},
                 {"baseline": named[a], "revised": named[b]}, found[b], (a, b))
    return verdict


def _between(prints: dict, years: dict, named: dict, found: list[Finding],
             labels: tuple[str, str] = ("baseline", "revisi")) -> None:
    b, r = prints["baseline"], prints["revised"]  # the stages' kept sheet fingerprints
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
