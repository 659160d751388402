"""ZIP archives of photos: refused as a whole when they look like a bomb, read entry by
entry with bounded reads (declared sizes are checked first and never trusted alone)."""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

BOMB_FLOOR_BYTES = 64 * 1024  # tiny entries may compress well without harm


class ArchiveRefusedError(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


class EntryRejectedError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class Limits:
    max_files: int
    max_file_bytes: int
    max_total_uncompressed_bytes: int
    max_compression_ratio: float


def open_archive(
    file: IO[bytes], limits: Limits
) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    """Open and inspect the central directory; raise ArchiveRefusedError for the batch."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ArchiveRefusedError("archive_invalid", "The archive is not a ZIP file.") from exc
    entries: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in archive.infolist():
        if info.is_dir():
            continue
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > BOMB_FLOOR_BYTES and ratio > limits.max_compression_ratio:
            archive.close()
            raise ArchiveRefusedError("zip_bomb", "The archive expands far beyond its size.")
        entries.setdefault(info.filename, info)
        if len(entries) > limits.max_files:
            archive.close()
            raise ArchiveRefusedError("too_many_files", "The archive holds too many files.")
    if total > limits.max_total_uncompressed_bytes:
        archive.close()
        raise ArchiveRefusedError("zip_bomb", "The archive expands beyond the allowed total.")
    return archive, entries


def read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, max_bytes: int) -> bytes:
    """The entry's bytes, never more than ``max_bytes`` decompressed."""
    if info.flag_bits & 0x1:
        raise EntryRejectedError("encrypted")
    if info.file_size > max_bytes:
        raise EntryRejectedError("file_too_large")
    try:
        with archive.open(info) as entry:
            data = entry.read(max_bytes + 1)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError) as exc:
        raise EntryRejectedError("file_corrupt") from exc
    if len(data) > max_bytes:
        raise EntryRejectedError("file_too_large")
    return data
