"""Writing outputs safely: checked before any work, written atomically, never over an input.

A target is refused (``OutputError``, one line naming the path and the reason) when it is an
input file (read or not), would be read as an input next time (a data file inside an input
folder, or a name an input glob matches), is a folder, a symlink (even a dangling one), a
device, FIFO or socket, or cannot be written. Symlinks are refused rather than written
through: replacing one would cut the link, writing through it would change a file elsewhere.

The bytes go to a temporary file beside the target, which is moved into place; if the write
fails or the process gets SIGTERM meanwhile, the temporary file is removed.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ._errors import EfisiensiError
from ._format import safe


class OutputError(EfisiensiError, ValueError):
    """An output that must not or cannot be written."""


@dataclass
class InputSet:
    """Everything an audit reads or could read: files, folders (with the data-file patterns)
    and globs, as the user gave them."""

    files: list[Path] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)
    globs: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, specs: Iterable[str | Path]) -> InputSet:
        out = cls()
        for spec in specs:
            s = str(spec)
            p = Path(s)
            if p.is_dir():
                from ._inputs import is_data_file as _is_data_file

                out.folders.append(p)
                out.files += [f for f in p.rglob("*") if f.is_file() and _is_data_file(f)]
            elif any(ch in s for ch in "*?[") and not p.exists():
                out.globs.append(s)
                out.files += [Path(h) for h in glob.glob(s, recursive=True)]
            else:
                out.files.append(p)
        return out


def _reason(err: OSError) -> str:
    return err.strerror or type(err).__name__


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


def protected_inputs(audit) -> list[str]:
    """The files an audit came from: those read, and those it could not read (findings)."""
    paths = [s["path"] for s in audit.sources]
    if "file" in audit.findings:
        paths += [str(f) for f in audit.findings["file"].dropna().unique() if str(f)]
    return paths


def check_output(path: str | Path, inputs: Iterable[str | Path] | InputSet = (),
                 suffixes: tuple[str, ...] | None = None, probe: bool = True) -> Path:
    """Refuse a target that must not or cannot be written (see the module docstring)."""
    from ._inputs import is_data_file as _is_data_file

    path = Path(path)
    shown = safe(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as err:
        raise OutputError(f"{shown}: tidak dapat diperiksa ({_reason(err)})") from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise OutputError(f"{shown}: adalah tautan simbolik (symlink); menolak menulis ke sana")
        if stat.S_ISDIR(st.st_mode):
            raise OutputError(f"{shown}: adalah folder, bukan berkas")
        if not stat.S_ISREG(st.st_mode):
            raise OutputError(f"{shown}: bukan berkas biasa (perangkat, FIFO atau soket); menolak menulis ke sana")
    if suffixes is not None and path.suffix.lower() not in suffixes:
        raise OutputError(f"{shown}: nama berkas harus berakhiran {' atau '.join(suffixes)}")
    ins = inputs if isinstance(inputs, InputSet) else InputSet(files=[Path(p) for p in inputs])
    for p in ins.files:
        if _same(Path(p), path):
            raise OutputError(f"{shown}: menolak menimpa berkas masukan")
    target = path.absolute()
    for folder in ins.folders:
        try:
            inside = target.resolve().is_relative_to(folder.resolve())
        except OSError:
            inside = False
        if inside and _is_data_file(target):
            raise OutputError(f"{shown}: berada di folder masukan {safe(folder)} dan akan terbaca sebagai masukan; "
                              "tulis laporan di luar folder itu")
    for pattern in ins.globs:
        if fnmatch.fnmatch(str(target), str(Path(pattern).absolute())) or fnmatch.fnmatch(str(path), pattern):
            raise OutputError(f"{shown}: cocok dengan pola masukan {safe(pattern)}; menolak menulis ke sana")
    if probe:
        _probe(path, shown)
    return path


def check_distinct(paths: Iterable[tuple[str, str | Path | None]]) -> None:
    """Refuse one path given for two outputs."""
    seen: list[tuple[str, Path]] = []
    for option, p in paths:
        if p is None or str(p) == "-":
            continue
        for other, q in seen:
            if _same(Path(p), q):
                raise OutputError(f"{safe(p)}: dipakai untuk {other} dan {option}; beri dua nama berbeda")
        seen.append((option, Path(p)))


def _probe(path: Path, shown: str) -> None:
    """The folder the target goes into must exist (or be creatable) and take a new file."""
    parent = path.absolute().parent
    ancestor = parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(f"{shown}: {safe(ancestor)} bukan folder")
    if ancestor != parent:
        if not os.access(ancestor, os.W_OK | os.X_OK):
            raise OutputError(f"{shown}: folder {safe(ancestor)} tidak dapat ditulisi")
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as err:
        raise OutputError(f"{shown}: folder tidak dapat ditulisi ({_reason(err)})") from None
    os.close(fd)
    os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class _Terminated(SystemExit):
    """SIGTERM while an output was being written (exit status 143)."""


def _on_term(signum, frame):  # noqa: ARG001 - signal handler signature
    raise _Terminated(128 + signal.SIGTERM)


def atomic_write_bytes(path: str | Path, data: bytes, inputs: Iterable[str | Path] | InputSet = ()) -> None:
    """Write to a temporary file beside ``path`` and move it into place."""
    path = Path(path)
    check_output(path, inputs, probe=False)
    shown = safe(path)
    main = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGTERM, _on_term) if main else None
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        # mkstemp makes the file private (0600); a report is for sharing: honour the umask
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
        tmp = None
    except OSError as err:
        raise OutputError(f"{shown}: tidak dapat ditulis ({_reason(err)})") from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        if main:
            signal.signal(signal.SIGTERM, old if old is not None else signal.SIG_DFL)


def atomic_write_text(path: str | Path, text: str, inputs: Iterable[str | Path] | InputSet = ()) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), inputs)
