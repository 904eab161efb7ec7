"""The evaluation command, and the accuracy goal on the hand-labelled DEV set."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from efisiensi.evaluate import evaluate, main

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "labelled" / "dev.csv"
GATED = ("perjalanan_dinas", "honorarium", "seremonial", "pencetakan", "rapat_seminar")


@pytest.fixture(scope="module")
def dev_scores():
    if not DEV.exists():
        pytest.skip(f"labelled DEV set not found at {DEV} (it lives outside the repository)")
    return evaluate(DEV)


def test_dev_micro_f1(dev_scores):
    scores, _ = dev_scores
    assert scores.loc["micro", "f1"] >= 0.95


@pytest.mark.parametrize("category", GATED)
def test_dev_per_category(dev_scores, category):
    scores, _ = dev_scores
    row = scores.loc[category]
    assert row.support >= 10
    assert row.precision >= 0.90 and row.recall >= 0.90


def test_misses_table_matches_scores(dev_scores):
    scores, misses = dev_scores
    assert list(misses.columns) == ["id", "expected", "got", "kategori_alasan", "text"]
    errors = int((scores.drop(index="micro").eval("predicted - support").abs()).sum())
    assert len(misses) >= (1 if errors else 0)


def test_small_file_and_report(tmp_path, capsys):
    path = tmp_path / "lab.csv"
    pd.DataFrame({
        "id": ["a", "b", "c"],
        "kode_rekening": ["5.1.02.04.01.0001", "5.1.02.01.01.0052", ""],
        "nama_rekening": ["Belanja Perjalanan Dinas Biasa", "Belanja Makanan dan Minuman Rapat", ""],
        "nama_sub_kegiatan": ["", "", ""],
        "uraian": ["", "", "Festival Klender"],
        "labels": ["perjalanan_dinas", "none", "seremonial"],
    }).to_csv(path, index=False)
    scores, misses = evaluate(path)
    assert scores.loc["perjalanan_dinas", "precision"] == 1.0
    assert scores.loc["rapat_seminar", "precision"] == 0.0
    assert misses["id"].tolist() == ["b"]
    assert scores.loc["micro", "support"] == 2 and scores.loc["micro", "predicted"] == 3
    assert main([str(path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "precision" in out and "micro" in out and "b: expected none | got rapat_seminar" in out


def test_missing_or_bad_file_exits_2(tmp_path, capsys):
    assert main([str(tmp_path / "nope.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and err.count("\n") == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main([str(bad)]) == 2
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("id,labels\nx,tidak_ada\n", encoding="utf-8")
    assert main([str(unknown)]) == 2
