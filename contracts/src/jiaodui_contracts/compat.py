"""Breaking-change detection between published JSON Schemas and new ones.

The contract holds both ways within a major version: a consumer built on the
published schema reads new events, and a consumer built on the new schema reads
events already on the topic (or replayed from a dead-letter topic). Compatible:
a new optional field, a new enum value, a new event type, a looser constraint.
Breaking: a type removed; its type string, topic or key changed; a field removed,
newly required or no longer required; a field's type changed; an enum narrowed
or a constant changed; a constraint tightened.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

Schema = dict[str, Any]

__all__ = ["Schema", "breaking_changes", "breaking_changes_between", "load_schemas"]

_IDENTITY = {"x-type": "event type", "x-topic": "topic", "x-key": "key"}
_LOWER_BOUNDS = ("minLength", "minItems", "minimum", "exclusiveMinimum")
_UPPER_BOUNDS = ("maxLength", "maxItems", "maximum", "exclusiveMaximum")
_EXACT = ("pattern", "multipleOf")


def load_schemas(directory: Path) -> dict[str, Schema]:
    """Every ``*.json`` schema of a directory, by file name."""
    return {p.name: json.loads(p.read_text()) for p in sorted(directory.glob("*.json"))}


def breaking_changes_between(published: dict[str, Schema], current: dict[str, Schema]) -> list[str]:
    """What breaks, type by type (``"<file>: <problem>"``); empty when compatible."""
    problems: list[str] = []
    for name, old in sorted(published.items()):
        if name not in current:
            problems.append(f"{name}: type removed (publish a new major version beside it)")
            continue
        problems += [f"{name}: {problem}" for problem in breaking_changes(old, current[name])]
    return problems


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """Human-readable list of what would break between two schemas of one type."""
    problems = [
        f"{label} changed: {old[key]} -> {new.get(key)}"
        for key, label in _IDENTITY.items()
        if key in old and old[key] != new.get(key)
    ]
    old_fields, new_fields = _fields(old, old), _fields(new, new)
    for path, (old_node, old_required) in old_fields.items():
        if path not in new_fields:
            problems.append(f"field removed: {path}")
            continue
        new_node, new_required = new_fields[path]
        if new_required and not old_required:
            problems.append(f"field became required: {path}")
        if old_required and not new_required:
            problems.append(f"field no longer required: {path}")
        problems += _value_changes(path, (old_node, old), (new_node, new))
    problems += [
        f"new required field: {path}"
        for path, (_node, required) in new_fields.items()
        if path not in old_fields and required
    ]
    return problems


def _resolve(node: Schema, root: Schema) -> Schema:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        resolved: Schema = root.get("$defs", {})[ref.removeprefix("#/$defs/")]
        return resolved
    return node


def _options(node: Schema, root: Schema) -> list[Schema]:
    """The alternatives a value may take, refs resolved and unions flattened."""
    node = _resolve(node, root)
    for combinator in ("anyOf", "oneOf"):
        if combinator in node:
            return [opt for sub in node[combinator] for opt in _options(sub, root)]
    if len(node.get("allOf", [])) == 1:
        return _options(node["allOf"][0], root)
    return [node]


def _fields(schema: Schema, root: Schema, prefix: str = "") -> dict[str, tuple[Schema, bool]]:
    """Every property, nested ones included (``a.b``; ``a[].b`` for arrays of objects)."""
    found: dict[str, tuple[Schema, bool]] = {}
    for node in _options(schema, root):
        required = set(node.get("required", []))
        for name, sub in node.get("properties", {}).items():
            path = f"{prefix}{name}"
            found[path] = (sub, name in required)
            for option in _options(sub, root):
                if "properties" in option:
                    found.update(_fields(option, root, f"{path}."))
                if option.get("type") == "array" and "items" in option:
                    found.update(_fields(option["items"], root, f"{path}[]."))
    return found


def _kind(option: Schema) -> str:
    if "const" in option or "enum" in option:
        return "enum"
    kind = option.get("type", "any")
    kind = "|".join(sorted(kind)) if isinstance(kind, list) else str(kind)
    return f"{kind}:{option['format']}" if "format" in option else kind


def _values(options: list[Schema]) -> set[str]:
    values: set[str] = set()
    for option in options:
        listed = [option["const"]] if "const" in option else option.get("enum", [])
        values |= {json.dumps(v, sort_keys=True) for v in listed}
    return values


def _constraints(options: list[Schema]) -> dict[str, Any]:
    keys = (*_LOWER_BOUNDS, *_UPPER_BOUNDS, *_EXACT)
    return {k: opt[k] for opt in options if _kind(opt) != "enum" for k in keys if k in opt}


def _value_changes(path: str, old: tuple[Schema, Schema], new: tuple[Schema, Schema]) -> list[str]:
    old_options, new_options = _options(*old), _options(*new)
    old_kinds = sorted({_kind(o) for o in old_options})
    new_kinds = sorted({_kind(o) for o in new_options})
    if old_kinds != new_kinds:
        return [f"type changed: {path} {old_kinds} -> {new_kinds}"]
    problems: list[str] = []
    lost = _values(old_options) - _values(new_options)
    if lost:
        problems.append(f"values narrowed or changed: {path} (gone: {', '.join(sorted(lost))})")
    was, now = _constraints(old_options), _constraints(new_options)
    for key, value in now.items():
        before = was.get(key)
        tighter = (
            before is None
            or (key in _EXACT and value != before)
            or (key in _LOWER_BOUNDS and value > before)
            or (key in _UPPER_BOUNDS and value < before)
        )
        if tighter:
            problems.append(f"constraint tightened: {path} {key} {before} -> {value}")
    old_items = [o["items"] for o in old_options if o.get("type") == "array" and "items" in o]
    new_items = [o["items"] for o in new_options if o.get("type") == "array" and "items" in o]
    if old_items and new_items:
        problems += _value_changes(f"{path}[]", (old_items[0], old[1]), (new_items[0], new[1]))
    return problems
