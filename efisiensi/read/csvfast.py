"""A C fast path for clean CSV text: pyarrow.csv and Arrow compute, value-identical to the
general record splitter of :mod:`.csvtext`.

The general splitter decides each record's separator in Python. On a clean file (every record
well quoted for the main separator, the same number of fields in each, no record longer than
the limits check) that decision can be made for all records at once: Arrow counts separators
per record, pyarrow parses the grid, and only records whose decision is not evident (a leading
quote, a trailing run of another separator, counts that do not clearly vote for the main one)
go one by one through :func:`.csvtext._split_record`, as they would in the general path.
Anything else (ragged rows, stray quotes, very long records, odd code points) declines and the
general path reads the file. ``tests/test_csvfast.py`` holds the two paths equal.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

_SEPARATORS = (",", ";", "\t")


def _well_quoted(delim: str) -> str:
    """RE2 pattern of a record whose every field is bare (no quote) or wholly quoted."""
    d = re.escape(delim)
    field = f'(?:"(?:[^"]|"")*"|[^"{d}]*)'
    return f"^{field}(?:{d}{field})*$"


def _record_offsets(enc: bytes) -> np.ndarray | None:
    """Start offsets of the records :func:`.csvtext._records` makes, plus the end: a record
    ends at a newline with an even number of quotes before it. None when the quotes never close."""
    b = np.frombuffer(enc, dtype=np.uint8)
    nl = np.flatnonzero(b == 10)
    q = np.flatnonzero(b == 34)
    if len(q) % 2:
        return None  # an unclosed quote: the general path says what it swallows
    ends = nl[np.searchsorted(q, nl) % 2 == 0] if len(q) else nl
    starts = np.concatenate(([0], ends + 1))
    if starts[-1] == len(enc):  # the text ends with a newline: no empty last record
        return starts
    return np.concatenate((starts, [len(enc) + 1]))


def _records_array(enc: bytes, bounds: np.ndarray) -> pa.Array:
    """The records as one Arrow string array (no Python string per record)."""
    n = len(bounds) - 1
    data = enc + b"\n" if bounds[-1] > len(enc) else enc
    arr = pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(bounds.astype(np.int64)),
                                                       pa.py_buffer(data)])
    # ASCII trims are exact on UTF-8 (no ASCII byte inside a multi-byte character)
    return pc.ascii_rtrim(arr, characters="\n")  # drop each record's own newline


class _Counter:
    """Per-record counts of one ASCII character in a span of each record, by byte positions."""

    def __init__(self, enc: bytes, starts: np.ndarray) -> None:
        self.b = np.frombuffer(enc, dtype=np.uint8)
        self.starts = starts
        self.pos: dict[str, np.ndarray] = {}

    def positions(self, ch: str) -> np.ndarray:
        if ch not in self.pos:
            self.pos[ch] = np.flatnonzero(self.b == ord(ch))
        return self.pos[ch]

    def within(self, ch: str, ends: np.ndarray) -> np.ndarray:
        """Occurrences of ``ch`` in ``[start, end)`` of each record."""
        pos = self.positions(ch)
        return np.searchsorted(pos, ends) - np.searchsorted(pos, self.starts)


def _lengths(arr: pa.Array) -> np.ndarray:
    return pc.binary_length(arr).to_numpy(zero_copy_only=False).astype(np.int64)


def _evident(arr: pa.Array, count: _Counter, main: str, modal: int) -> np.ndarray:
    """Records the general path would split on ``main`` with nothing stripped or re-split,
    as a boolean mask; False means: let :func:`.csvtext._split_record` decide."""
    others = [d for d in _SEPARATORS if d != main]
    ends = count.starts + _lengths(arr)
    has_quote = count.within('"', ends) > 0
    has_other = (count.within(others[0], ends) > 0) | (count.within(others[1], ends) > 0)
    # records starting with a letter or digit cannot start with a quote after whitespace
    plain_start = pc.match_substring_regex(arr, r"^[\p{L}\p{N}]").to_numpy(zero_copy_only=False)
    bulk = plain_start & ~has_other  # the general path's own bulk condition holds
    # a record with another separator and no quote: the counts of _counts, on its text
    # without the trailing run of " ,;\t"
    bare_ends = count.starts + _lengths(pc.ascii_rtrim(arr, characters=" ,;\t"))
    c = {d: count.within(d, bare_ends) for d in _SEPARATORS}
    cm = c[main]
    near = (cm > 0) & (np.abs(cm + 1 - modal) <= max(1, modal // 4))
    top = cm >= np.maximum(c[others[0]], c[others[1]])
    votes_main = near | top
    if main == ",":  # decimal commas would lower the main count: only ';'-free records are evident
        votes_main &= c[";"] == 0
    spaced = pc.ascii_rtrim(arr, characters=" ")
    padded = np.zeros(len(arr), dtype=bool)
    for o in others:
        padded |= pc.ends_with(spaced, o).to_numpy(zero_copy_only=False)
    split_main = plain_start & has_other & ~has_quote & votes_main & ~padded
    return bulk | split_main


def _grid(enc: bytes, main: str, width: int, rows: int, quoted: bool, longest: int
          ) -> list[list[str]] | None:
    """pyarrow's parse of the text: every column as text, nothing converted to null."""
    names = [f"c{i}" for i in range(width)]
    try:
        table = pcsv.read_csv(
            io.BytesIO(enc),
            read_options=pcsv.ReadOptions(column_names=names, use_threads=False,
                                          block_size=max(1 << 20, 2 * longest + 2)),
            parse_options=pcsv.ParseOptions(delimiter=main, quote_char='"', double_quote=True,
                                            escape_char=False, newlines_in_values=quoted,
                                            ignore_empty_lines=True),
            convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                strings_can_be_null=False,
                                                quoted_strings_can_be_null=False, null_values=[]))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowCapacityError):
        return None  # ragged rows, or anything pyarrow will not read: the general path will
    if table.num_rows != rows:
        return None
    if rows == 0:
        return []
    cols = []
    for col in table.columns:
        # one Python string per distinct value (SIPD columns repeat): fewer objects, shared hashes
        enc_col = pc.dictionary_encode(col).combine_chunks()
        uniq = np.array(enc_col.dictionary.to_pylist(), dtype=object)
        cols.append(uniq[enc_col.indices.to_numpy(zero_copy_only=False)])
    return np.column_stack(cols).tolist()


def fast_parse(text: str, main_and_modal, split_record, check_cells, max_record: int
               ) -> tuple[list[list[object]], set[str], list[str], list[int], str, int] | None:
    """The general path's result for a clean text, or None to decline.

    The general path's own pieces are passed in (one implementation of each):
    ``main_and_modal(sample)`` gives the main separator and usual width from sampled records;
    ``split_record(rec, main, modal, notes)`` is its one-record split (fields, separator);
    ``check_cells(main, records)`` raises its max_cells error. Records longer than
    ``max_record`` decline (the general path checks their fields and characters).
    Returns (rows, separators used, notes, indices of multi-line rows, main separator, usual width).
    """
    if "\x00" in text:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        enc = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: not for Arrow
        return None
    bounds = _record_offsets(enc)
    if bounds is None or len(bounds) < 2:
        return None
    n = len(bounds) - 1
    longest = int(np.diff(bounds).max()) - 1
    if longest > max_record:
        return None  # a long record: the general path checks its fields and characters
    step = max(1, n // 5000)
    sample = [enc[bounds[i]:bounds[i + 1] - 1].decode("utf-8") for i in range(0, n, step)]
    main, modal = main_and_modal(sample)
    check_cells(main, n)
    arr = _records_array(enc, bounds)
    count = _Counter(enc, bounds[:-1])
    quoted = np.flatnonzero(count.within('"', bounds[1:]) > 0)
    if len(quoted) and not pc.all(pc.match_substring_regex(arr.take(pa.array(quoted)),
                                                           _well_quoted(main))).as_py():
        return None  # a stray quote moves record boundaries: the general path
    empty = _lengths(arr) == 0
    first = int(np.argmin(empty)) if not empty.all() else -1
    if first < 0:
        return None
    import csv

    width = len(next(csv.reader([arr[first].as_py()], delimiter=main, quotechar='"')))
    nonempty = int((~empty).sum())
    grid = _grid(enc, main, width, nonempty, b'"' in enc, longest)
    if grid is None:
        return None
    if nonempty != n:
        it = iter(grid)
        grid = [[] if e else next(it) for e in empty.tolist()]
    evident = _evident(arr, count, main, modal) | empty
    notes: list[str] = []
    used: set[str] = set()
    for i in np.flatnonzero(~evident).tolist():
        fields, delim = split_record(arr[i].as_py(), main, modal, notes)
        grid[i] = fields
        if any(f for f in fields if f.strip()):
            used.add(delim)
    if used - {main} or not used:
        # is the main separator used too? only asked when another one is (or none so far)
        flagged = set(np.flatnonzero(~evident).tolist())
        if any(any(f.strip() for f in row) for i, row in enumerate(grid) if i not in flagged):
            used.add(main)
    else:
        used.add(main)  # main is in used already
    ends = bounds[:-1] + _lengths(arr)
    multi = np.flatnonzero(count.within("\n", ends) > 0).tolist()
    return grid, used, notes, multi, main, modal
