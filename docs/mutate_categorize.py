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

import pytest

ENV, REPORT_ENV, CALLS_ENV = "EFISIENSI_MUTATE", "EFISIENSI_MUTATE_REPORT", "EFISIENSI_MUTATE_CALLS"
#: "none" keeps categorize as it is and only counts its calls (the unmutated run)
MUTATIONS = ("nothing", "everything")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: the tests issue 15 names: "the audit, report, CLI and property tests"
DEFAULT_TESTS = ("tests/test_audit.py", "tests/test_report.py", "tests/test_cli.py",
                 "tests/test_properties.py")

#: modules that bind ``categorize`` by name at import time (the compliance engine imports it
#: inside its functions, from ``efisiensi.categories``, so patching that module covers it)
_HOLDERS = ("efisiensi", "efisiensi.categories", "efisiensi.evaluate")


def _mutated(real, value: bool | None):
    @functools.wraps(real)
    def categorize(items, rules="inpres-1-2025", *, extra_rules=None, **kwargs):
        from efisiensi.categories import load_pack

        calls = os.environ.get(CALLS_ENV)
        if calls:  # one byte per call, from this process or a subprocess the test started
            with open(calls, "ab") as fh:
                fh.write(b".")
        out = real(items, rules, extra_rules=extra_rules, **kwargs)
        if value is not None:
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
    if mutation not in ("none", *MUTATIONS):
        raise SystemExit(f"{ENV}={mutation!r}: expected one of {('none', *MUTATIONS)}")
    import importlib

    import efisiensi.categories as cats

    if getattr(cats.categorize, "__mutated__", False):
        return
    fake = _mutated(cats.categorize, None if mutation == "none" else mutation == "everything")
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
_REACH: set[str] = set()          # tests whose setup, call or fixtures called categorize
_FIXTURES: set[str] = set()       # fixtures whose setup called categorize


def _calls() -> int:
    path = os.environ.get(CALLS_ENV)
    return Path(path).stat().st_size if path and Path(path).exists() else 0


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    before = _calls()
    yield
    if _calls() > before:
        _FIXTURES.add(fixturedef.argname)



@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    before = _calls()
    yield
    if _calls() > before or _FIXTURES & set(item.fixturenames):
        _REACH.add(item.nodeid)



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
        doc = {"outcomes": _OUTCOMES, "reach": sorted(_REACH)}
        Path(path).write_text(json.dumps(doc, indent=1, sort_keys=True), encoding="utf-8")


# ------------------------------------------------------------------ the driver


def _start(mutation: str, tests: list[str], out: Path) -> subprocess.Popen:
    env = dict(os.environ, **{REPORT_ENV: str(out), ENV: mutation, CALLS_ENV: str(out) + ".calls"})
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
        missing = [m for m in procs if not (Path(tmp) / f"{m}.json").exists()]
        if missing:
            raise SystemExit(f"pytest wrote no outcomes for {missing} (run it with the same arguments to see why)")
        runs = {m: json.loads((Path(tmp) / f"{m}.json").read_text(encoding="utf-8")) for m in procs}
    clean, reach = runs["none"]["outcomes"], set(runs["none"]["reach"])
    broken = sorted(t for t, o in clean.items() if o == "failed")
    counted = sorted(t for t, o in clean.items() if o == "passed")
    print(f"tests: {' '.join(tests)}")
    print(f"unmutated: {len(counted)} passed, {len(broken)} failed, "
          f"{sum(o == 'skipped' for o in clean.values())} skipped (only passing tests are counted); "
          f"{len(reach & set(counted))} of the passing tests call categorize (directly, through a "
          "fixture or a subprocess)")
    print(f"{'mutation':<12}{'tests':<22}{'run':>6}{'failed':>8}{'%':>8}")
    for m in MUTATIONS:
        outcome = runs[m]["outcomes"]
        for label, group in (("all", counted), ("calling categorize", [t for t in counted if t in reach])):
            failed = [t for t in group if outcome.get(t) == "failed"]
            print(f"{m:<12}{label:<22}{len(group):>6}{len(failed):>8}"
                  f"{100 * len(failed) / max(len(group), 1):>8.1f}")
    if os.environ.get("VERBOSE"):  # VERBOSE=1: name the tests that survive a mutation
        for m in MUTATIONS:
            for t in counted:
                if runs[m]["outcomes"].get(t) != "failed":
                    print(f"  survives {m}{'' if t in reach else ' (never calls categorize)'}: {t}")
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
