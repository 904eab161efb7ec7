"""``make bench``: efisiensi against pandas on the same synthetic APBD files, same run.

Generates realistic files (see ``gen.py``) into a temporary folder, then times each
tool in a fresh subprocess (imports excluded, first call included) and prints one
table: wall and CPU time, rows/s, the ratio to the reference measured in the same run
(pandas + openpyxl ``read_excel`` for xlsx, pandas ``read_csv`` for CSV), the peak
memory the call added (peak RSS, ``VmHWM`` reset before the call, minus RSS before;
with ``workers=N`` the worker processes are not counted) against the size of the
resulting DataFrame, and the target of issue 12 beside each row (met or not). The DKI
rows time the CLI commands on the real file in ``../shared/data/real`` when present.

    python benchmarks/run.py            # full: about 10 minutes on 2 idle cores
    python benchmarks/run.py --quick    # smaller files
    python benchmarks/run.py --keep DIR # keep (and reuse) the generated files in DIR
    python benchmarks/run.py --national [--files 2000 --lines 2500]   # see national.py
    make bench ARGS=--quick; make bench-national
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
    c0 = time.process_time()
    frame = None
    if kind == "pandas_xlsx":
        files = sorted(p.glob("*.xlsx")) if p.is_dir() else [p]
        frames = [pd.read_excel(f, engine="openpyxl", skiprows=int(arg or 0)) for f in files]
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    elif kind == "pandas_csv":
        frame = pd.read_csv(p)
    elif kind == "pandas_csv_text":  # every CSV in the folder, as text (the reference for a whole audit)
        frames = [pd.read_csv(f, sep=arg or ",", dtype=str, keep_default_na=False) for f in sorted(p.glob("*.csv"))]
        frame = pd.concat(frames, ignore_index=True)
    elif kind == "load":
        from efisiensi.verify.runner import SPENT

        frame = ef.load(p)
        checks = SPENT["seconds"]
    elif kind == "audit":
        a = ef.audit(p, workers=int(arg) if arg else None)
        a.to_json()
        rows = int(a.reconciliation["rows"].iloc[-1])
    elif kind == "audit2":  # murni.csv against revisi.csv in the folder
        a = ef.audit(p / "murni.csv", p / "revisi.csv")
        a.to_json()
        rows = int(a.reconciliation.loc[a.reconciliation["file"].str.startswith("("), "rows"].sum())
    elif kind == "national":  # arg: "workers;run_dir;json out" (empty parts: serial, no folder)
        w, run_dir, out_path = arg.split(";")
        extra = {}
        if w and int(w) > 1:
            # the cluster ef.audit(workers=N) starts (its start-up is timed), with the task
            # stream on, to tell the time spent in map tasks from the scheduling around them
            from efisiensi.compliance._distributed import _local_client

            client = _local_client(int(w))
            extra["startup"] = time.perf_counter() - t0
            with _task_stream(client) as stream:
                a = ef.audit(p, client=client, run_dir=run_dir or None)
            extra.update(stream.summary(int(w)))
            cluster = client.cluster
            client.close()
            cluster.close()
        else:
            a = ef.audit(p, run_dir=run_dir or None)
        Path(out_path).write_text(a.to_json(), encoding="utf-8")
        rows = int(a.reconciliation["rows"].iloc[-1])
        extra["files"] = int((~a.reconciliation["file"].astype(str).str.startswith("(")).sum())
    elif kind == "cli":  # the command a user types, in this process (imports excluded)
        import contextlib
        import io

        from efisiensi.cli import main as cli

        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = cli([arg, str(p)])
        if code not in (0, 1):
            raise SystemExit(f"efisiensi {arg} exited {code}")
        rows = 0
    else:
        raise SystemExit(f"unknown kind {kind}")
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    peak = _status_mib("VmHWM") - before
    out = {"wall": wall, "cpu": cpu, "peak": peak}
    if kind == "national":
        out.update(extra)
    if kind == "load":
        out["checks"] = checks
    if frame is not None:
        out["rows"] = len(frame)
        out["df_mib"] = frame.memory_usage(deep=True).sum() / 2**20
    else:
        out["rows"] = rows
    return out


class _task_stream:
    """The map tasks' compute intervals on the workers (``distributed``'s task stream)."""

    def __init__(self, client) -> None:
        from distributed import get_task_stream

        self._ctx = get_task_stream(client=client)

    def __enter__(self) -> _task_stream:
        self._ts = self._ctx.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._ctx.__exit__(*exc)

    def summary(self, workers: int) -> dict:
        """Tasks, seconds computing, and the map window (first start to last stop):
        ``window × workers − compute`` is what scheduling, transfer and idle workers cost."""
        spans = [(ss["start"], ss["stop"]) for t in self._ts.data if str(t.get("key", "")).startswith("efisiensi-")
                 for ss in t.get("startstops", []) if ss.get("action") == "compute"]
        if not spans:
            return {"tasks": 0, "task_s": 0.0, "window": 0.0}
        return {"tasks": len(spans), "task_s": sum(b - a for a, b in spans),
                "window": max(b for _, b in spans) - min(a for a, _ in spans)}


def run_one(kind: str, path: Path, arg: str = "") -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--measure", kind, str(path), arg]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode:
        raise SystemExit(f"{kind} {path}: {res.stderr[-2000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


REAL = HERE.parent.parent / "shared" / "data" / "real"


def generate(folder: Path, quick: bool) -> list[tuple]:
    """The files, and what to measure on each.

    Each case is ``(label, path, ref kind, ref arg, [(tool, arg, target)])``; a target is
    ``("ref", x)`` (at most x × the reference), ``("serial", x)`` (at most x × the serial
    audit of the same case), ``("s", x)`` (at most x seconds) or ``("peak", x)`` (peak
    memory at most x × the resulting DataFrame).
    """
    import gen

    sizes = [20_000, 50_000] if quick else [50_000, 200_000]
    csv_sizes = [50_000, 200_000] if quick else [50_000, 200_000, 1_000_000]
    sipd = 20_000 if quick else 100_000
    blocks = 60 if quick else 300
    agencies = 100 if quick else 500
    cases = []

    def once(path: Path, make) -> Path:
        if not path.exists():
            tmp = path.with_name(path.name + ".part")
            make(tmp)
            tmp.rename(path)
        return path

    d = folder / f"sipd_csv_{sipd}"
    if not (d / "revisi.csv").exists():
        d.mkdir(parents=True, exist_ok=True)
        gen.write_csv(d / "murni.csv", gen.rows(sipd, seed=1), sep=";", indonesian_numbers=True)
        gen.write_csv(d / "revisi.csv", gen.rows(sipd, seed=2), sep=";", indonesian_numbers=True)
    cases.append((f"2 SIPD CSVs ; Indonesian, {sipd // 1000}k each", d, "pandas_csv_text", ";",
                  [("audit2", "", ("ref", 3.0))]))
    for n in csv_sizes:
        f = once(folder / f"rekap_{n}.csv", lambda p, n=n: gen.write_csv(p, gen.rows(n)))
        cases.append((f"rekap csv {n // 1000}k", f, "pandas_csv", "", [("load", "", ("ref", 2.0)),
                                                                        ("audit", "", ("ref", 3.0))]))
    for n in sizes:
        f = once(folder / f"rekap_{n}.xlsx", lambda p, n=n: gen.write_xlsx(p, gen.rows(n)))
        big = n == sizes[-1]
        cases.append((f"rekap xlsx {n // 1000}k", f, "pandas_xlsx", "",
                      [("load", "", ("ref", 0.10)), ("load", "", ("peak", 3.0)) if big else None,
                       ("audit", "", ("ref", 0.15))]))
    big = sizes[-1]
    f = once(folder / f"title_{big}.xlsx", lambda p: gen.write_xlsx(p, gen.rows(big), title=True))
    cases.append((f"rekap + title block {big // 1000}k", f, "pandas_xlsx", "4", [("load", "", ("ref", 0.10))]))
    d = folder / f"per_skpd_{big}"
    if not d.exists():
        gen.write_per_skpd(d, big)
    cases.append((f"{len(list(d.glob('*.xlsx')))} SKPD workbooks {big // 1000}k", d, "pandas_xlsx", "",
                  [("load", "", ("ref", 0.10)), ("audit", "", ("ref", 0.15))]))
    f = once(folder / f"dppa_{blocks}.xlsx", lambda p: gen.write_dppa(p, blocks))
    cases.append((f"printed DPPA, {blocks} sub kegiatan", f, "pandas_xlsx", "",
                  [("load", "", ("ref", 0.5)), ("audit", "", ("ref", 0.5))]))
    d = folder / f"agencies_{agencies}"
    if not d.exists():
        gen.write_agencies(d, agencies, 200)
    cases.append((f"{agencies} agency files", d, "pandas_xlsx", "",
                  [("load", "", ("ref", 0.5)), ("audit", "", ("ref", 0.5)), ("national", "2;;/dev/null", ("serial", 1.0))]))
    dki = REAL / "dki-rapbd2015-pantau" / "data.csv"
    if dki.exists():
        cases.append(("DKI RAPBD 2015 (real, 16.7k rows)", dki, "pandas_csv", "",
                      [("cli", "audit", ("s", 3.0)), ("cli", "baca", ("s", 3.0))]))
    else:
        print(f"  skipped the DKI rows: {dki} not found", file=sys.stderr)
    return [(label, path, rk, ra, [t for t in tools if t]) for label, path, rk, ra, tools in cases]


def machine() -> str:
    import pandas as pd

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} CPU ({cpu}), {mem:.0f} GiB RAM, Python {platform.python_version()}, "
            f"pandas {pd.__version__}, {platform.system()} {platform.release()}")


NAMES = {"load": "efisiensi.load", "audit": "efisiensi.audit+JSON", "audit2": "efisiensi.audit+JSON",
         "cli": "efisiensi", "national": "efisiensi.audit+JSON workers=2"}
HEAD = (f"| {'case':<36} | {'tool':<32} | {'rows':>9} | {'wall s':>7} | {'cpu s':>7} | {'rows/s':>9} | "
        f"{'× ref':>6} | {'peak MiB':>8} | {'peak/df':>7} | {'target':>16} | {'met':>3} |")


def _judge(target: tuple, r: dict, ref: dict, serial: dict | None) -> tuple[str, str]:
    kind, x = target
    if kind == "ref":
        v = r["wall"] / ref["wall"]
        return f"≤ {x:g} × ref", "yes" if v <= x else "NO"
    if kind == "serial":
        if serial is None:
            return f"≤ {x:g} × serial", "-"
        v = r["wall"] / serial["wall"]
        return f"{v:.2f} × serial ≤ {x:g}", "yes" if v <= x else "NO"
    if kind == "s":
        return f"≤ {x:g} s", "yes" if r["wall"] <= x else "NO"
    df = r.get("df_mib")
    return f"peak ≤ {x:g} × df", ("yes" if df and r["peak"] / df <= x else "NO")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--national", action="store_true",
                    help="the national-scale run (see national.py): serial, --workers 2, resume after kill -9")
    ap.add_argument("--files", type=int, default=2000, help="--national: agency files")
    ap.add_argument("--lines", type=int, default=2500, help="--national: lines per file")
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
    if args.national:
        import national

        national.main(folder, args.files, args.lines)
        if tmp is not None:
            tmp.cleanup()
        return
    t0 = time.time()
    print(f"generating files in {folder} ...", file=sys.stderr)
    cases = generate(folder, args.quick)
    print(f"generated in {time.time() - t0:.0f} s", file=sys.stderr)
    check_lines = []
    lines = [HEAD, "|" + "|".join("-" * (len(c)) for c in HEAD.split("|")[1:-1]) + "|"]
    for label, path, ref_kind, ref_arg, tools in cases:
        print(f"  {label}: {ref_kind}", file=sys.stderr)
        ref = run_one(ref_kind, path, ref_arg)
        ref_name = {"pandas_xlsx": "pandas+openpyxl", "pandas_csv": "pandas read_csv",
                    "pandas_csv_text": "pandas read_csv, as text"}[ref_kind]
        lines.append(_row(label, f"{ref_name} (ref)", ref, ref["wall"], ref["rows"], ("", "")))
        serial = None
        done: dict[tuple, dict] = {}
        for tool, arg, target in tools:
            print(f"  {label}: {tool} {arg}", file=sys.stderr)
            r = done.get((tool, arg)) or run_one(tool, path, arg)
            done[(tool, arg)] = r
            if tool == "audit" and not arg:
                serial = r
            name = NAMES[tool] + (f" {arg}" if tool == "cli" else (f" workers={arg}" if arg and tool != "national"
                                                                      else ""))
            lines.append(_row("", name, r, ref["wall"], r["rows"], _judge(target, r, ref, serial)))
            if tool == "national":
                import national

                check_lines.append(f"  {label}: " + national.overhead(r, r["files"]))
            if "checks" in r:
                check_lines.append(f"  {label}: checks {r['checks']:.3f} s of {r['wall']:.2f} s "
                                   f"({100 * r['checks'] / r['wall']:.1f} % of the load)")
    print("\n".join(lines))
    print("\nverification (efisiensi.verify) inside efisiensi.load; Dask scheduling:\n" + "\n".join(check_lines))
    print(f"\n{machine()}; load average {os.getloadavg()[0]:.1f} at the end; total {time.time() - t0:.0f} s")
    if tmp is not None:
        tmp.cleanup()


def _row(label: str, tool: str, r: dict, ref_wall: float, rows: int, judged: tuple[str, str]) -> str:
    df = r.get("df_mib")
    ratio = f"{r['peak'] / df:.1f}" if df else "-"
    rate = f"{rows / r['wall']:>9,.0f}" if rows else f"{'-':>9}"
    return (f"| {label:<36} | {tool:<32} | {rows:>9,} | {r['wall']:>7.2f} | {r.get('cpu', 0):>7.2f} | {rate} | "
            f"{r['wall'] / ref_wall:>6.3f} | {r['peak']:>8.0f} | {ratio:>7} | {judged[0]:>16} | {judged[1]:>3} |")


if __name__ == "__main__":
    main()
