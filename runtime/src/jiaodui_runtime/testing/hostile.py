"""A fixed corpus of malformed request bodies, shaped after a route's declared schema.

Each body starts from a plausible value of the route's request schema in which every
string carries ``marker`` (so a test can search the databases for anything written),
then breaks it one way: bad syntax, NUL bytes, lone surrogates, megabyte strings, huge
numbers, deep nesting, wrong media types, empty bodies, arrays for objects. None of them
is a request a service may accept.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

JSON = "application/json"
MEGABYTE = 1024 * 1024
DEPTH = 30_000  # past every JSON parser's recursion limit, under the gateway's 64 KiB
_RAW = "\x01raw\x01"


@dataclass(frozen=True, slots=True)
class HostileBody:
    name: str
    content_type: str | None
    body: bytes


def plausible(schema: Mapping[str, Any], marker: str) -> Any:
    """A value of the (resolved) schema whose strings all carry ``marker``."""
    for key in ("anyOf", "oneOf", "allOf"):
        options = [o for o in schema.get(key, ()) if o.get("type") != "null"]
        if options:
            return plausible(options[0], marker)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        return {k: plausible(v, marker) for k, v in schema.get("properties", {}).items()}
    if kind == "array":
        return [plausible(schema.get("items", {}), marker)]
    scalars: dict[str, Any] = {"integer": 1, "number": 1.5, "boolean": True, "null": None}
    if kind in scalars:
        return scalars[kind]
    formats = {
        "email": f"{marker}@example.edu.cn",
        "date": "2004-01-20",
        "date-time": "2026-03-17T00:00:00Z",
        "uuid": str(uuid.uuid4()),
    }
    return formats.get(schema.get("format", ""), marker)


def _leaves(value: Any, change: Callable[[Any], Any]) -> Any:
    if isinstance(value, dict):
        return {k: _leaves(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_leaves(v, change) for v in value]
    return change(value)


def _strings(value: Any, change: Callable[[str], str]) -> Any:
    return _leaves(value, lambda v: change(v) if isinstance(v, str) else v)


def _first_string_huge(value: Any) -> Any:
    done = False

    def grow(text: str) -> str:
        nonlocal done
        if done:
            return text
        done = True
        return text + "x" * MEGABYTE

    return _strings(value, grow)


def _spliced(value: Any, raw: str) -> bytes:
    """``value`` as JSON with ``raw`` (not valid as a Python value) wherever ``_RAW`` is."""
    return json.dumps(value).replace(json.dumps(_RAW), raw).encode()


def _numbers(value: Any, digits: str) -> bytes:
    return _spliced(_leaves(value, lambda _v: _RAW), digits)


def _multipart(fields: Mapping[str, Any], *, close: bool = True) -> tuple[str, bytes]:
    boundary = "hostile-boundary-7d3f"
    parts = []
    for name, value in fields.items():
        data = value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{name}.bin"\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    body = b"".join(parts) + (f"--{boundary}--\r\n".encode() if close else b"")
    return f"multipart/form-data; boundary={boundary}", body


def _flat(template: Any, marker: str) -> dict[str, Any]:
    return template if isinstance(template, dict) and template else {"value": marker}


def corpus(schema: Mapping[str, Any], media: str | None, marker: str) -> list[HostileBody]:
    """The hostile bodies for a route whose body is ``media`` with ``schema``."""
    t = _flat(plausible(schema, marker), marker)
    text = json.dumps(t)
    m = marker.encode()
    deep = "[" * DEPTH + "]" * DEPTH
    form_type, form = _multipart(t)
    _, unfinished = _multipart(t, close=False)
    bodies = [
        HostileBody("malformed_json", JSON, b'{"' + m + b'": ,}'),
        HostileBody("truncated_json", JSON, text[: len(text) // 2].encode()),
        HostileBody("raw_nul_byte", JSON, text.encode().replace(m, m + b"\x00")),
        HostileBody("escaped_nul", JSON, json.dumps(_strings(t, lambda s: s + "\0" + s)).encode()),
        HostileBody(
            "lone_surrogate", JSON, json.dumps(_strings(t, lambda s: s + "\ud800")).encode()
        ),
        HostileBody("invalid_utf8", JSON, text.encode().replace(m, m + b"\xed\xa0\x80\xff")),
        HostileBody("megabyte_string", JSON, json.dumps(_first_string_huge(t)).encode()),
        HostileBody("float_overflow", JSON, _numbers(t, "1e400")),
        HostileBody("thousand_digit_int", JSON, _numbers(t, "1" + "0" * 1000)),
        HostileBody("five_thousand_digit_int", JSON, _numbers(t, "9" * 5000)),
        HostileBody("deep_array", JSON, deep.encode()),
        HostileBody("deep_field", JSON, _spliced({**t, next(iter(t)): _RAW}, deep)),
        HostileBody("array_for_object", JSON, json.dumps([t]).encode()),
        HostileBody("string_for_object", JSON, json.dumps(marker).encode()),
        HostileBody("null_body", JSON, b"null"),
        HostileBody(
            "objects_for_fields", JSON, json.dumps({k: {"x": [marker]} for k in t}).encode()
        ),
        HostileBody("empty_json", JSON, b""),
        HostileBody("empty_untyped", None, b""),
        HostileBody("text_plain", "text/plain", text.encode()),
        HostileBody(
            "form_urlencoded",
            "application/x-www-form-urlencoded",
            urlencode(_strings(t, str)).encode(),
        ),
        HostileBody("multipart_nul", *_multipart(_strings(t, lambda s: s + "\0"))),
        HostileBody("multipart_invalid_utf8", *_multipart(_strings(t, lambda s: s + "\udcff"))),
        HostileBody("multipart_truncated", form_type, unfinished[: len(unfinished) // 2]),
        HostileBody("multipart_no_boundary", "multipart/form-data", form),
        HostileBody(
            "csv_header_only", "text/csv", b",".join([m, *(k.encode() for k in t)]) + b"\n"
        ),
        HostileBody("csv_binary", "text/csv", b"\x00\xff\xfe" + m + b"\x00,\xed\xa0\x80\n" * 3),
        HostileBody("ndjson_blank", "application/x-ndjson", b"\n \n\t\n"),
    ]
    if media is not None and media.startswith("multipart/"):
        bodies.append(HostileBody("json_for_multipart", JSON, text.encode()))
    else:
        bodies.append(HostileBody("multipart_for_json", form_type, form))
    return bodies
