"""The ``efisiensi`` command line: thin over the public API.

Exit status: 0 when the job ran (whatever the compliance), 1 with
``--fail-on-noncompliance`` when a numeric target is not met, 2 for unusable input or
arguments (one line naming the file and the problem, never a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from ._errors import EfisiensiError, LoadError
from ._format import safe
from ._io import InputSet, check_distinct, check_output
from ._load import load
from ._version import __version__

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
DEMO_BASELINE = "2025_1_murni_rekap5.xlsx"
DEMO_REVISED = "2025_3_penyesuaian_rekap5.xlsx"


class UsageError(EfisiensiError, ValueError):
    """Arguments that do not make a job."""


#: output options and the file name endings each accepts
OUTPUTS = (("--out", "out", (".xlsx",)), ("--json", "json", (".json",)), ("--html", "html", (".html", ".htm")))


def _say(text: str, file=None) -> None:
    """Print, quietly stopping when the reader went away (``| head``)."""
    out = file or sys.stdout
    try:
        out.write(text + "\n")
        out.flush()
    except BrokenPipeError:
        _reader_gone(out)


def _reader_gone(out) -> None:
    # keep the interpreter from complaining at exit: further output goes nowhere
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
    except (OSError, ValueError):
        pass


def _check_outputs(args: argparse.Namespace, inputs: list) -> None:
    """Every output checked before any work: its name, that it is no input, that it can be written."""
    given = [(opt, getattr(args, attr, None), suffixes) for opt, attr, suffixes in OUTPUTS]
    check_distinct([(opt, p) for opt, p, _ in given])
    ins = InputSet.of(inputs)
    for _opt, p, suffixes in given:
        if p is not None and str(p) != "-":
            check_output(Path(p), ins, suffixes)


def _need_dask(args: argparse.Namespace) -> None:
    """Dask runs more than one worker or joins a scheduler; known before any work."""
    if (getattr(args, "workers", None) or 0) > 1 or getattr(args, "scheduler", None):
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise UsageError("--workers N (N > 1) dan --scheduler perlu Dask: pip install 'efisiensi[dask]'") from None


@contextmanager
def _progress(enabled: bool, lang: str):
    """A rich progress bar on stderr, fed by the loaders' per-file callback."""
    if not enabled:
        yield False
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    label = "Membaca berkas" if lang == "id" else "Reading files"
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.fields[path]}"), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None, path="")

        def update(done: int, total: int, path: str) -> None:
            bar.update(task, completed=done, total=total, path=Path(path).name)

        yield update


def _show_progress(args: argparse.Namespace) -> bool:
    return bool(args.progress) or (sys.stderr.isatty() and not getattr(args, "quiet", False))


def _cmd_baca(args: argparse.Namespace) -> int:
    from .report.terminal import describe_load

    with _progress(_show_progress(args), args.lang) as cb:
        df = load(args.files, errors="auto", progress=cb)
    _say(describe_load(df, args.lang))
    return 0


def _run_audit(args: argparse.Namespace, baseline, revised, stages=None) -> int:
    from rich.console import Console

    from .compliance import audit
    from .report.terminal import AUDIT_TEXT, describe_audit, print_audit

    given = [p for _, paths in stages or [] for p in paths]
    _check_outputs(args, list(baseline or []) + list(revised or []) + given)
    _need_dask(args)
    scale = {}
    if getattr(args, "workers", None) or getattr(args, "scheduler", None) or getattr(args, "run_dir", None):
        scale = {"workers": args.workers, "run_dir": args.run_dir}
        if args.scheduler:
            scale["client"] = _connect(args.scheduler)
    with _progress(_show_progress(args), args.lang) as cb:
        a = audit(baseline or None, revised or None, policy=args.policy, progress=cb, stages=stages,
                  judge_at=getattr(args, "judge_at", None), tahun=getattr(args, "tahun", None),
                  multi_year=bool(getattr(args, "multi_year", False)), **scale)
    if getattr(args, "judge_at", None) and not a.stages:
        raise UsageError("--judge-at berlaku untuk lini masa (--tahap, folder berkas tahap, atau berkas "
                         "dengan kolom tiga tahap); masukan ini hanya dua tahap")
    # outputs first: a failure is one line before any table, and a closed pipe cannot stop them
    written = []
    if args.json and args.json != "-":
        a.to_json(args.json)
    if args.out:
        written.append(a.to_excel(args.out, lang=args.lang))
    if getattr(args, "html", None):
        written.append(a.to_html(args.html, lang=args.lang))
    notes = sys.stderr if args.json == "-" else sys.stdout
    if args.json == "-":
        _say(a.to_json().rstrip("\n"))
        _say(describe_audit(a, args.lang), sys.stderr)
    else:
        try:
            print_audit(a, args.lang, Console())
        except BrokenPipeError:
            _reader_gone(sys.stdout)
    for path in written:
        _say(AUDIT_TEXT[args.lang]["report"].format(p=safe(path)), notes)
    if args.fail_on_noncompliance and (len(a.not_met) or _undone(a)):
        return 1
    return 0


def _undone(a) -> bool:
    """A numeric target met at the judged stage and undone at a later one (``cut_reversed``)."""
    tl = a.timeline
    if tl is None or tl.empty:
        return False
    numeric = {t.id for t in a.policy.targets if t.kind == "numeric"}
    return bool((tl["target"].isin(numeric) & (tl["keterangan"] != "")).any())


def _connect(address: str):
    """A Dask client for an existing scheduler, with a one-line error when it cannot be had."""
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--scheduler perlu Dask: pip install 'efisiensi[dask]'") from None
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError) as err:
        raise UsageError(f"scheduler {address} tidak dapat dihubungi: {err}") from None


def _stages_arg(items: list[str]) -> list[tuple[str, list[str]]]:
    """``--tahap TAHAP=PATH`` given several times: the stages in the order given, the
    files of a stage named twice kept together."""
    from .read.stages import parse_stage

    out: dict[str, list[str]] = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise UsageError(f"--tahap {item!r}: tulis TAHAP=BERKAS, mis. --tahap murni=murni.xlsx")
        stage = parse_stage(name.strip())  # an unknown stage name: one line, exit 2
        out.setdefault(stage.label or stage.tahap, []).append(path.strip())
    return list(out.items())


def _check_timeline_args(args: argparse.Namespace) -> None:
    tahap = getattr(args, "tahap", None)
    if tahap:
        _stages_arg(tahap)  # TAHAP=BERKAS, a known stage: said before anything else
    if tahap and (args.baseline or args.revised or args.files):
        raise UsageError("--tahap tidak dapat digabung dengan --baseline/--revised atau berkas lain; "
                         "beri setiap berkas dengan --tahap TAHAP=BERKAS")
    if args.tahun is not None and args.multi_year:
        raise UsageError("--tahun memilih satu tahun, --multi-year menjumlahkan beberapa tahun: pilih salah satu")
    if args.tahun is not None and not 1900 <= args.tahun <= 2100:
        raise UsageError(f"--tahun {args.tahun}: tulis tahun anggaran empat angka, mis. --tahun 2025")
    if args.revised and (args.tahun is not None or args.judge_at):
        opt = "--tahun" if args.tahun is not None else "--judge-at"
        raise UsageError(f"{opt} berlaku untuk lini masa (--tahap atau folder berkas tahap), bukan untuk "
                         "--baseline/--revised")


def _cmd_audit(args: argparse.Namespace) -> int:
    _check_timeline_args(args)
    if args.tahap:
        return _run_audit(args, None, None, _stages_arg(args.tahap))
    if args.baseline:
        baseline = list(args.baseline) + list(args.files or [])
    elif args.files:
        baseline = list(args.files)
    else:
        raise UsageError("beri berkas, atau --baseline dan --revised (lihat efisiensi audit --help)")
    if args.revised and not args.baseline and not args.files:
        raise UsageError("--revised perlu --baseline")
    return _run_audit(args, baseline, args.revised)


def _cmd_demo(args: argparse.Namespace) -> int:
    base, rev = SAMPLES / DEMO_BASELINE, SAMPLES / DEMO_REVISED
    if not (base.is_file() and rev.is_file()):
        raise LoadError(f"data contoh tidak ditemukan di {SAMPLES}")
    args.json = None
    args.files = []
    return _run_audit(args, [str(base)], [str(rev)])


def _cmd_categories(args: argparse.Namespace) -> int:
    from ._format import table
    from .categories import list_rules

    rules = list_rules(args.rules)
    if args.category:
        rules = rules[rules["category"] == args.category]
        if rules.empty:
            raise UsageError(f"kategori {args.category!r} tidak dikenal")
    for cat, g in rules.groupby("category", sort=False):
        _say(f"\n{cat}")
        _say(table([[r.id, r.kind, str(r.matches)[:70], str(r.citation)[:50]] for r in g.itertuples()],
                    ["aturan" if args.lang == "id" else "rule", "jenis" if args.lang == "id" else "kind",
                     "cocok dengan" if args.lang == "id" else "matches", "dasar" if args.lang == "id" else "basis"]))
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import main as evaluate_main

    return evaluate_main([args.labels, "--lang", args.lang, "--rules", args.rules])


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="efisiensi",
        description="Audit APBD terhadap Inpres 1/2025 (efisiensi belanja). "
                    "Audits Indonesian regional budgets for Presidential Instruction 1/2025.",
        epilog="Contoh / examples:\n"
               "  efisiensi demo\n"
               "  efisiensi audit --baseline murni.xlsx --revised penyesuaian.xlsx --out laporan.xlsx\n"
               "  efisiensi baca dpa/ 'sipd/*.xlsx'\n"
               "  efisiensi categories perjalanan_dinas\n"
               "  efisiensi --lang en audit dppa.xlsx --json -",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"efisiensi {__version__}")
    p.add_argument("--lang", choices=["id", "en"], default="id", help="bahasa keluaran / output language (id|en)")
    sub = p.add_subparsers(dest="command", required=True, metavar="PERINTAH")

    a = sub.add_parser(
        "audit", help="audit kepatuhan: baseline (murni) vs revisi, per kategori dan per SKPD",
        description="Bandingkan APBD murni dengan APBD setelah efisiensi menurut sebuah kebijakan.",
        epilog="Contoh:\n  efisiensi audit --baseline murni.xlsx --revised penyesuaian.xlsx --json hasil.json\n"
               "  efisiensi audit dppa/ --policy s37-2025 --out laporan.xlsx\n"
               "  efisiensi audit --baseline murni/ --revised revisi/ --policy kebijakan-pemda.toml "
               "--fail-on-noncompliance\n"
               "\nLini masa (murni → pergeseran → penyesuaian → perubahan → realisasi):\n"
               "  efisiensi audit data/samples/          folder berkas tahap SIPD satu tahun (nama berkas = tahap)\n"
               "  efisiensi audit sipd/ --tahun 2025     hanya berkas tahun 2025 dari folder beberapa tahun\n"
               "  efisiensi audit --tahap murni=m.xlsx --tahap penyesuaian=p.xlsx --tahap perubahan=pa.xlsx\n"
               "  efisiensi audit dkkb.xlsx --judge-at perubahan   satu berkas dengan kolom tiga tahap\n"
               "Target dinilai di tahap efisiensi/penyesuaian (--judge-at untuk tahap lain); tahap sesudahnya\n"
               "dinyatakan bertahan atau 'potongan dibatalkan di <tahap>'. --fail-on-noncompliance keluar 1\n"
               "juga bila potongan yang tercapai dibatalkan di tahap sesudahnya. Tahun berbeda dalam satu\n"
               "lini masa, berkas yang sama di dua tahap, atau dua versi satu tahap: satu baris, status 2.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("files", nargs="*", help="berkas yang memuat dua tahap (sebelum/sesudah), atau satu tahap")
    a.add_argument("--baseline", nargs="+", metavar="PATH", help="APBD murni: berkas, folder atau pola glob")
    a.add_argument("--revised", nargs="+", metavar="PATH", help="APBD revisi: berkas, folder atau pola glob")
    a.add_argument("--tahap", action="append", metavar="TAHAP=PATH",
                   help="lini masa: tahap sebuah berkas/folder, diulang per tahap dan urut, mis. --tahap "
                        "murni=a.xlsx --tahap penyesuaian=b.xlsx --tahap perubahan=c.xlsx (murni, pergeseran1, "
                        "efisiensi, penyesuaian, perubahan, realisasi)")
    a.add_argument("--tahun", type=int, metavar="YYYY",
                   help="lini masa: pakai hanya berkas/baris tahun anggaran ini (berkas tahun lain dilewati, dicatat)")
    a.add_argument("--multi-year", action="store_true",
                   help="jumlahkan berkas beberapa tahun dalam satu tahap dengan sadar (bawaan: ditolak)")
    a.add_argument("--judge-at", metavar="TAHAP",
                   help="lini masa: tahap tempat target dinilai terhadap murni (bawaan: efisiensi/penyesuaian)")
    a.add_argument("--policy", default="inpres-1-2025", help="inpres-1-2025 (bawaan), s37-2025, atau berkas .toml")
    a.add_argument("--json", metavar="PATH|-", help="tulis hasil JSON ke berkas, atau '-' untuk stdout")
    a.add_argument("--out", metavar="REPORT.xlsx", help="tulis laporan Excel (bukti per baris)")
    a.add_argument("--html", metavar="RINGKASAN.html", help="tulis ringkasan HTML mandiri (untuk dibagikan, dicetak)")
    a.add_argument("--fail-on-noncompliance", action="store_true",
                   help="keluar dengan status 1 bila target numerik tidak tercapai (pada lini masa: juga bila "
                        "potongan yang tercapai dibatalkan di tahap sesudahnya)")
    a.add_argument("--progress", action="store_true", help="tampilkan kemajuan per berkas")
    a.add_argument("--workers", type=int, metavar="N",
                   help="baca dan kategorikan per berkas di N proses Dask lokal (pip install 'efisiensi[dask]')")
    a.add_argument("--scheduler", metavar="tcp://host:8786", help="gunakan cluster Dask yang sudah berjalan")
    a.add_argument("--run-dir", metavar="FOLDER",
                   help="simpan hasil per berkas (Parquet) di sini; jalankan lagi untuk melanjutkan")
    a.set_defaults(func=_cmd_audit)

    b = sub.add_parser("baca", aliases=["load"], help="baca berkas anggaran dan ringkas isinya",
                       epilog="Contoh: efisiensi baca dpa/ 'sipd/*.xlsx' rincian.csv")
    b.add_argument("files", nargs="+", help="berkas, folder, atau pola glob")
    b.add_argument("--progress", action="store_true", help="tampilkan kemajuan per berkas")
    b.set_defaults(func=_cmd_baca)

    c = sub.add_parser("categories", aliases=["kategori"], help="daftar kategori dan aturannya",
                       epilog="Contoh: efisiensi categories perjalanan_dinas")
    c.add_argument("category", nargs="?", help="satu kategori saja")
    c.add_argument("--rules", default="inpres-1-2025", help="paket aturan atau berkas .toml")
    c.set_defaults(func=_cmd_categories)

    e = sub.add_parser("evaluate", help="ukur ketepatan kategorisasi pada CSV berlabel",
                       epilog="Contoh: efisiensi evaluate ../shared/data/labelled/dev.csv")
    e.add_argument("labels", help="CSV berlabel (kolom seperti dev.csv)")
    e.add_argument("--rules", default="inpres-1-2025", help="paket aturan atau berkas .toml")
    e.set_defaults(func=_cmd_evaluate)

    d = sub.add_parser("demo", help="audit data contoh Kab. Buru dan tulis report.xlsx")
    d.add_argument("--out", default="report.xlsx", help="laporan Excel (bawaan: report.xlsx)")
    d.add_argument("--html", metavar="RINGKASAN.html", help="tulis juga ringkasan HTML")
    d.set_defaults(func=_cmd_demo, progress=False, policy="inpres-1-2025", fail_on_noncompliance=False,
                   workers=None, scheduler=None, run_dir=None, tahap=None, tahun=None, multi_year=False,
                   judge_at=None)
    for sp in (a, b, c, e, d):  # --lang before or after the subcommand
        sp.add_argument("--lang", choices=["id", "en"], default=argparse.SUPPRESS,
                        help="bahasa keluaran / output language (id|en)")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except EfisiensiError as err:
        _say(f"efisiensi: {safe(err)}", sys.stderr)
        return 2
    except BrokenPipeError:
        _reader_gone(sys.stdout)
        return 0
    except KeyboardInterrupt:
        _say("efisiensi: dihentikan", sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001 - a bug still gets one line, not a traceback
        _say(f"efisiensi: kesalahan tak terduga ({type(err).__name__}: {safe(err)}); "
             "laporkan dengan berkas masukannya", sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
