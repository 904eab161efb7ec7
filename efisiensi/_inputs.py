"""The inputs of a run: which files to read, their SHA-256, progress, and shared records.

Used by :func:`efisiensi.load` and by the audit engine (one task per file), so both
see the same files in the same order with the same fingerprints.
"""

from __future__ import annotations

import glob
import hashlib
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ._errors import LoadError
from .read.grid import SPREADSHEET_SUFFIXES, TEXT_SUFFIXES

PathLike = str | Path
Progress = Callable[[int, int, str], None]


class SharedRecords(list):
    """A list of records that ``copy.deepcopy`` shares instead of copying.

    pandas deep-copies a frame's ``attrs`` into every frame derived from it, including
    each group of a ``groupby``; with thousands of findings in ``attrs`` that made a
    per-SKPD groupby quadratic (minutes on 17k rows). The records are written once
    by the loader and only read afterwards, so derived frames may share them.
    """

    def __deepcopy__(self, memo: dict) -> SharedRecords:
        return self

    def __reduce__(self) -> tuple:  # pickles (Dask, multiprocessing) as a plain list would
        return (SharedRecords, (list(self),))


def expand(paths: PathLike | Iterable[PathLike]) -> list[tuple[Path, bool]]:
    """Files to read, each with whether the user named it explicitly (globs and folders
    expanded and sorted, the same file once)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    out: list[tuple[Path, bool]] = []
    for p in paths:
        s = str(p)
        if any(ch in s for ch in "*?[") and not Path(s).exists():
            hits = sorted(glob.glob(s, recursive=True))
            if not hits:
                raise LoadError("pola tidak cocok dengan berkas apa pun", file=s)
            out += [(Path(h), False) for h in hits if Path(h).is_file() and is_data_file(Path(h))]
        elif Path(s).is_dir():
            files = sorted(f for f in Path(s).rglob("*") if f.is_file() and is_data_file(f))
            if not files:
                raise LoadError("folder tidak berisi berkas .xlsx/.xls/.ods/.csv", file=s)
            out += [(f, False) for f in files]
        else:
            out.append((Path(s), True))
    seen: set[Path] = set()
    unique = []
    for f, explicit in out:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append((f, explicit))
    return unique


def is_data_file(f: Path) -> bool:
    """A budget file by its name (not an Excel lock file or a hidden file)."""
    name = f.name
    if name.startswith(("~$", ".")):
        return False  # Excel lock files, hidden files
    return f.suffix.lower() in SPREADSHEET_SUFFIXES | TEXT_SUFFIXES


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def progress_callback(progress: bool | Progress | Any) -> Progress | None:
    """The per-file callback: the user's own, or a line on stderr.

    On a terminal or in Jupyter the line is rewritten in place (one line for the whole
    run); in a log file each file gets its own line.
    """
    if callable(progress):
        return progress
    if not progress:
        return None
    in_place = sys.stderr.isatty() or "ipykernel" in sys.modules

    def show(done: int, total: int, path: str) -> None:
        text = f"[{done}/{total}] {Path(path).name}"
        if in_place:
            print(f"\r{text:<80}", end="\n" if done == total else "", file=sys.stderr, flush=True)
        else:
            print(text, file=sys.stderr)

    return show
