"""CSV/TXT text: decoding (UTF-8, UTF-16, cp1252) and a record splitter for messy files.

Real penjabaran CSVs mix separators between lines, pad rows with runs of the other separator,
write Indonesian decimal commas unquoted and wrap whole rows in one quoted field; the splitter
chooses the separator per record against the file's usual field count. A clean file (the
choice evident for every record) is read by :mod:`.csvfast` instead, with the same result.
"""

from __future__ import annotations

import codecs
import csv
import io
import re

from .._errors import LoadError
from .sheet import LIMITS, Limits, raise_hint


def _latin1_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error("efisiensi-latin1", _latin1_fallback)


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte of ASCII text is zero."""
    head = data[:4096]
    if len(head) < 4 or len(head) % 2:
        head = head[: len(head) - len(head) % 2]
    if len(head) < 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 (BOM, or evident) or cp1252.

    >>> decode_text("Rp 1.000 – x".encode("cp1252"))
    ('Rp 1.000 – x', 'cp1252')
    >>> decode_text("a;b".encode("utf-16"))
    ('a;b', 'utf-16')
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if (utf16 := _looks_utf16(data)) is not None:
        return data.decode(utf16, errors="replace"), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # cp1252 leaves five bytes undefined; latin-1 covers them
    return data.decode("cp1252", errors="efisiensi-latin1"), "cp1252"


def _records(text: str) -> list[str]:
    """Split text into CSV records, keeping newlines inside quoted fields."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    buf: list[str] = []
    in_quotes = False
    for line in text.split("\n"):
        buf.append(line)
        in_quotes ^= line.count('"') % 2 == 1
        if not in_quotes:
            out.append("\n".join(buf))
            buf = []
    if buf:
        out.append("\n".join(buf))
    if out and out[-1] == "":
        out.pop()
    return out


_QUOTED = re.compile(r'"[^"]*"')
_SEPARATORS = (",", ";", "\t")
# a decimal comma of an id-ID amount right before a ";" ("675.000,00;"): not a separator
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d\d?\)?(?:\s*;|\s*$))")


def _outside_quotes(rec: str) -> str:
    """The record with its quoted spans removed (an unclosed quote hides the rest)."""
    if '"' not in rec:
        return rec
    bare = _QUOTED.sub("", rec)
    cut = bare.find('"')
    return bare if cut < 0 else bare[:cut]


def _count_outside_quotes(rec: str, ch: str) -> int:
    return _outside_quotes(rec).count(ch)


def _counts(rec: str) -> dict[str, int]:
    """Separator counts that decide a record's split.

    A trailing run of separators only pads empty columns
    (``Judul,Penjabaran APBD,,,;;;;;;;``) and does not vote; decimal commas of id-ID
    amounts in a ``;`` record (``675.000,00 ;``) do not vote for ``,``.
    """
    bare = _outside_quotes(rec.rstrip(" ,;\t"))
    counts = {d: bare.count(d) for d in _SEPARATORS}
    if counts[";"] and counts[","]:
        counts[","] -= len(_DECIMAL_COMMA.findall(bare))
    return counts


def _strip_padding(rec: str, delim: str) -> str:
    """Drop a trailing run of the *other* separators (``…,,,;;;;`` split on ``,``)."""
    others = "".join(d for d in _SEPARATORS if d != delim)
    tail = rec.rstrip(" ")
    if tail and tail[-1] in others:
        return tail.rstrip(others + " ")
    return rec


def _split(rec: str, delim: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(rec), delimiter=delim, quotechar='"'), [])
    except csv.Error:
        return rec.split(delim)


def _choose(counts: dict[str, int], main: str, modal: int) -> str:
    """The separator of one record: the file's main one whenever it gives about the
    usual number of fields, else the one that occurs most (ties go to the main one)."""
    if counts[main] and abs(counts[main] + 1 - modal) <= max(1, modal // 4):
        return main
    delim = max(counts, key=lambda k: (counts[k], k == main))
    return main if counts[delim] == counts[main] else delim


def _bulk_rows(records: list[str], delim: str) -> list[list[str]] | None:
    """All records parsed by one csv.reader pass, or None when its record boundaries
    would not match :func:`_records` (odd quoting): then every record goes one by one."""
    try:
        # the records themselves are the reader's lines: no joined copy of the whole text
        rows = list(csv.reader(records, delimiter=delim, quotechar='"'))
    except csv.Error:
        return None
    return rows if len(rows) == len(records) else None


def _split_record(rec: str, counts: dict[str, int], main: str, modal: int, notes: list[str]
                  ) -> tuple[list[str], str]:
    """One record split on its own separator, re-split when the whole row was quoted."""
    delim = _choose(counts, main, modal)
    fields = _split(_strip_padding(rec, delim), delim)
    nonempty = [f for f in fields if f.strip()]
    if len(nonempty) == 1 and rec.lstrip().startswith('"'):
        inner = nonempty[0]
        inner_counts = _counts(inner)
        if any(inner_counts.values()):
            d2 = _choose(inner_counts, main, modal)
            again = _split(_strip_padding(inner, d2), d2)
            if len(again) >= max(3, modal // 2):
                fields, delim = again, d2
                notes.append("baris terbungkus kutip utuh dipecah ulang")
    return fields, delim


def _limit_error(what: str, attr: str, value: int, unit: str, row: int | None = None) -> LoadError:
    return LoadError(f"{what}, melebihi batas {value:,} {unit} ({raise_hint(attr)})", row=row)


def _cell_error(longest: int, cap: int, row: int) -> LoadError:
    return LoadError(f"sebuah sel berisi {longest:,} karakter, melebihi batas {cap:,} "
                     f"({raise_hint('max_cell_chars')})", row=row)


def _check_records(records: list[str], limits: Limits, cap: int) -> None:
    """Fields per record and characters per record, before any record is split: a record of
    millions of fields (``a;a;a;…``) is refused in one pass over its text."""
    bound = min(limits.max_line_chars, limits.max_fields)
    if max(map(len, records), default=0) <= bound:
        return  # no record can hold more fields than characters
    for k, rec in enumerate(records, start=1):
        if len(rec) <= bound:
            continue
        bare = _outside_quotes(rec)
        counts = {d: bare.count(d) for d in _SEPARATORS}
        delim = max(counts, key=counts.__getitem__)
        n = counts[delim] + 1
        if n > limits.max_fields:
            raise _limit_error(f"baris berisi {n:,} kolom", "max_fields", limits.max_fields, "kolom", k)
        if len(rec) > limits.max_line_chars:
            fields = rec.split(delim) if '"' not in rec else _split(rec, delim)
            longest = max(map(len, fields), default=0)
            if longest > cap:  # one huge cell makes the line long: name that limit
                raise _cell_error(longest, cap, k)
            raise _limit_error(f"baris berisi {len(rec):,} karakter", "max_line_chars",
                               limits.max_line_chars, "karakter", k)


#: the header row is looked for among the first records, as the table readers do
_HEADER_SCAN = 40


def _wider_than_header(rows: list[list[str]]) -> list[tuple[int, int, int]]:
    """(record number, fields, header's fields) of records with a non-empty field beyond the
    header's last column name. The header is the first record that names the most known
    columns; without one, the width most records have stands in for it."""
    from .headers import header_score

    best, start, width = (0, False), 0, 0
    for i, row in enumerate(rows[:_HEADER_SCAN]):
        score = header_score(row)
        if score[1] and score[0] >= 2 and score[0] > best[0]:
            best, start = score, i + 1
            width = max((j + 1 for j, c in enumerate(row) if c.strip()), default=0)
    if not width:
        widths: dict[int, int] = {}
        for row in rows:
            if any(c.strip() for c in row):
                widths[len(row)] = widths.get(len(row), 0) + 1
        width = max(widths, key=lambda w: (widths[w], w)) if widths else 0
        start = 0
    if width < 2:
        return []
    return [(k, len(row), width) for k, row in enumerate(rows[start:], start=start + 1)
            if len(row) > width and any(c.strip() for c in row[width:])]


def _main_and_modal(sample: list[str]) -> tuple[str, int]:
    """The file's main separator and usual number of fields, from sampled records."""
    counted = [_counts(r) for r in sample]
    votes = {",": 0, ";": 0, "\t": 0}
    for counts in counted:
        best = max(counts.items(), key=lambda kv: (kv[1], kv[0] == ","))
        if best[1] > 0:
            votes[best[0]] += 1
    main = max(votes, key=lambda k: votes[k])
    widths: dict[int, int] = {}
    for counts in counted:
        if counts[main]:
            widths[counts[main] + 1] = widths.get(counts[main] + 1, 0) + 1
    modal = max(widths, key=lambda k: (widths[k], k)) if widths else 1
    return main, modal


def _one_record(rec: str, main: str, modal: int, notes: list[str]) -> tuple[list[str], str]:
    return _split_record(rec, _counts(rec), main, modal, notes)


def _swallowed(rec: str, delim: str) -> list[str] | None:
    """The records hidden in one multi-line record, when CSV reading itself ends it earlier.

    A quote inside a bare field (``… DAU=Rp.17.818.000 "6 unit …``) is text to a CSV reader and
    to a spreadsheet, but an odd quote count keeps :func:`_records` joining lines until the next
    odd line; the reader stops at the first line's end and the rest would be lost. Returns the
    raw lines of each record the reader sees, or None when it sees one record.
    """
    if "\n" not in rec:
        return None
    lines = rec.split("\n")
    reader = csv.reader(io.StringIO(rec), delimiter=delim, quotechar='"')
    parts, done = [], 0
    try:
        for _ in reader:
            parts.append("\n".join(lines[done:reader.line_num]))
            done = reader.line_num
    except csv.Error:
        return None
    return parts if len(parts) > 1 else None


class _Cells:
    """The max_cells check, made once the main separator is known (before any split)."""

    def __init__(self, text: str, limits: Limits) -> None:
        self.text, self.limits = text, limits

    def __call__(self, main: str, records: int) -> None:
        cells = self.text.count(main) + records
        if cells > self.limits.max_cells:
            raise _limit_error(f"berkas berisi sekitar {cells:,} sel", "max_cells",
                               self.limits.max_cells, "sel")


def parse_csv_text(text: str, max_cell_chars: int | None = None,
                   wide: list[tuple[int, int, int]] | None = None, limits: Limits | None = None,
                   repaired: list[tuple[int, int, int, int]] | None = None, fast: bool = True,
                   starts: list[int] | None = None, suspect: list[tuple[int, int]] | None = None
                   ) -> tuple[list[list[object]], list[str]]:
    """Parse CSV text with per-record separator choice; returns rows and notes.

    >>> parse_csv_text("Judul,Penjabaran APBD,,,;;;;\\nKode;Uraian;Jumlah\\n5.2;Jasa, Ahli;675.000,00\\n")[0]
    [['Judul', 'Penjabaran APBD', '', '', ''], ['Kode', 'Uraian', 'Jumlah'], ['5.2', 'Jasa, Ahli', '675.000,00']]

    A field longer than ``max_cell_chars``, a record with more fields than ``limits.max_fields``
    or more characters than ``limits.max_line_chars``, and a text of more than
    ``limits.max_cells`` fields raise :class:`LoadError` with the record number.
    Records with more non-empty fields than the header's are appended to ``wide`` as
    (record number, fields, header's fields). A multi-line record that a CSV reader sees as
    several (a stray quote in a bare field swallowed the lines after it) is read as those
    records, and appended to ``repaired`` as (first row, last row, first line, last line).

    ``fast`` first tries :func:`.csvfast.fast_parse` (pyarrow, for a clean file; it declines
    anything else and gives the same rows); ``fast=False`` is the general path alone.
    ``starts`` receives the physical line each row starts on (the general path gives it).
    ``suspect`` receives (row, lines) for a quoted field holding two or more lines that look like
    records of the file (a code, then the usual number of separators): a quote that opened a field
    at its start and closed many records later. Every CSV reader and Excel read it as one field,
    so it is not re-split, only said.
    """
    limits = limits or LIMITS
    cap = limits.max_cell_chars if max_cell_chars is None else max_cell_chars
    if cap > csv.field_size_limit():
        csv.field_size_limit(min(cap, 2**31 - 1))
    check_cells = _Cells(text, limits)
    got = None
    if fast and starts is None:
        from .csvfast import fast_parse

        got = fast_parse(text, _main_and_modal, _one_record, check_cells,
                         min(limits.max_line_chars, limits.max_fields, cap))
    if got is not None:
        rows, used, notes, multi, main, modal = got
    else:
        rows, used, notes, multi, main, modal = _general(text, limits, cap, check_cells, repaired, starts)
    if suspect is not None:
        suspect += _record_like_fields(rows, multi, main, modal)
    if wide is not None:
        wide += _wider_than_header(rows)
    if len(used) > 1:
        notes.append("pemisah kolom bercampur: " + " dan ".join(sorted(repr(u) for u in used)))
    return rows, sorted(set(notes))


def _general(text: str, limits: Limits, cap: int, check_cells: _Cells,
             repaired: list[tuple[int, int, int, int]] | None, starts: list[int] | None = None
             ) -> tuple[list[list[object]], set[str], list[str], list[int], str, int]:
    """Every record split on its own separator (see the module docstring)."""
    records = _records(text)
    _check_records(records, limits, cap)
    notes: list[str] = []
    # main separator and usual width from (at most) 5,000 records spread over the file:
    # every record of a real penjabaran file, a fair sample of a million-row export
    step = max(1, len(records) // 5000)
    main, modal = _main_and_modal(records[::step])
    check_cells(main, len(records))
    bulk = _bulk_rows(records, main)
    others = [d for d in _SEPARATORS if d != main]
    used = set()
    rows: list[list[object]] = []
    multi: list[int] = []
    line = 1
    for k, rec in enumerate(records):
        if bulk is not None and not rec.startswith('"') and not any(d in rec for d in others):
            # one separator only and no whole-row quoting: the per-record choice could only
            # pick the main separator, so the bulk parse (one csv.reader pass) is the answer
            parts = [(bulk[k], main, rec)]
        else:
            fields, delim = _split_record(rec, _counts(rec), main, modal, notes)
            hidden = _swallowed(_strip_padding(rec, delim), delim)
            if hidden is None:
                parts = [(fields, delim, rec)]
            else:  # a stray quote swallowed lines: each is read as the record it is
                parts = [(*_split_record(p, _counts(p), main, modal, notes), p) for p in hidden]
                if repaired is not None:
                    last = line + sum(p.count("\n") + 1 for p in hidden) - 1
                    repaired.append((len(rows) + 1, len(rows) + len(parts), line, last))
        at = line
        for fields, delim, raw in parts:
            if len(raw) > cap and max(map(len, fields), default=0) > cap:
                raise _cell_error(max(map(len, fields)), cap, len(rows) + 1)
            if any(f for f in fields if f.strip()):
                used.add(delim)
            if "\n" in raw:
                multi.append(len(rows))
            rows.append(fields)
            if starts is not None:
                starts.append(at)
                at += raw.count("\n") + 1
        line += rec.count("\n") + 1
    return rows, used, notes, multi, main, modal


_CODE_START = re.compile(r"\s*\d+(?:\s*\.\s*\d+)+")


def _record_like_fields(rows: list[list[object]], multi: list[int], main: str, modal: int
                        ) -> list[tuple[int, int]]:
    """(row number, lines) of rows with a field whose lines look like the file's records."""
    need = max(2, modal - 1)
    out = []
    for i in multi:
        for cell in rows[i]:
            if isinstance(cell, str) and "\n" in cell:
                like = sum(1 for ln in cell.split("\n") if ln.count(main) >= need and _CODE_START.match(ln))
                if like >= 2:
                    out.append((i + 1, like))
                    break
    return out
