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

from ._errors import EfisiensiError, LoadError
from ._format import rupiah, table
from ._load import findings, load
from ._version import __version__


class UsageError(EfisiensiError, ValueError):
    """Arguments that do not make a job."""


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


STATUS_TEXT = {
    "id": {"met": "tercapai", "not_met": "TIDAK TERCAPAI", "decreased": "turun", "unchanged": "tetap",
           "increased": "NAIK", "no_baseline": "tanpa baseline", "profile": "profil"},
    "en": {"met": "met", "not_met": "NOT MET", "decreased": "decreased", "unchanged": "unchanged",
           "increased": "INCREASED", "no_baseline": "no baseline", "profile": "profile"},
}
AUDIT_TEXT = {
    "id": {"title": "Audit {policy}", "source": "Dasar hukum", "target": "Kategori", "base": "Baseline (Rp)",
           "rev": "Revisi (Rp)", "pct": "Perubahan", "goal": "Target", "status": "Status",
           "short": "Kekurangan (Rp)", "agencies": "SKPD yang belum memenuhi target {t}: {n} dari {m}",
           "rec_ok": "Rekonsiliasi: semua rupiah terbaca tercatat (OK).",
           "rec_bad": "REKONSILIASI GAGAL: ada rupiah yang tidak tercatat; lihat audit.reconciliation",
           "findings": "Temuan: {n} (kode: {codes})", "cut": "potong {p}%", "down": "turun"},
    "en": {"title": "Audit {policy}", "source": "Legal source", "target": "Category", "base": "Baseline (Rp)",
           "rev": "Revised (Rp)", "pct": "Change", "goal": "Target", "status": "Status",
           "short": "Shortfall (Rp)", "agencies": "Agencies not meeting the {t} target: {n} of {m}",
           "rec_ok": "Reconciliation: every rupiah read is accounted for (OK).",
           "rec_bad": "RECONCILIATION FAILED: see audit.reconciliation",
           "findings": "Findings: {n} (codes: {codes})", "cut": "cut {p}%", "down": "fall"},
}


def describe_audit(a, lang: str = "id") -> str:
    """The terminal summary of an audit."""
    t, st = AUDIT_TEXT[lang], STATUS_TEXT[lang]
    rows = []
    for r in a.summary.itertuples(index=False):
        goal = t["cut"].format(p=f"{r.target_cut_pct:g}") if r.kind == "numeric" else (
            t["down"] if r.kind == "directional" else "-")
        pct = "-" if pd.isna(r.change_pct) else f"{r.change_pct:+.1f}%".replace(".", "," if lang == "id" else ".")
        rows.append([r.target, rupiah(r.baseline, lang), rupiah(None if pd.isna(r.revised) else r.revised, lang),
                     pct, goal, st[r.status], rupiah(r.shortfall, lang)])
    out = [t["title"].format(policy=a.policy.name), f"{t['source']}: {a.policy.legal_source}", "",
           table(rows, [t["target"], t["base"], t["rev"], t["pct"], t["goal"], t["status"], t["short"]],
                 "lrrrllr"), ""]
    for target in a.policy.targets:
        if target.kind != "numeric" or a.revised_files is None:
            continue
        g = a.by_agency[(a.by_agency["target"] == target.id) & (a.by_agency["baseline"] > 0)]
        bad = g[g["status"] == "not_met"]
        out.append(t["agencies"].format(t=target.id, n=len(bad), m=len(g)))
    out.append(t["rec_ok"] if a.reconciled else t["rec_bad"])
    codes = ", ".join(sorted(set(a.findings["code"]))) or "-"
    out.append(t["findings"].format(n=len(a.findings), codes=codes))
    return "\n".join(out)


def _cmd_audit(args: argparse.Namespace) -> int:
    from .compliance import audit

    baseline = list(args.baseline or []) + list(args.files or [])
    if not baseline:
        raise UsageError("beri berkas, atau --baseline dan --revised")
    if args.revised and not args.baseline and args.files:
        baseline = list(args.files)
    a = audit(baseline, args.revised or None, policy=args.policy, progress=args.progress)
    human = describe_audit(a, args.lang)
    if args.json == "-":
        sys.stdout.write(a.to_json())
        print(human, file=sys.stderr)
    else:
        print(human)
        if args.json:
            a.to_json(args.json)
    if args.out:
        a.to_excel(args.out, lang=args.lang)
    if args.fail_on_noncompliance and len(a.not_met):
        return 1
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
    a = sub.add_parser(
        "audit", help="audit kepatuhan: baseline (murni) vs revisi, per kategori dan per SKPD",
        description="Bandingkan APBD murni dengan APBD setelah efisiensi menurut sebuah kebijakan.",
        epilog="Contoh:\n  efisiensi audit --baseline murni.xlsx --revised penyesuaian.xlsx --json hasil.json\n"
               "  efisiensi audit dppa/ --policy s37-2025\n"
               "  efisiensi audit --baseline murni/ --revised revisi/ --policy kebijakan-pemda.toml "
               "--fail-on-noncompliance",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("files", nargs="*", help="berkas yang memuat dua tahap (sebelum/sesudah), atau satu tahap")
    a.add_argument("--baseline", nargs="+", metavar="PATH", help="APBD murni: berkas, folder atau pola")
    a.add_argument("--revised", nargs="+", metavar="PATH", help="APBD revisi: berkas, folder atau pola")
    a.add_argument("--policy", default="inpres-1-2025", help="inpres-1-2025 (bawaan), s37-2025, atau berkas .toml")
    a.add_argument("--json", metavar="PATH|-", help="tulis hasil JSON ke berkas, atau '-' untuk stdout")
    a.add_argument("--out", metavar="REPORT.xlsx", help="tulis laporan Excel")
    a.add_argument("--fail-on-noncompliance", action="store_true",
                   help="keluar dengan status 1 bila target numerik tidak tercapai")
    a.add_argument("--progress", action="store_true", help="tampilkan kemajuan per berkas")
    a.set_defaults(func=_cmd_audit)
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
