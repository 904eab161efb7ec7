"""Mutation check of issue 15: do the tests notice a broken categorizer?

Run it as a script (``make mutate`` or ``.venv/bin/python docs/mutate_categorize.py``): it runs
the audit, report, CLI and property tests three times with pytest, once as they are and once
under each mutation of :func:`efisiensi.categorize`, and prints per mutation how many tests ran
and how many failed::

    mutation     run  failed      %
    nothing      ...

A mutation keeps the real categorize and then sets every category column of its result to
False (``nothing``: a categorizer that labels no line) or to True (``everything``: one that
labels every line). The test files are given as arguments (default: ``DEFAULT_TESTS``).

The same file is a pytest plugin (``-p mutate_categorize`` with ``docs/`` on ``PYTHONPATH``)
that installs the mutation named by the environment variable ``EFISIENSI_MUTATE``
(``nothing`` or ``everything``) before the tests are collected, in every module that imported
``categorize`` by name, and in the Python subprocesses the tests start (through a
``sitecustomize`` on ``PYTHONPATH``). With ``EFISIENSI_MUTATE_REPORT=path`` it writes the
outcome of every test there as JSON. Not collected as a test (``docs/`` is not a test path).
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ENV, REPORT_ENV = "EFISIENSI_MUTATE", "EFISIENSI_MUTATE_REPORT"
MUTATIONS = ("nothing", "everything")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: the tests issue 15 names: "the audit, report, CLI and property tests"
DEFAULT_TESTS = ("tests/test_audit.py", "tests/test_report.py", "tests/test_cli.py",
                 "tests/test_properties.py")

#: modules that bind ``categorize`` by name at import time (the compliance engine imports it
#: inside its functions, from ``efisiensi.categories``, so patching that module covers it)
_HOLDERS = ("efisiensi", "efisiensi.categories", "efisiensi.evaluate")


def _mutated(real, value: bool):
    @functools.wraps(real)
    def categorize(items, rules="inpres-1-2025", *, extra_rules=None, **kwargs):
        from efisiensi.categories import load_pack

        out = real(items, rules, extra_rules=extra_rules, **kwargs)
        for cat in load_pack(rules, extra_rules).categories:
            out[cat.id] = value
        return out

    categorize.__mutated__ = True
    return categorize


def install(mutation: str | None = None) -> None:
    """Replace ``categorize`` everywhere it is bound by name (no-op without a mutation)."""
    mutation = mutation or os.environ.get(ENV, "")
    if not mutation:
        return
    if mutation not in MUTATIONS:
        raise SystemExit(f"{ENV}={mutation!r}: expected one of {MUTATIONS}")
    import importlib

    import efisiensi.categories as cats

    if getattr(cats.categorize, "__mutated__", False):
        return
    fake = _mutated(cats.categorize, mutation == "everything")
    for name in _HOLDERS:
        module = importlib.import_module(name)
        if hasattr(module, "categorize"):
            module.categorize = fake
    for name, module in list(sys.modules.items()):  # anything else that imported it by name
        if name.startswith(("efisiensi", "tests")) and getattr(module, "categorize", None) is not None \
                and not getattr(module.categorize, "__mutated__", False) \
                and getattr(module.categorize, "__module__", "") == "efisiensi.categories":
            module.categorize = fake


def _subprocesses_too() -> None:
    """Python subprocesses (``python -m efisiensi ...``) install the mutation at start-up."""
    site = Path(tempfile.mkdtemp(prefix="efisiensi-mutate-"))
    (site / "sitecustomize.py").write_text(
        f"import sys\nsys.path.insert(0, {str(HERE)!r})\nimport mutate_categorize\n"
        "mutate_categorize.install()\n", encoding="utf-8")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))


# ------------------------------------------------------------------ pytest plugin hooks

_OUTCOMES: dict[str, str] = {}


def pytest_configure(config) -> None:
    if os.environ.get(ENV):
        install()
        _subprocesses_too()


def pytest_runtest_logreport(report) -> None:
    previous = _OUTCOMES.get(report.nodeid)
    if report.failed:
        _OUTCOMES[report.nodeid] = "failed"
    elif report.skipped and previous is None:
        _OUTCOMES[report.nodeid] = "skipped"
    elif report.when == "call" and report.passed and previous is None:
        _OUTCOMES[report.nodeid] = "passed"


def pytest_sessionfinish(session, exitstatus) -> None:
    path = os.environ.get(REPORT_ENV)
    if path:
        Path(path).write_text(json.dumps(_OUTCOMES, indent=1, sort_keys=True), encoding="utf-8")


# ------------------------------------------------------------------ the driver


def _start(mutation: str, tests: list[str], out: Path) -> subprocess.Popen:
    env = dict(os.environ, **{REPORT_ENV: str(out)})
    env.pop(ENV, None)
    if mutation != "none":
        env[ENV] = mutation
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))
    return subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
                             "mutate_categorize", "--no-header", "--tb=no", "-o", "addopts=", *tests],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def main(argv: list[str]) -> int:
    tests = argv or list(DEFAULT_TESTS)
    with tempfile.TemporaryDirectory() as tmp:
        # the three runs at once: each is a separate pytest process on its own report file
        procs = {m: _start(m, tests, Path(tmp) / f"{m}.json") for m in ("none", *MUTATIONS)}
        for proc in procs.values():
            proc.wait()
        runs = {m: json.loads((Path(tmp) / f"{m}.json").read_text(encoding="utf-8")) for m in procs}
    clean = runs["none"]
    broken = sorted(t for t, o in clean.items() if o == "failed")
    counted = sorted(t for t, o in clean.items() if o == "passed")
    print(f"tests: {' '.join(tests)}")
    print(f"unmutated: {len(counted)} passed, {len(broken)} failed, "
          f"{sum(o == 'skipped' for o in clean.values())} skipped (only passing tests are counted)")
    print(f"{'mutation':<12}{'run':>6}{'failed':>8}{'%':>8}")
    for m in MUTATIONS:
        failed = [t for t in counted if runs[m].get(t) == "failed"]
        print(f"{m:<12}{len(counted):>6}{len(failed):>8}{100 * len(failed) / max(len(counted), 1):>8.1f}")
    if os.environ.get("VERBOSE"):  # VERBOSE=1: name the tests that survive a mutation
        for m in MUTATIONS:
            for t in counted:
                if runs[m].get(t) != "failed":
                    print(f"  survives {m}: {t}")
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
