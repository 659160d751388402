"""Example values built from the JSON Schemas: valid, deterministic, obviously fake.

Used by the public event catalogue (an example per event type) and by the tests that
round-trip every contract.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from jiaodui_contracts._base import Contract

__all__ = ["EXAMPLE_NOW", "example", "example_of"]

EXAMPLE_NOW = datetime(2026, 3, 17, 9, 30, tzinfo=UTC)
EXAMPLE_STRINGS: dict[str, Callable[[], str]] = {
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$": lambda: (
        "0f8fad5b-d9cb-469f-a165-70867728950e"
    ),
    r"^[0-9a-f]{64}$": lambda: "ab" * 32,
    r"\*": lambda: "110101********123X",
    r"^jdc_[A-Za-z0-9_-]{8,64}$": lambda: "jdc_0123456789abcdef",
    r"^events:[a-z]+$": lambda: "events:photos",
    r"^[a-z][a-z0-9_]{0,63}$": lambda: "face_off_centre",
}


def example(node: dict[str, Any], root: dict[str, Any]) -> Any:
    """A valid value for a schema node (enough for the schemas pydantic writes here)."""
    if "$ref" in node:
        return example(root["$defs"][node["$ref"].split("/")[-1]], root)
    if "anyOf" in node:
        return example(node["anyOf"][0], root)
    if "const" in node or "enum" in node:
        return node.get("const", (node.get("enum") or [None])[0])
    kind = str(node.get("type"))
    if kind == "object":
        props = node.get("properties", {})
        return {name: example(sub, root) for name, sub in props.items()}
    if kind == "array":
        return [example(node["items"], root)]
    if kind == "string":
        if "pattern" in node:
            known = EXAMPLE_STRINGS.get(node["pattern"])
            return known() if known else _from_pattern(node["pattern"])
        formats = {"date-time": EXAMPLE_NOW.isoformat(), "date": "2000-01-31"}
        return formats.get(str(node.get("format")), "x")
    return {"integer": 1, "number": 4.0, "boolean": True}[kind]


_SIMPLE = re.compile(r"^\^([A-Za-z0-9_]*)\[([^\]]+)\]\{(\d+)(?:,\d*)?\}\$$")


def _from_pattern(pattern: str) -> str:
    """``^prefix[class]{n}$`` / ``{n,m}``: the prefix, then the class's first character n
    times; other patterns need an entry in ``EXAMPLE_STRINGS``."""
    match = _SIMPLE.match(pattern)
    if match is None:
        raise KeyError(pattern)
    prefix, chars, count = match.groups()
    return prefix + chars[0] * max(1, int(count))


def example_of(model: type[Contract]) -> Contract:
    """An instance of ``model`` with example values in every field."""
    schema = model.model_json_schema()
    return model.model_validate(example(schema, schema), strict=False)
