"""Score the categorizer against a hand-labelled CSV (e.g. ``data/labelled/dev.csv``).

Usage::

    python -m efisiensi.evaluate LABELS.csv [--lang en] [--rules PACK] [--extra-rules FILE]

The CSV has the columns of ``dev.csv``: ``id``, ``kode_rekening``, ``nama_rekening``,
``nama_sub_kegiatan``, ``uraian``, ``labels`` (``;``-separated category ids or ``none``).
Prints precision / recall / F1 / support per Inpres category and micro-averaged, then the
misses. Exit status 0, or 2 with a one-line message when the file is missing or unusable.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from efisiensi._errors import EfisiensiError
from efisiensi._format import number
from efisiensi.categories import INPRES_CATEGORIES, categorize

REQUIRED = ("id", "labels")
MICRO = "micro"
_HEAD = {
    "id": {"category": "kategori", "precision": "presisi", "recall": "recall", "f1": "F1",
           "support": "jumlah", "predicted": "prediksi", "title": "Skor per kategori",
           "misses": "Salah kategori", "none": "(tidak ada)", "expected": "seharusnya",
           "got": "hasil", "why": "alasan", "text": "teks"},
    "en": {"category": "category", "precision": "precision", "recall": "recall", "f1": "F1",
           "support": "support", "predicted": "predicted", "title": "Scores per category",
           "misses": "Misses", "none": "(none)", "expected": "expected", "got": "got",
           "why": "explanation", "text": "text"},
}


class LabelFileError(EfisiensiError, ValueError):
    """The labelled file is missing or does not have the needed columns."""


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
    return frame


def _label_matrix(labels: pd.Series, cats: Sequence[str]) -> np.ndarray:
    sets = labels.fillna("").str.split(";").map(lambda xs: {x.strip() for x in xs})
    return np.array([[c in s for c in cats] for s in sets], dtype=bool).reshape(len(labels), len(cats))


def _ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")


def score(expected: np.ndarray, got: np.ndarray, cats: Sequence[str]) -> pd.DataFrame:
    """Precision, recall, F1, support and predicted count per category, plus micro average."""
    rows = []
    for j, c in enumerate(cats):
        rows.append((c, int((expected[:, j] & got[:, j]).sum()), int((~expected[:, j] & got[:, j]).sum()),
                     int((expected[:, j] & ~got[:, j]).sum())))
    tp, fp, fn = (sum(r[i] for r in rows) for i in (1, 2, 3))
    rows.append((MICRO, tp, fp, fn))
    out = []
    for c, tp_, fp_, fn_ in rows:
        p, r = _ratio(tp_, tp_ + fp_), _ratio(tp_, tp_ + fn_)
        f1 = 2 * p * r / (p + r) if p + r > 0 else float("nan")
        out.append({"category": c, "precision": p, "recall": r, "f1": f1,
                    "support": tp_ + fn_, "predicted": tp_ + fp_})
    return pd.DataFrame(out).set_index("category")


def evaluate(labels_path: str | Path, **categorize_kwargs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run :func:`categorize` on a labelled CSV and score it.

    Returns
    -------
    scores : DataFrame
        Indexed by category (the eight Inpres categories, then ``micro``), with columns
        ``precision``, ``recall``, ``f1``, ``support`` and ``predicted``.
    misses : DataFrame
        One row per item whose predicted label set differs from the expected one: ``id``,
        ``expected``, ``got``, ``kategori_alasan`` and a short ``text``.
    """
    frame = read_labels(labels_path)
    cats = list(INPRES_CATEGORIES)
    unknown = set(frame["labels"].str.split(";").explode().str.strip()) - set(cats) - {"none", ""}
    if unknown:
        raise LabelFileError(f"{labels_path}: label tidak dikenal {sorted(unknown)}")
    out = categorize(frame, **categorize_kwargs)
    expected = _label_matrix(frame["labels"], cats)
    got = out[cats].to_numpy(dtype=bool)
    scores = score(expected, got, cats)
    wrong = np.flatnonzero((expected != got).any(axis=1))

    def joined(mat: np.ndarray) -> list[str]:
        return [";".join(c for c, v in zip(cats, row, strict=True) if v) or "none" for row in mat]

    parts = [frame.get(c, pd.Series("", index=frame.index)) for c in
             ("kode_rekening", "nama_rekening", "nama_sub_kegiatan", "uraian")]
    text = (parts[0] + " | " + parts[1].str.slice(0, 40) + " | " + parts[2].str.slice(0, 50)
            + " | " + parts[3].str.slice(0, 60))
    misses = pd.DataFrame({
        "id": frame["id"].to_numpy()[wrong],
        "expected": np.array(joined(expected[wrong]), dtype=object),
        "got": np.array(joined(got[wrong]), dtype=object),
        "kategori_alasan": out["kategori_alasan"].to_numpy(dtype=object)[wrong],
        "text": text.to_numpy(dtype=object)[wrong],
    })
    return scores, misses


def format_report(scores: pd.DataFrame, misses: pd.DataFrame, lang: str = "id") -> str:
    """Plain-text table of the scores and the list of misses."""
    h = _HEAD[lang]

    def num(x: float) -> str:
        return "   -  " if x != x else f"{number(x, lang, 3):>6}"

    lines = [h["title"], f"{h['category']:<18} {h['precision']:>8} {h['recall']:>8} {h['f1']:>8} "
             f"{h['support']:>8} {h['predicted']:>8}"]
    for cat, r in scores.iterrows():
        if cat == MICRO:
            lines.append("-" * 64)
        lines.append(f"{cat:<18} {num(r.precision):>8} {num(r.recall):>8} {num(r.f1):>8} "
                     f"{int(r.support):>8} {int(r.predicted):>8}")
    lines += ["", f"{h['misses']} ({len(misses)})"]
    for m in misses.itertuples():
        lines.append(f"{m.id}: {h['expected']} {m.expected} | {h['got']} {m.got}")
        lines.append(f"    {h['why']}: {m.kategori_alasan or h['none']}")
        lines.append(f"    {h['text']}: {m.text}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m efisiensi.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("labels", help="labelled CSV (columns of dev.csv)")
    parser.add_argument("--lang", choices=sorted(_HEAD), default="id", help="heading language")
    parser.add_argument("--rules", default="inpres-1-2025", help="rule pack name or TOML file")
    parser.add_argument("--extra-rules", default=None, help="extra TOML rules file")
    args = parser.parse_args(argv)
    try:
        scores, misses = evaluate(args.labels, rules=args.rules, extra_rules=args.extra_rules)
    except EfisiensiError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_report(scores, misses, args.lang))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
