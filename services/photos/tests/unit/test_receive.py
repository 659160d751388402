"""The multipart receiver: limits enforced while the body streams in."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from jiaodui_photos.adapters.upload import UploadRejectedError, receive_batch
from starlette.datastructures import Headers

BOUNDARY = "xyzzy"


def body(manifest: bytes, archive: bytes) -> bytes:
    parts = []
    for name, data in (("manifest", manifest), ("archive", archive)):
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}"'
            f"\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


async def chunks(data: bytes, size: int = 4096) -> AsyncIterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


HEADERS = Headers({"content-type": f"multipart/form-data; boundary={BOUNDARY}"})


async def test_parts_arrive_spooled() -> None:
    got = await receive_batch(
        HEADERS,
        chunks(body(b"file,kind\n", b"PK" * 1000)),
        max_manifest_bytes=1024,
        max_archive_bytes=10_000,
    )
    assert got.manifest == b"file,kind\n" and got.archive_bytes == 2000
    assert got.archive.read() == b"PK" * 1000
    got.archive.close()


@pytest.mark.parametrize(
    ("manifest", "archive", "code"),
    [
        (b"m", b"x" * 200_000, "archive_too_large"),
        (b"m" * 5000, b"x", "manifest_too_large"),
    ],
)
async def test_limits_stop_the_stream(manifest: bytes, archive: bytes, code: str) -> None:
    with pytest.raises(UploadRejectedError) as caught:
        await receive_batch(
            HEADERS,
            chunks(body(manifest, archive)),
            max_manifest_bytes=1024,
            max_archive_bytes=10_000,
        )
    assert caught.value.status == 413 and caught.value.code == code


async def test_declared_length_and_content_type_are_checked_first() -> None:
    with pytest.raises(UploadRejectedError) as caught:
        await receive_batch(
            Headers({**HEADERS, "content-length": str(10**9)}),
            chunks(b""),
            max_manifest_bytes=1024,
            max_archive_bytes=10_000,
        )
    assert caught.value.code == "archive_too_large"
    with pytest.raises(UploadRejectedError) as caught:
        await receive_batch(
            Headers({"content-type": "application/zip"}),
            chunks(b""),
            max_manifest_bytes=1024,
            max_archive_bytes=10_000,
        )
    assert caught.value.status == 415
