"""``make bench ARGS=--national``: a national-scale run on this machine.

Generates ``files`` agency CSV exports (``;``, Indonesian numbers, one SKPD a file,
40 a Pemda) of ``lines`` rows each, then audits the folder three ways, each in a fresh
process: serial; ``workers=2`` (a local Dask cluster); and ``workers=2`` with a run
folder, killed with ``kill -9`` (the whole process group: client, scheduler, workers)
once a third of the map tasks are done, then run again on the same folder. Prints the
times, rows/s, peak memory of the client process, how many tasks the resumed run
reused, and whether every JSON is byte-identical to the serial one.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _cmd(path: Path, arg: str) -> list[str]:
    return [sys.executable, str(HERE / "run.py"), "--measure", "national", str(path), arg]


def _run(path: Path, workers: str, run_dir: str, out: Path) -> dict:
    res = subprocess.run(_cmd(path, f"{workers};{run_dir};{out}"), capture_output=True, text=True, check=False)
    if res.returncode:
        raise SystemExit(f"national run failed: {res.stderr[-2000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def _kill_mid_run(path: Path, run_dir: Path, out: Path, tasks: int) -> tuple[int, float]:
    """Start a workers=2 run, kill -9 its process group when a third of the tasks are done."""
    proc = subprocess.Popen(_cmd(path, f"2;{run_dir};{out}"), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    t0 = time.perf_counter()
    while proc.poll() is None:
        done = len(list(run_dir.glob("*.json"))) if run_dir.exists() else 0
        if done >= max(1, tasks // 3):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            break
        time.sleep(0.2)
    return len(list(run_dir.glob("*.json"))), time.perf_counter() - t0


def main(folder: Path, files: int, lines: int) -> None:
    import gen

    sys.path.insert(0, str(HERE.parent))
    from efisiensi.compliance._distributed import BATCH_FILES, plan
    from efisiensi.compliance._engine import context

    data = folder / f"national_{files}x{lines}"
    t0 = time.time()
    if not (data / ".complete").exists():
        print(f"generating {files} files of {lines} lines in {data} ...", file=sys.stderr)
        gen.write_agency_csvs(data, files, lines)
        (data / ".complete").write_text("")
    size = sum(f.stat().st_size for f in data.glob("*.csv")) / 2**20
    gen_s = time.time() - t0
    tasks = len(plan(data, context(), None))  # the map tasks the runs below schedule
    print("  serial ...", file=sys.stderr)
    serial = _run(data, "", "", folder / "serial.json")
    print("  workers=2 ...", file=sys.stderr)
    run2 = folder / "run-workers2"
    dask = _run(data, "2", str(run2), folder / "workers2.json")
    print("  workers=2, kill -9 mid-run, resume ...", file=sys.stderr)
    run3 = folder / "run-killed"
    kept, killed_after = _kill_mid_run(data, run3, folder / "killed.json", tasks)
    resumed = _run(data, "2", str(run3), folder / "resumed.json")
    ref = (folder / "serial.json").read_bytes()
    same = {k: (folder / f"{k}.json").read_bytes() == ref for k in ("workers2", "resumed")}
    rows = serial["rows"]
    print(f"\n{files:,} agency files, {rows:,} lines read, {size:,.0f} MiB of CSV (generated in {gen_s:.0f} s); "
          f"{tasks} map tasks of up to {BATCH_FILES} files\n")
    head = f"| {'run':<44} | {'wall s':>7} | {'cpu s (client)':>14} | {'rows/s':>9} | {'peak MiB (client)':>17} |"
    print(head)
    print("|" + "|".join("-" * len(c) for c in head.split("|")[1:-1]) + "|")
    for name, r in (("serial", serial), ("workers=2", dask), (f"workers=2 resumed ({kept}/{tasks} tasks kept)", resumed)):
        print(f"| {name:<44} | {r['wall']:>7.1f} | {r['cpu']:>14.1f} | {rows / r['wall']:>9,.0f} | {r['peak']:>17,.0f} |")
    speedup = serial["wall"] / dask["wall"]
    print(f"\nworkers=2: {speedup:.2f} × the serial speed (target ≥ 1.6 ×: {'met' if speedup >= 1.6 else 'NOT met'}); "
          f"killed with kill -9 after {killed_after:.1f} s with {kept} of {tasks} tasks written; "
          f"JSON identical to serial: workers=2 {same['workers2']}, resumed {same['resumed']}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(overhead(dask, files))
    print(projection(serial, dask, rows, files))


def overhead(r: dict, files: int, workers: int = 2) -> str:
    """Per-file cost of scheduling: the map window times the workers, less the time the
    map tasks computed (scheduling, result transfer, idle workers at the tail)."""
    if not r.get("tasks"):
        return "task stream: no map task recorded"
    lost = max(0.0, r["window"] * workers - r["task_s"])
    per_file = lost / files
    return (f"Dask: cluster start {r['startup']:.1f} s; {r['tasks']} map tasks computed {r['task_s']:.1f} s in a "
            f"{r['window']:.1f} s window on {workers} workers; scheduling, transfer and idle: {lost:.1f} s = "
            f"{per_file:.4f} s per file (target ≤ 0.03: {'met' if per_file <= 0.03 else 'NOT met'}); "
            f"outside the map window (client plan with SHA-256, worker imports, reduce, JSON): "
            f"{r['wall'] - r['startup'] - r['window']:.1f} s")


def projection(serial: dict, dask: dict, rows: int, files: int) -> str:
    """The real national run (546 Pemda, ~22,000 files, ~27 M lines) at the rates measured here."""
    per_core = rows / dask["task_s"] if dask.get("task_s") else rows / serial["wall"]
    lines, n_files = 27_000_000, 22_000
    fixed = dask["wall"] - dask.get("window", 0.0)  # start-up, reduce, JSON (grows with the result)
    parts = [f"{n} workers ≈ {(lines / per_core / n + fixed * lines / rows) / 60:,.0f} min" for n in (2, 16, 64)]
    return (f"projection for ~{n_files:,} files, {lines / 1e6:.0f} M lines: map at {per_core:,.0f} lines/s per "
            f"worker process; " + "; ".join(parts) + " (the reduce scaled with the lines; same machine speed)")
