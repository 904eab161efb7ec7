"""Writing outputs safely: atomically, and never over an input file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ._errors import EfisiensiError


class OutputError(EfisiensiError, ValueError):
    """An output that must not or cannot be written."""


def check_output(path: Path, inputs: Iterable[str | Path] = ()) -> None:
    """Refuse to write over an input file."""
    target = path.resolve()
    for p in inputs:
        try:
            if Path(p).resolve() == target:
                raise OutputError(f"{path}: menolak menimpa berkas masukan")
        except OSError:
            continue


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: Path, data: bytes, inputs: Iterable[str | Path] = ()) -> None:
    """Write to a temporary file beside ``path`` and move it into place."""
    check_output(path, inputs)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        # mkstemp makes the file private (0600); a report is for sharing: honour the umask
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str, inputs: Iterable[str | Path] = ()) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), inputs)
