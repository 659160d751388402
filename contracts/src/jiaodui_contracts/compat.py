"""Breaking-change detection between a published JSON Schema and a new one.

A consumer written against the published schema keeps working when the new one
only adds optional fields. Breaking: a field removed, a field newly required, a
field's type changed, an enum narrowed, a constant changed.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]


def _resolve(node: Schema, root: Schema) -> Schema:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        resolved: Schema = root.get("$defs", {})[ref.removeprefix("#/$defs/")]
        return resolved
    return node


def _types(node: Schema, root: Schema) -> frozenset[str]:
    node = _resolve(node, root)
    if "anyOf" in node:
        return frozenset(t for option in node["anyOf"] for t in _types(option, root))
    if "const" in node:
        return frozenset({f"const:{node['const']}"})
    if "enum" in node:
        return frozenset(f"enum:{v}" for v in node["enum"])
    kind = node.get("type", "any")
    suffix = f":{node['format']}" if "format" in node else ""
    return frozenset({f"{kind}{suffix}"})


def _fields(schema: Schema, root: Schema, prefix: str = "") -> dict[str, tuple[Schema, bool]]:
    schema = _resolve(schema, root)
    required = set(schema.get("required", []))
    found: dict[str, tuple[Schema, bool]] = {}
    for name, sub in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        found[path] = (sub, name in required)
        target = _resolve(sub, root)
        if target.get("type") == "array":
            target = _resolve(target.get("items", {}), root)
        if "properties" in target:
            found.update(_fields(target, root, f"{path}."))
    return found


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """Human-readable list of what would break a consumer of ``old``; empty when compatible."""
    problems: list[str] = []
    old_fields, new_fields = _fields(old, old), _fields(new, new)
    for path, (old_node, old_required) in old_fields.items():
        if path not in new_fields:
            problems.append(f"field removed: {path}")
            continue
        new_node, new_required = new_fields[path]
        old_types, new_types = _types(old_node, old), _types(new_node, new)
        old_enum = {t for t in old_types if t.startswith(("enum:", "const:"))}
        new_enum = {t for t in new_types if t.startswith(("enum:", "const:"))}
        if old_enum and new_enum:
            if not old_enum <= new_enum:
                problems.append(f"values narrowed or changed: {path}")
        elif old_types != new_types and not old_types <= new_types:
            problems.append(f"type changed: {path} {sorted(old_types)} -> {sorted(new_types)}")
        if new_required and not old_required:
            problems.append(f"field became required: {path}")
    for path, (_node, required) in new_fields.items():
        if path not in old_fields and required:
            problems.append(f"new required field: {path}")
    return problems
