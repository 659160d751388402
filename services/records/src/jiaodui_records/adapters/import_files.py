"""Import bodies on disk: written while the request streams in, read back in chunks.

A CSV file whose header is one plain line is read in chunks of whole lines (raw bytes,
for the database to COPY and check); a chunk the database cannot take as plain lines
(quotes, lone carriage returns...) is read row by row here, like an NDJSON file or a CSV
file with an unusual header. Either way an import of any size runs in bounded memory.
Line numbers are the file's: for CSV the header is line 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import orjson

FORMATS = {
    "text/csv": "csv",
    "application/csv": "csv",
    "application/x-ndjson": "ndjson",
    "application/ndjson": "ndjson",
    "application/jsonl": "ndjson",
}
csv.field_size_limit(64 * 1024)


@dataclass(frozen=True, slots=True)
class RawRow:
    line: int
    fields: dict[str, str] | None  # None: the line is not a row at all (malformed)


def _header(row: list[str]) -> list[str]:
    return [h.strip().lstrip("\ufeff").strip().lower() for h in row]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    return "\x00"  # nested JSON: never a valid value (refused by validation)


def _csv_rows(
    handle: IO[str], header: list[str] | None = None, base_line: int = 0
) -> Iterator[RawRow]:
    reader = csv.reader(handle)
    if header is None:
        try:
            header = _header(next(reader))
        except StopIteration:
            return
    width = len(header)
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            line = base_line + reader.line_num
            yield RawRow(line, dict(zip(header, row, strict=True)) if len(row) == width else None)
    except csv.Error:
        yield RawRow(reader.line_num, None)  # an unclosed quote swallowed the rest


def _ndjson_rows(handle: IO[bytes]) -> Iterator[RawRow]:
    for line, raw in enumerate(handle, start=1):
        if not raw.strip():
            continue
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            yield RawRow(line, None)
            continue
        if not isinstance(value, dict):
            yield RawRow(line, None)
            continue
        yield RawRow(line, {str(k).strip().lower(): _text(v) for k, v in value.items()})


class RowReader:
    """The rows of an import file, skipping those up to ``after_line`` (already done), and
    how many bytes of the file have been read so far (ahead of the rows handed out by at
    most one buffer: enough for a progress bar)."""

    def __init__(
        self,
        path: Path,
        fmt: str,
        *,
        after_line: int = 0,
        start: tuple[int, int, list[str]] | None = None,
    ) -> None:
        self._bytes_read = 0
        self._binary: io.BufferedReader | None = None
        self._rows = self._read(path, fmt, after_line, start)

    def _read(
        self, path: Path, fmt: str, after_line: int, start: tuple[int, int, list[str]] | None
    ) -> Iterator[RawRow]:
        """``start``: (byte offset, its line number, the header) to read a CSV file from a
        row in the middle."""
        with path.open("rb") as binary:
            self._binary = binary
            if fmt == "csv" and start is not None:
                offset, base_line, header = start
                binary.seek(offset)
                text = io.TextIOWrapper(binary, encoding="utf-8", errors="replace", newline="")
                rows = _csv_rows(text, header, base_line)
            elif fmt == "csv":
                text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="replace", newline="")
                rows = _csv_rows(text)
            else:
                rows = _ndjson_rows(binary)
            for row in rows:
                if row.line > after_line:
                    yield row
            self._bytes_read = binary.raw.tell()
            self._binary = None

    def __iter__(self) -> RowReader:
        return self

    def __next__(self) -> RawRow:
        return next(self._rows)

    @property
    def bytes_read(self) -> int:
        binary = self._binary
        return binary.raw.tell() if binary is not None and not binary.closed else self._bytes_read


def csv_rows_of(data: bytes, header: list[str], *, base_line: int) -> tuple[list[RawRow], bool]:
    """The rows of a chunk of a CSV file read as the whole file would be (line numbers
    after ``base_line``), and whether the chunk ends inside a quoted field (then the rows
    cannot be known without the rest of the file)."""
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace", newline="")
    reader = csv.reader(text)
    width = len(header)
    rows: list[RawRow] = []
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            line = base_line + reader.line_num
            rows.append(
                RawRow(line, dict(zip(header, row, strict=True)) if len(row) == width else None)
            )
    except csv.Error:
        return rows, True
    return rows, False


def physical_lines(data: bytes) -> int:
    """How many lines a chunk holds as Python's text reading counts them (``\n``,
    ``\r\n`` and a lone ``\r`` end a line; a last line without an end counts too)."""
    ends = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    return ends + (1 if data and data[-1:] not in (b"\n", b"\r") else 0)


@dataclass(frozen=True, slots=True)
class CsvHeader:
    columns: list[str]
    end: int  # byte offset of the first row


def read_plain_header(path: Path) -> CsvHeader | None:
    """The header when it is one plain line (no quote, no lone carriage return, ended by a
    newline); None otherwise (the file is then read row by row)."""
    with path.open("rb") as binary:
        first = binary.readline(1 << 20)
    if not first.endswith(b"\n") or b'"' in first or b"\r" in first[:-2]:
        return None
    text = first.decode("utf-8-sig", errors="replace").rstrip("\n").removesuffix("\r")
    if not text.strip() or "\r" in text:
        return None
    return CsvHeader(_header(text.split(",")), len(first))


@dataclass(frozen=True, slots=True)
class Chunk:
    """Where a chunk of whole lines lies in the file; its bytes stay there (the COPY and,
    for a chunk that is not plain, Python's CSV reader read them from the file)."""

    start: int  # byte offsets in the file
    end: int
    base_line: int  # the line number before the chunk's first line
    lines: int  # physical lines in the chunk
    plain: bool  # whether the database may read it as lines (see :func:`is_plain`)


def is_plain(data: bytes) -> bool:
    """Whether the database may read ``data`` as lines: no quote (every line is then one
    row, split at commas) and no line starting with ``\\.`` (COPY's end marker)."""
    return b'"' not in data and not data.startswith(b"\\.") and b"\n\\." not in data


def chunks(
    path: Path, *, offset: int, base_line: int, max_lines: int, block: int = 1 << 20
) -> Iterator[Chunk]:
    """Chunks of at most ``max_lines`` whole lines (cut after a newline) from ``offset``,
    found by reading the file a block at a time: one block is held, whatever the batch."""
    with path.open("rb") as binary:
        while (chunk := _scan(binary, offset, base_line, max_lines, block)) is not None:
            yield chunk
            offset, base_line = chunk.end, base_line + chunk.lines


def _scan(
    binary: IO[bytes], start: int, base_line: int, max_lines: int, block: int
) -> Chunk | None:
    """The chunk that starts at ``start``: its end, its physical lines (as
    :func:`physical_lines` counts them) and whether it is plain, block by block."""
    binary.seek(start)
    size = newlines = ends = 0
    plain = True
    tail = b"\n"  # the chunk's start is a line's start (for the end marker)
    while newlines < max_lines:
        part = binary.read(block)
        if not part:
            break
        found = part.count(b"\n")
        if newlines + found >= max_lines:  # the max_lines-th newline is in this block
            part = part[: _nth_newline(part, max_lines - newlines) + 1]
            found = max_lines - newlines
        newlines += found
        size += len(part)
        # lone CR and CRLF count as one line end each, as Python's text reading does
        ends += found + part.count(b"\r") - part.count(b"\r\n")
        if tail.endswith(b"\r") and part.startswith(b"\n"):
            ends -= 1  # a CRLF across two blocks
        if plain:
            plain = b'"' not in part and b"\n\\." not in part and b"\n\\." not in tail + part[:2]
        tail = (tail + part[-2:])[-2:]
    if not size:
        return None
    lines = ends + (0 if tail.endswith((b"\n", b"\r")) else 1)
    return Chunk(start, start + size, base_line, lines, plain)


def _nth_newline(data: bytes, n: int) -> int:
    """Position in ``data`` of its n-th newline (there are at least n)."""
    position = -1
    for _ in range(n):
        position = data.index(b"\n", position + 1)
    return position


def read_range(path: Path, start: int, end: int) -> bytes:
    """The bytes of the file from ``start`` to ``end`` (a chunk that Python reads)."""
    with path.open("rb") as binary:
        binary.seek(start)
        return binary.read(end - start)


async def range_blocks(
    path: Path, start: int, end: int, *, block: int = 1 << 20
) -> AsyncIterator[bytes]:
    """The bytes of the file from ``start`` to ``end``, a block at a time (a COPY's source:
    the chunk is never held whole)."""
    with path.open("rb") as binary:
        binary.seek(start)
        left = end - start
        while left > 0:
            part = await asyncio.to_thread(binary.read, min(block, left))
            if not part:
                raise OSError(f"{path} ends before byte {end}")
            left -= len(part)
            yield part


def read_rows(
    path: Path, fmt: str, *, after_line: int = 0, start: tuple[int, int, list[str]] | None = None
) -> RowReader:
    """The rows of an import file, skipping those up to ``after_line`` (already done)."""
    return RowReader(path, fmt, after_line=after_line, start=start)


@dataclass(frozen=True, slots=True)
class Head:
    """What the start of a file says: its columns and the first row's institution."""

    empty: bool
    columns: list[str] | None
    first_institution: str | None


def read_head(path: Path, fmt: str) -> Head:
    columns = None
    if fmt == "csv":
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as text:
            first = next(csv.reader(text), None)
            columns = _header(first) if first else None
    first_row = next((r for r in read_rows(path, fmt) if r.fields is not None), None)
    institution = (first_row.fields or {}).get("institution_code", "").strip() if first_row else ""
    return Head(
        empty=first_row is None and columns is None,
        columns=columns,
        first_institution=institution or None,
    )


def remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
