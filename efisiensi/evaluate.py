"""Score the categorizer against a hand-labelled CSV (e.g. ``data/labelled/dev.csv``).

Usage::

    python -m efisiensi.evaluate LABELS.csv [--data DIR] [--view both|pipeline|text]
                                 [--lang en] [--rules PACK] [--extra-rules FILE]

The CSV has the columns of ``dev.csv``: ``id``, ``labels`` (``;``-separated category ids or
``none``), and either or both of

* ``source``, ``source_row``: the file (relative to ``--data``, by default the ``real``
  folder beside the labels' folder, then the labels' folder itself) and the 1-based row the
  item comes from. The **pipeline view** reads each source file with :func:`efisiensi.load`,
  categorizes the whole table with :func:`efisiensi.categorize` exactly as a user's file goes,
  and scores the loaded row(s) of each item: this is the score of what the library ships.
* ``kode_rekening``, ``nama_rekening``, ``nama_sub_kegiatan``, ``uraian``: the **text view**
  categorizes these columns as written in the CSV (no loader involved).

Prints precision / recall / F1 / support per Inpres category and micro-averaged, a micro score
per source folder, then the misses. Exit status 0, or 2 with a one-line message when the file
is missing or unusable.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from efisiensi._errors import EfisiensiError
from efisiensi._format import number
from efisiensi.categories import INPRES_CATEGORIES, categorize

REQUIRED = ("id", "labels")
SOURCE_COLUMNS = ("source", "source_row")
MICRO = "micro"
VIEWS = ("pipeline", "text")
_TEXT_COLUMNS = ("kode_rekening", "nama_rekening", "nama_sub_kegiatan", "uraian")
_HEAD = {
    "id": {"category": "kategori", "precision": "presisi", "recall": "recall", "f1": "F1",
           "support": "jumlah", "predicted": "prediksi", "title": "Skor per kategori",
           "misses": "Salah kategori", "none": "(tidak ada)", "expected": "seharusnya",
           "got": "hasil", "why": "alasan", "text": "teks", "source": "sumber",
           "items": "butir", "exact": "tepat", "lost": "hilang", "by_source": "Skor per sumber (mikro)",
           "pipeline": "Tampilan pipeline: baris sumber lewat ef.load lalu categorize",
           "text_view": "Tampilan teks: kolom CSV berlabel apa adanya",
           "not_found": "baris sumber tidak ada di tabel hasil ef.load"},
    "en": {"category": "category", "precision": "precision", "recall": "recall", "f1": "F1",
           "support": "support", "predicted": "predicted", "title": "Scores per category",
           "misses": "Misses", "none": "(none)", "expected": "expected", "got": "got",
           "why": "explanation", "text": "text", "source": "source", "items": "items",
           "exact": "exact", "lost": "lost", "by_source": "Scores per source (micro)",
           "pipeline": "Pipeline view: source rows through ef.load, then categorize",
           "text_view": "Text view: the labelled CSV's columns as written",
           "not_found": "source row not in the table ef.load returns"},
}


class LabelFileError(EfisiensiError, ValueError):
    """The labelled file is missing or does not have the needed columns."""


@dataclass(frozen=True)
class Evaluation:
    """The scores of one view.

    ``scores``: per Inpres category then ``micro`` (``precision``, ``recall``, ``f1``,
    ``support``, ``predicted``). ``by_source``: per source folder (first path part of
    ``source``), micro scores plus ``items`` and ``exact`` (items whose label set is exactly
    right) and ``not_found`` (items whose source row the loader did not return). ``misses``: one
    row per item whose predicted set differs from the expected one or whose row was not found
    (``id``, ``source``, ``expected``, ``got``, ``kategori_alasan``, ``text``).
    """

    view: str
    scores: pd.DataFrame
    by_source: pd.DataFrame
    misses: pd.DataFrame


def read_labels(path: str | Path) -> pd.DataFrame:
    """Read a labelled CSV as text (no NA conversion: codes and names stay as written)."""
    path = Path(path)
    if not path.is_file():
        raise LabelFileError(f"{path}: berkas tidak ditemukan")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise LabelFileError(f"{path}: bukan CSV yang dapat dibaca ({exc.__class__.__name__})") from None
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise LabelFileError(f"{path}: kolom {', '.join(missing)} tidak ada")
    unknown = set(frame["labels"].str.split(";").explode().str.strip()) - set(INPRES_CATEGORIES)
    unknown -= {"none", ""}
    if unknown:
        raise LabelFileError(f"{path}: label tidak dikenal {sorted(unknown)}")
    return frame


def _label_matrix(labels: pd.Series, cats: Sequence[str]) -> np.ndarray:
    sets = labels.fillna("").str.split(";").map(lambda xs: {x.strip() for x in xs})
    return np.array([[c in s for c in cats] for s in sets], dtype=bool).reshape(len(labels), len(cats))


def _ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p, r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = 2 * p * r / (p + r) if p + r > 0 else float("nan")
    return {"precision": p, "recall": r, "f1": f1, "support": tp + fn, "predicted": tp + fp}


def score(expected: np.ndarray, got: np.ndarray, cats: Sequence[str]) -> pd.DataFrame:
    """Precision, recall, F1, support and predicted count per category, plus micro average."""
    tp = (expected & got).sum(axis=0)
    fp = (~expected & got).sum(axis=0)
    fn = (expected & ~got).sum(axis=0)
    rows = [{"category": c, **_prf(int(tp[j]), int(fp[j]), int(fn[j]))} for j, c in enumerate(cats)]
    rows.append({"category": MICRO, **_prf(int(tp.sum()), int(fp.sum()), int(fn.sum()))})
    return pd.DataFrame(rows).set_index("category")


def _by_source(frame: pd.DataFrame, expected: np.ndarray, got: np.ndarray, lost: np.ndarray
               ) -> pd.DataFrame:
    group = (frame["source"].str.split("/").str[0] if "source" in frame.columns
             else pd.Series("", index=frame.index)).replace("", "-").to_numpy()
    rows = []
    for name in sorted(set(group)):
        m = group == name
        e, g = expected[m], got[m]
        rows.append({"source": name, "items": int(m.sum()),
                     "exact": int(((e == g).all(axis=1) & ~lost[m]).sum()), "not_found": int(lost[m].sum()),
                     **_prf(int((e & g).sum()), int((~e & g).sum()), int((e & ~g).sum()))})
    return pd.DataFrame(rows).set_index("source")


def _joined(mat: np.ndarray, cats: Sequence[str]) -> list[str]:
    return [";".join(c for c, v in zip(cats, row, strict=True) if v) or "none" for row in mat]


def _evaluation(view: str, frame: pd.DataFrame, got: np.ndarray, alasan: np.ndarray,
                text: np.ndarray, lost: np.ndarray | None = None) -> Evaluation:
    cats = list(INPRES_CATEGORIES)
    expected = _label_matrix(frame["labels"], cats)
    lost = np.zeros(len(frame), dtype=bool) if lost is None else lost
    wrong = np.flatnonzero((expected != got).any(axis=1) | lost)
    source = frame["source"] if "source" in frame.columns else pd.Series("", index=frame.index)
    if "source_row" in frame.columns:
        source = source + ":" + frame["source_row"]
    misses = pd.DataFrame({
        "id": frame["id"].to_numpy()[wrong],
        "source": source.to_numpy(dtype=object)[wrong],
        "expected": np.array(_joined(expected[wrong], cats), dtype=object),
        "got": np.array(_joined(got[wrong], cats), dtype=object),
        "kategori_alasan": alasan[wrong],
        "text": text[wrong],
    })
    return Evaluation(view, score(expected, got, cats), _by_source(frame, expected, got, lost), misses)


def _short_text(table: pd.DataFrame) -> pd.Series:
    def col(name: str, width: int) -> pd.Series:
        return table[name].astype(str).str.slice(0, width) if name in table else pd.Series("", index=table.index)

    return (col("kode_rekening", 24) + " | " + col("nama_rekening", 40) + " | "
            + col("nama_sub_kegiatan", 50) + " | " + col("nama_kegiatan", 50) + " | "
            + col("kelompok", 50) + " | " + col("uraian", 60))


def evaluate_text(frame: pd.DataFrame, **categorize_kwargs) -> Evaluation:
    """The text view: categorize the labelled CSV's own columns as written."""
    cats = list(INPRES_CATEGORIES)
    table = frame.drop(columns=[c for c in ("labels",) if c in frame.columns])
    out = categorize(table, **categorize_kwargs)
    text = _short_text(frame[[c for c in _TEXT_COLUMNS if c in frame.columns]])
    return _evaluation("text", frame, out[cats].to_numpy(dtype=bool),
                       out["kategori_alasan"].to_numpy(dtype=object), text.to_numpy(dtype=object))


def _source_root(labels_path: Path, frame: pd.DataFrame, data: str | Path | None) -> Path:
    if data is not None:
        root = Path(data)
        if not root.is_dir():
            raise LabelFileError(f"{root}: folder data tidak ditemukan")
        return root
    candidates = [labels_path.parent.parent / "real", labels_path.parent]
    first = frame["source"].iloc[0] if len(frame) else ""
    for root in candidates:
        if (root / first).exists():
            return root
    raise LabelFileError(f"{labels_path}: berkas sumber {first!r} tidak ditemukan; beri --data FOLDER")


def _record_numbers(path: Path) -> dict[int, int] | None:
    """For a CSV, physical line of a record's start -> record number (``sumber_baris``).

    Labelled sets cite CSV rows by physical line (as ``sed -n 'Np'`` shows it); the loader
    numbers CSV records, which differ after a quoted field that spans lines.
    """
    if path.suffix.lower() not in (".csv", ".txt", ".tsv"):
        return None
    from efisiensi.read.csvtext import decode_text, parse_csv_text

    text, _ = decode_text(path.read_bytes())
    starts: list[int] = []
    parse_csv_text(text, starts=starts)  # the rows as the loader numbers them
    return {line: k for k, line in enumerate(starts, start=1)}


def evaluate_pipeline(frame: pd.DataFrame, root: Path, **categorize_kwargs) -> Evaluation:
    """The pipeline view: each item's source row(s) as :func:`efisiensi.load` reads them.

    Every source file is loaded once and categorized whole. A CSV row is cited by physical
    line and found by its record number. An item whose row is not in the
    loaded table counts as predicted ``none`` and is always listed among the misses; an item whose
    row the loader split into several lines gets the union of their labels.
    """
    from efisiensi._load import load

    cats = list(INPRES_CATEGORIES)
    n = len(frame)
    got = np.zeros((n, len(cats)), dtype=bool)
    alasan = np.full(n, "", dtype=object)
    text = np.full(n, "", dtype=object)
    found = np.zeros(n, dtype=bool)
    rows = pd.to_numeric(frame["source_row"], errors="coerce")
    if rows.isna().any():
        bad = frame.loc[rows.isna(), "id"].iloc[0]
        raise LabelFileError(f"butir {bad}: source_row bukan nomor baris")
    for source, idx in frame.groupby("source", sort=True).indices.items():
        path = root / source
        if not path.is_file():
            raise LabelFileError(f"{path}: berkas sumber tidak ditemukan")
        table = load(path, errors="raise")
        out = categorize(table, **categorize_kwargs)
        lines = _record_numbers(path)
        by_row = pd.Series(np.arange(len(out)), index=out["sumber_baris"].astype("int64").to_numpy())
        flags = out[cats].to_numpy(dtype=bool)
        why = out["kategori_alasan"].to_numpy(dtype=object)
        short = _short_text(out).to_numpy(dtype=object)
        for i in idx:
            row = int(rows.iloc[i])
            hit = by_row.get(row if lines is None else lines.get(row, -1))
            if hit is None:
                continue
            pos = np.atleast_1d(np.asarray(hit))
            found[i] = True
            got[i] = flags[pos].any(axis=0)
            alasan[i] = " / ".join(dict.fromkeys(str(w) for w in why[pos]))
            text[i] = " / ".join(dict.fromkeys(str(t) for t in short[pos]))
    alasan[~found] = _HEAD["id"]["not_found"]
    return _evaluation("pipeline", frame, got, alasan, text, lost=~found)


def evaluate(labels_path: str | Path, view: str = "pipeline", *, data: str | Path | None = None,
             **categorize_kwargs) -> Evaluation:
    """Score :func:`categorize` on a labelled CSV in one view (``"pipeline"`` or ``"text"``).

    ``data`` is the folder the ``source`` paths are relative to (default: ``../real`` beside
    the labels' folder, then the labels' folder). A file without ``source``/``source_row``
    columns can only be scored in the text view.
    """
    if view not in VIEWS:
        raise LabelFileError(f"tampilan tidak dikenal: {view!r} (pakai {', '.join(VIEWS)})")
    labels_path = Path(labels_path)
    frame = read_labels(labels_path)
    if view == "text":
        return evaluate_text(frame, **categorize_kwargs)
    missing = [c for c in SOURCE_COLUMNS if c not in frame.columns]
    if missing:
        raise LabelFileError(f"{labels_path}: kolom {', '.join(missing)} tidak ada (tampilan pipeline)")
    return evaluate_pipeline(frame, _source_root(labels_path, frame, data), **categorize_kwargs)


def _num(x: float, lang: str = "id") -> str:
    return "   -  " if x != x else f"{number(x, lang, 3):>6}"


def format_report(ev: Evaluation, lang: str = "id") -> str:
    """Plain-text tables of one view: per category, per source, then the misses."""
    h = _HEAD[lang]
    lines = [h["pipeline"] if ev.view == "pipeline" else h["text_view"], "", h["title"],
             f"{h['category']:<22} {h['precision']:>8} {h['recall']:>8} {h['f1']:>8} "
             f"{h['support']:>8} {h['predicted']:>8}"]
    for cat, r in ev.scores.iterrows():
        if cat == MICRO:
            lines.append("-" * 68)
        lines.append(f"{cat:<22} {_num(r.precision, lang):>8} {_num(r.recall, lang):>8} {_num(r.f1, lang):>8} "
                     f"{int(r.support):>8} {int(r.predicted):>8}")
    lines += ["", h["by_source"],
              f"{h['source']:<22} {h['items']:>6} {h['exact']:>6} {h['lost']:>6} {h['precision']:>8} "
              f"{h['recall']:>8} {h['f1']:>8}"]
    for src, r in ev.by_source.iterrows():
        lines.append(f"{src:<22} {int(r['items']):>6} {int(r.exact):>6} {int(r.not_found):>6} "
                     f"{_num(r.precision, lang):>8} {_num(r.recall, lang):>8} {_num(r.f1, lang):>8}")
    lines += ["", f"{h['misses']} ({len(ev.misses)})"]
    for m in ev.misses.itertuples():
        where = f" [{m.source}]" if m.source else ""
        lines.append(f"{m.id}{where}: {h['expected']} {m.expected} | {h['got']} {m.got}")
        lines.append(f"    {h['why']}: {m.kategori_alasan or h['none']}")
        lines.append(f"    {h['text']}: {m.text}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m efisiensi.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("labels", help="labelled CSV (columns of dev.csv)")
    parser.add_argument("--data", default=None, help="folder the 'source' paths are relative to")
    parser.add_argument("--view", choices=("both", *VIEWS), default="both",
                        help="pipeline (through ef.load), text (CSV columns) or both (default)")
    parser.add_argument("--lang", choices=sorted(_HEAD), default="id", help="heading language")
    parser.add_argument("--rules", default="inpres-1-2025", help="rule pack name or TOML file")
    parser.add_argument("--extra-rules", default=None, help="extra TOML rules file")
    args = parser.parse_args(argv)
    kw = {"rules": args.rules, "extra_rules": args.extra_rules}
    try:
        frame_cols = read_labels(args.labels).columns
        views = list(VIEWS) if args.view == "both" else [args.view]
        if args.view == "both" and not set(SOURCE_COLUMNS) <= set(frame_cols):
            views = ["text"]  # a file without source rows has only the text view
        reports = [format_report(evaluate(args.labels, v, data=args.data, **kw), args.lang) for v in views]
    except EfisiensiError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(("\n\n" + "=" * 68 + "\n\n").join(reports))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
