"""Import bodies on disk: written while the request streams in, read back row by row.

Rows are read lazily (CSV with a header row, or NDJSON), so an import of any size runs
in bounded memory. Line numbers are the file's: for CSV the header is line 1.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
from collections.abc import Iterator
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


def _csv_rows(handle: IO[str]) -> Iterator[RawRow]:
    reader = csv.reader(handle)
    try:
        header = _header(next(reader))
    except StopIteration:
        return
    width = len(header)
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            line = reader.line_num
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

    def __init__(self, path: Path, fmt: str, *, after_line: int = 0) -> None:
        self._bytes_read = 0
        self._binary: io.BufferedReader | None = None
        self._rows = self._read(path, fmt, after_line)

    def _read(self, path: Path, fmt: str, after_line: int) -> Iterator[RawRow]:
        with path.open("rb") as binary:
            self._binary = binary
            if fmt == "csv":
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


def read_rows(path: Path, fmt: str, *, after_line: int = 0) -> RowReader:
    """The rows of an import file, skipping those up to ``after_line`` (already done)."""
    return RowReader(path, fmt, after_line=after_line)


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
