"""The streaming multipart reader: limits hold while the body is still arriving."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from jiaodui_corrections.adapters.forms import read_form
from jiaodui_runtime.errors import Problem

BOUNDARY = "xyzBOUNDARY"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def multipart(fields: dict[str, str], files: dict[str, bytes]) -> bytes:
    out = b""
    for name, value in fields.items():
        out += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, data in files.items():
        out += (
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="x.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
            ).encode()
            + data
            + b"\r\n"
        )
    return out + f"--{BOUNDARY}--\r\n".encode()


class Body:
    """Yields the body in small chunks and counts how much was read."""

    def __init__(self, data: bytes, chunk: int = 1000) -> None:
        self.data = data
        self.chunk = chunk
        self.read = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.data), self.chunk):
            self.read += self.chunk
            yield self.data[start : start + self.chunk]


async def test_fields_and_the_file_are_read() -> None:
    body = Body(multipart({"id_type": "resident_id", "note": "身份证"}, {"scan": b"\xff" * 5000}))
    form = await read_form(
        CONTENT_TYPE, None, body.__aiter__(), file_field="scan", max_file_bytes=10_000
    )
    assert form.fields == {"id_type": "resident_id", "note": "身份证"}
    assert form.files == {"scan": b"\xff" * 5000}


async def test_an_oversized_file_is_refused_before_the_body_is_read_whole() -> None:
    body = Body(multipart({}, {"scan": b"\xff" * 2_000_000}))
    with pytest.raises(Problem) as caught:
        await read_form(
            CONTENT_TYPE, None, body.__aiter__(), file_field="scan", max_file_bytes=100_000
        )
    assert (caught.value.status, caught.value.code) == (413, "scan_too_large")
    assert body.read < 200_000


async def test_a_declared_length_over_the_limit_is_refused_at_once() -> None:
    body = Body(b"")
    with pytest.raises(Problem) as caught:
        await read_form(
            CONTENT_TYPE, "5000000", body.__aiter__(), file_field="scan", max_file_bytes=100
        )
    assert caught.value.status == 413 and body.read == 0


@pytest.mark.parametrize(
    ("content_type", "data", "status", "code"),
    [
        ("application/json", b"{}", 415, "multipart_required"),
        (CONTENT_TYPE, multipart({"note": "x" * 5000}, {}), 413, "field_too_large"),
        (CONTENT_TYPE, multipart({f"f{i}": "1" for i in range(20)}, {}), 422, "too_many_parts"),
        (CONTENT_TYPE, b"--nope\r\ngarbage", 422, "form_malformed"),
    ],
)
async def test_bad_forms(content_type: str, data: bytes, status: int, code: str) -> None:
    with pytest.raises(Problem) as caught:
        await read_form(
            content_type, None, Body(data).__aiter__(), file_field="scan", max_file_bytes=100
        )
    assert (caught.value.status, caught.value.code) == (status, code)
