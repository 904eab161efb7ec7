"""``make bench``: efisiensi against pandas on the same synthetic APBD files, same run.

Generates realistic files (see ``gen.py``) into a temporary folder, then times each
tool in a fresh subprocess (imports excluded, first call included) and prints one
table: wall time, rows/s, the ratio to the reference measured in the same run
(pandas + openpyxl ``read_excel`` for xlsx, pandas ``read_csv`` for CSV), and the peak
memory the call added (peak RSS, ``VmHWM`` reset before the call, minus RSS before;
with ``workers=N`` the worker processes are not counted) against the size of the
resulting DataFrame.

    python benchmarks/run.py            # full: about 10 minutes on 2 cores
    python benchmarks/run.py --quick    # smaller files, about 2 minutes
    python benchmarks/run.py --keep DIR # keep (and reuse) the generated files in DIR
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _status_mib(field: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> None:
    """Start the peak (VmHWM) afresh, so import-time peaks do not count."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:  # pragma: no cover - not Linux
        pass


def measure(kind: str, path: str, arg: str) -> dict:
    """Run one tool once in this (fresh) process; called through a subprocess."""
    import pandas as pd

    import efisiensi as ef

    p = Path(path)
    _reset_peak()
    before = _status_mib("VmRSS")
    t0 = time.perf_counter()
    frame = None
    if kind == "pandas_xlsx":
        files = sorted(p.glob("*.xlsx")) if p.is_dir() else [p]
        frames = [pd.read_excel(f, engine="openpyxl", skiprows=int(arg or 0)) for f in files]
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    elif kind == "pandas_csv":
        frame = pd.read_csv(p)
    elif kind == "load":
        from efisiensi.verify.runner import SPENT

        frame = ef.load(p)
        checks = SPENT["seconds"]
    elif kind == "audit":
        a = ef.audit(p, workers=int(arg) if arg else None)
        a.to_json()
        rows = int(a.reconciliation["rows"].iloc[-1])
    else:
        raise SystemExit(f"unknown kind {kind}")
    wall = time.perf_counter() - t0
    peak = _status_mib("VmHWM") - before
    out = {"wall": wall, "peak": peak}
    if kind == "load":
        out["checks"] = checks
    if frame is not None:
        out["rows"] = len(frame)
        out["df_mib"] = frame.memory_usage(deep=True).sum() / 2**20
    else:
        out["rows"] = rows
    return out


def run_one(kind: str, path: Path, arg: str = "") -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--measure", kind, str(path), arg]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode:
        raise SystemExit(f"{kind} {path}: {res.stderr[-2000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def generate(folder: Path, quick: bool) -> list[tuple]:
    """The files, and what to measure on each: (label, path, ref kind, ref arg, [(tool, arg)])."""
    import gen

    sizes = [20_000, 50_000] if quick else [50_000, 200_000]
    csv_sizes = [50_000, 200_000] if quick else [50_000, 200_000, 1_000_000]
    blocks = 60 if quick else 300
    agencies = 100 if quick else 500
    cases = []

    def once(path: Path, make) -> Path:
        if not path.exists():
            tmp = path.with_name(path.name + ".part")
            make(tmp)
            tmp.rename(path)
        return path

    for n in sizes:
        f = once(folder / f"rekap_{n}.xlsx", lambda p, n=n: gen.write_xlsx(p, gen.rows(n)))
        cases.append((f"rekap xlsx {n // 1000}k", f, "pandas_xlsx", "", [("load", ""), ("audit", "")]))
    big = sizes[-1]
    f = once(folder / f"title_{big}.xlsx", lambda p: gen.write_xlsx(p, gen.rows(big), title=True))
    cases.append((f"rekap + title block {big // 1000}k", f, "pandas_xlsx", "4", [("load", "")]))
    d = folder / f"per_skpd_{big}"
    if not d.exists():
        gen.write_per_skpd(d, big)
    cases.append((f"{len(list(d.glob('*.xlsx')))} SKPD workbooks {big // 1000}k", d, "pandas_xlsx", "",
                  [("load", ""), ("audit", "")]))
    for n in csv_sizes:
        f = once(folder / f"rekap_{n}.csv", lambda p, n=n: gen.write_csv(p, gen.rows(n)))
        cases.append((f"rekap csv {n // 1000}k", f, "pandas_csv", "", [("load", ""), ("audit", "")]))
    f = once(folder / f"dppa_{blocks}.xlsx", lambda p: gen.write_dppa(p, blocks))
    cases.append((f"DPPA hierarchical, {blocks} sub keg.", f, "pandas_xlsx", "", [("load", ""), ("audit", "")]))
    d = folder / f"agencies_{agencies}"
    if not d.exists():
        gen.write_agencies(d, agencies, 200)
    cases.append((f"{agencies} agency files", d, "pandas_xlsx", "",
                  [("load", ""), ("audit", ""), ("audit", "1"), ("audit", "2")]))
    return cases


def machine() -> str:
    import pandas as pd

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} CPU ({cpu}), {mem:.0f} GiB RAM, Python {platform.python_version()}, "
            f"pandas {pd.__version__}, {platform.system()} {platform.release()}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--measure", nargs=3, metavar=("KIND", "PATH", "ARG"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        kind, path, arg = args.measure
        print(json.dumps(measure(kind, path, arg)))
        return
    tmp = None
    if args.keep:
        folder = args.keep
        folder.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="efisiensi-bench-")
        folder = Path(tmp.name)
    t0 = time.time()
    print(f"generating files in {folder} ...", file=sys.stderr)
    cases = generate(folder, args.quick)
    print(f"generated in {time.time() - t0:.0f} s", file=sys.stderr)
    head = f"| {'case':<34} | {'tool':<22} | {'rows':>9} | {'wall s':>7} | {'rows/s':>9} | {'× ref':>6} | " \
           f"{'peak MiB':>8} | {'peak/df':>7} |"
    lines = [head, "|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|"]
    check_lines = []
    for label, path, ref_kind, ref_arg, tools in cases:
        print(f"  {label}: {ref_kind}", file=sys.stderr)
        ref = run_one(ref_kind, path, ref_arg)
        ref_name = "pandas+openpyxl" if ref_kind == "pandas_xlsx" else "pandas read_csv"
        rows_ref = ref["rows"]
        lines.append(_row(label, f"{ref_name} (ref)", ref, ref["wall"], rows_ref))
        for tool, arg in tools:
            print(f"  {label}: {tool} {arg}", file=sys.stderr)
            r = run_one(tool, path, arg)
            name = {"load": "efisiensi.load", "audit": "efisiensi.audit+JSON"}[tool]
            if arg:
                name += f" workers={arg}"
            lines.append(_row("", name, r, ref["wall"], r["rows"]))
            if "checks" in r:
                check_lines.append(f"  {label}: checks {r['checks']:.3f} s of {r['wall']:.2f} s "
                                   f"({100 * r['checks'] / r['wall']:.1f} % of the load)")
    print("\n".join(lines))
    print("\nverification (efisiensi.verify) inside efisiensi.load:\n" + "\n".join(check_lines))
    print(f"\n{machine()}; total {time.time() - t0:.0f} s")
    if tmp is not None:
        tmp.cleanup()


def _row(label: str, tool: str, r: dict, ref_wall: float, rows: int) -> str:
    df = r.get("df_mib")
    ratio = f"{r['peak'] / df:.1f}" if df else "-"
    return (f"| {label:<34} | {tool:<22} | {rows:>9,} | {r['wall']:>7.2f} | {rows / r['wall']:>9,.0f} | "
            f"{r['wall'] / ref_wall:>6.3f} | {r['peak']:>8.0f} | {ratio:>7} |")


if __name__ == "__main__":
    main()
