"""The ``efisiensi`` command line: thin over the public API.

Exit status: 0 when the job ran, 2 for unusable input or arguments (one line naming
the file and the problem, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd

from . import __version__
from ._errors import EfisiensiError, LoadError
from ._format import rupiah, table
from ._load import findings, load

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"

TEXT = {
    "id": {
        "file": "Berkas", "rows": "Baris", "layout": "Tata letak", "total": "Total anggaran (Rp)",
        "before": "Total sebelum (Rp)", "skpd": "SKPD", "per_file": "Yang terbaca per berkas",
        "per_skpd": "Total anggaran per SKPD (Rp)", "findings": "Temuan saat membaca",
        "none": "Tidak ada temuan.", "code": "Kode", "row": "Baris", "msg": "Pesan",
        "more": "… dan {n} temuan lain (lihat efisiensi.findings(df))",
        "no_samples": "data contoh tidak ditemukan di {p}",
    },
    "en": {
        "file": "File", "rows": "Rows", "layout": "Layout", "total": "Total amount (Rp)",
        "before": "Total before (Rp)", "skpd": "SKPD", "per_file": "What was read, per file",
        "per_skpd": "Total amount per SKPD (Rp)", "findings": "Findings while reading",
        "none": "No findings.", "code": "Code", "row": "Row", "msg": "Message",
        "more": "… and {n} more findings (see efisiensi.findings(df))",
        "no_samples": "sample data not found in {p}",
    },
}


def _sum(s: pd.Series) -> Decimal:
    from ._money import money_sum

    return money_sum(s)


def describe(df: pd.DataFrame, lang: str = "id", max_findings: int = 20) -> str:
    """A readable summary of a loaded table: per file, per SKPD, and the findings."""
    t = TEXT[lang]
    out: list[str] = []
    rows = []
    for f, g in df.groupby("sumber_file", sort=False):
        before = g["anggaran_sebelum"]
        rows.append([Path(str(f)).name, rupiah(len(g), lang), ", ".join(sorted(set(g["tata_letak"]))),
                     rupiah(_sum(g["anggaran"]), lang),
                     rupiah(_sum(before), lang) if before.notna().any() else "-"])
    out += [t["per_file"], table(rows, [t["file"], t["rows"], t["layout"], t["total"], t["before"]], "lrlrr"), ""]

    files = list(dict.fromkeys(df["sumber_file"]))
    skpd = df["kode_skpd"].where(df["kode_skpd"] != "", "-") + " " + df["nama_skpd"]
    pivot: dict[str, dict[str, Decimal]] = {}
    for (name, f), g in df.groupby([skpd, "sumber_file"], sort=True):
        pivot.setdefault(str(name), {})[str(f)] = _sum(g["anggaran"])
    prow = [[n[:60]] + [rupiah(v.get(f), lang) for f in files] for n, v in pivot.items()]
    short = [Path(f).stem[:24] for f in files]
    out += [t["per_skpd"], table(prow, [t["skpd"], *short], "l" + "r" * len(files)), ""]

    fnd = findings(df)
    out.append(f"{t['findings']}: {len(fnd)}")
    if len(fnd) == 0:
        out.append(t["none"])
    else:
        frows = [[Path(str(r.file)).name, "" if pd.isna(r.row) else str(r.row), r.code, str(r.message)[:90]]
                 for r in fnd.head(max_findings).itertuples()]
        out.append(table(frows, [t["file"], t["row"], t["code"], t["msg"]]))
        if len(fnd) > max_findings:
            out.append(t["more"].format(n=len(fnd) - max_findings))
    return "\n".join(out)


def _cmd_baca(args: argparse.Namespace) -> int:
    df = load(args.files, errors="auto", progress=args.progress)
    print(describe(df, args.lang))
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    if not SAMPLES.is_dir():
        raise LoadError(TEXT[args.lang]["no_samples"].format(p=SAMPLES))
    args.files = [str(p) for p in sorted(SAMPLES.glob("*.xlsx"))]
    return _cmd_baca(args)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="efisiensi",
        description="Audit APBD terhadap Inpres 1/2025 (efisiensi belanja).",
        epilog="Contoh: efisiensi baca data/samples/2025_1_murni_rekap5.xlsx",
    )
    p.add_argument("--version", action="version", version=f"efisiensi {__version__}")
    p.add_argument("--lang", choices=["id", "en"], default="id", help="bahasa keluaran (id|en)")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("baca", aliases=["load"], help="baca berkas anggaran dan ringkas isinya",
                       epilog="Contoh: efisiensi baca dpa/ 'sipd/*.xlsx' rincian.csv")
    b.add_argument("files", nargs="+", help="berkas, folder, atau pola glob")
    b.add_argument("--progress", action="store_true", help="tampilkan kemajuan per berkas")
    b.set_defaults(func=_cmd_baca)
    d = sub.add_parser("demo", help="jalankan pada data contoh Kab. Buru")
    d.set_defaults(func=_cmd_demo, progress=False)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except EfisiensiError as err:
        print(f"efisiensi: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("efisiensi: dihentikan", file=sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001 - a bug still gets one line, not a traceback
        print(f"efisiensi: kesalahan tak terduga ({type(err).__name__}: {err}); "
              "laporkan dengan berkas masukannya", file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
