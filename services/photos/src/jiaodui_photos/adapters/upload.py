"""Receive a multipart batch: streamed to temporary files, the total bounded while it arrives."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from typing import IO

from starlette.datastructures import Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser


class UploadRejectedError(Exception):
    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


@dataclass
class ReceivedBatch:
    manifest: bytes
    archive: IO[bytes]  # a spooled temporary file, rolled to disk past 1 MB; caller closes it
    archive_bytes: int


async def _bounded(stream: AsyncIterator[bytes], limit: int) -> AsyncGenerator[bytes, None]:
    total = 0
    async for chunk in stream:
        total += len(chunk)
        if total > limit:
            raise UploadRejectedError(413, "archive_too_large", "The upload is too large.")
        yield chunk


async def receive_batch(
    headers: Headers,
    stream: AsyncIterator[bytes],
    *,
    max_manifest_bytes: int,
    max_archive_bytes: int,
) -> ReceivedBatch:
    """Parse ``manifest`` and ``archive`` from a multipart body; 413 past the limits."""
    limit = max_manifest_bytes + max_archive_bytes + 64 * 1024  # room for part headers
    declared = headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise UploadRejectedError(413, "archive_too_large", "The upload is too large.")
    if not headers.get("content-type", "").startswith("multipart/form-data"):
        raise UploadRejectedError(415, "multipart_required", "Send multipart/form-data.")
    parser = MultiPartParser(
        headers,
        _bounded(stream, limit),
        max_files=2,
        max_fields=2,
        max_part_size=max_manifest_bytes,
    )
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise UploadRejectedError(422, "multipart_invalid", str(exc)) from exc
    manifest, archive = form.get("manifest"), form.get("archive")
    try:
        if not isinstance(archive, UploadFile):
            raise UploadRejectedError(422, "archive_missing", "The `archive` file is missing.")
        manifest_bytes = await _manifest_bytes(manifest, max_manifest_bytes)
        size = archive.size or 0
        if size > max_archive_bytes:
            raise UploadRejectedError(413, "archive_too_large", "The archive is too large.")
    except UploadRejectedError:
        await form.close()
        raise
    return ReceivedBatch(manifest=manifest_bytes, archive=archive.file, archive_bytes=size)


async def _manifest_bytes(manifest: UploadFile | str | None, limit: int) -> bytes:
    if isinstance(manifest, str):
        data = manifest.encode()
    elif isinstance(manifest, UploadFile):
        data = await manifest.read(limit + 1)
        await manifest.close()
    else:
        raise UploadRejectedError(422, "manifest_missing", "The `manifest` part is missing.")
    if len(data) > limit:
        raise UploadRejectedError(413, "manifest_too_large", "The manifest is too large.")
    return data
