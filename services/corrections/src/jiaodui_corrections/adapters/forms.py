"""A streaming multipart reader for the ID-scan forms.

Starlette's form parser spools any file size to disk before a route sees it; this
reader counts bytes as they arrive and stops at the first byte past the limit, so a
10 GB upload costs at most ``max_file_bytes`` of memory and is refused early.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from jiaodui_runtime.errors import Problem
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

_FORM_OVERHEAD = 64 * 1024  # headers, boundaries and the small text fields


@dataclass
class UploadForm:
    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)


class _TooLargeError(Exception):
    def __init__(self, code: str) -> None:
        self.code = code


@dataclass
class _Part:
    name: str = ""
    is_file: bool = False
    data: bytearray = field(default_factory=bytearray)
    header_field: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)
    headers: dict[str, bytes] = field(default_factory=dict)


def _too_large(code: str, limit: int) -> Problem:
    return Problem(413, code, f"The upload is larger than {limit} bytes.", max_bytes=limit)


async def read_form(
    content_type: str,
    content_length: str | None,
    body: AsyncIterator[bytes],
    *,
    file_field: str,
    max_file_bytes: int,
    max_field_bytes: int = 1024,
    max_parts: int = 12,
) -> UploadForm:
    """Parse ``multipart/form-data`` from ``body`` with per-part limits enforced while reading."""
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise Problem(415, "multipart_required", "Send the form as multipart/form-data.")
    max_total = max_file_bytes + _FORM_OVERHEAD
    if content_length and content_length.isdigit() and int(content_length) > max_total:
        raise _too_large("scan_too_large", max_file_bytes)
    form = UploadForm()
    part = _Part()
    count = 0

    def on_part_begin() -> None:
        nonlocal part, count
        count += 1
        if count > max_parts:
            raise _TooLargeError("too_many_parts")
        part = _Part()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        part.header_field += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        part.header_value += data[start:end]

    def on_header_end() -> None:
        part.headers[bytes(part.header_field).decode("latin-1").lower()] = bytes(part.header_value)
        part.header_field.clear()
        part.header_value.clear()

    def on_headers_finished() -> None:
        _, disposition = parse_options_header(part.headers.get("content-disposition", b""))
        part.name = disposition.get(b"name", b"").decode("utf-8", "replace")
        part.is_file = b"filename" in disposition

    def on_part_data(data: bytes, start: int, end: int) -> None:
        part.data += data[start:end]
        limit = max_file_bytes if part.name == file_field else max_field_bytes
        if len(part.data) > limit:
            raise _TooLargeError("scan_too_large" if part.name == file_field else "field_too_large")

    def on_part_end() -> None:
        if part.name == file_field:
            form.files[part.name] = bytes(part.data)
        elif not part.is_file:
            try:
                form.fields[part.name] = part.data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _TooLargeError("field_not_text") from exc

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    received = 0
    try:
        async for chunk in body:
            received += len(chunk)
            if received > max_total:
                raise _TooLargeError("scan_too_large")
            parser.write(chunk)
        parser.finalize()
    except _TooLargeError as exc:
        if exc.code == "scan_too_large":
            raise _too_large(exc.code, max_file_bytes) from None
        if exc.code == "field_too_large":
            raise _too_large(exc.code, max_field_bytes) from None
        raise Problem(422, exc.code, "The form is not acceptable.") from None
    except MultipartParseError as exc:
        raise Problem(422, "form_malformed", "The multipart form could not be read.") from exc
    return form
