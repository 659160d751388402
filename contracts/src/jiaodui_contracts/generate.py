"""Generate the JSON Schemas, the AsyncAPI 3 document and the README catalogue.

python -m jiaodui_contracts.generate           # write schemas/, asyncapi.json, README table
python -m jiaodui_contracts.generate --check   # exit 1 and list the files that drifted

Output is deterministic (sorted keys, two-space indent, trailing newline), so the
committed files are byte-stable and a test can compare them with the models.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from jiaodui_contracts._asyncapi import asyncapi
from jiaodui_contracts._catalogue import with_catalogue
from jiaodui_contracts.envelope import SCHEMA_BASE, CloudEvent
from jiaodui_contracts.registry import EVENT_TYPES

CONTRACTS_DIR = Path(__file__).resolve().parents[2]
"""The ``contracts/`` folder of the source tree (where the generated files live)."""
VERSION = "1.0.0"
"""The contracts' release; equal to the distribution's version (a test checks it)."""
ENVELOPE_SCHEMA = "cloudevent.json"


def dumps(document: Any) -> str:
    """JSON as committed: sorted keys, indent 2, UTF-8 text, trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _open_content(node: Any) -> Any:
    """Drop ``additionalProperties: false``: the models forbid unknown fields to catch
    producers' typos, but the published schemas must let consumers accept fields a
    later minor version adds."""
    if isinstance(node, dict):
        return {
            k: _open_content(v)
            for k, v in node.items()
            if not (k == "additionalProperties" and v is False)
        }
    if isinstance(node, list):
        return [_open_content(v) for v in node]
    return node


def schemas() -> dict[str, dict[str, Any]]:
    """``<type>.json`` → JSON Schema of the contract's ``data``, plus the envelope's."""
    out: dict[str, dict[str, Any]] = {}
    for type_name, model in EVENT_TYPES.items():
        schema: dict[str, Any] = _open_content(model.model_json_schema(mode="serialization"))
        schema["$id"] = f"{SCHEMA_BASE}{type_name}.json"
        schema["title"] = model.__name__
        schema["x-type"] = type_name
        schema["x-topic"] = model.TOPIC
        schema["x-key"] = model.KEY_FIELD
        schema["x-private"] = model.PRIVATE
        out[f"{type_name}.json"] = schema
    envelope = CloudEvent.model_json_schema(mode="serialization")
    envelope["$id"] = f"{SCHEMA_BASE}{ENVELOPE_SCHEMA}"
    out[ENVELOPE_SCHEMA] = envelope
    return out


def rendered(contracts_dir: Path = CONTRACTS_DIR) -> dict[Path, str]:
    """Every generated file (path → exact text), computed in memory."""
    files = {contracts_dir / "schemas" / name: dumps(s) for name, s in schemas().items()}
    files[contracts_dir / "asyncapi.json"] = dumps(asyncapi(VERSION))
    readme = contracts_dir / "README.md"
    files[readme] = with_catalogue(readme.read_text(encoding="utf-8"))
    return files


def stale_files(contracts_dir: Path = CONTRACTS_DIR) -> list[Path]:
    """Generated files that differ from what is on disk, and schemas nothing generates."""
    files = rendered(contracts_dir)
    stale = [p for p, text in files.items() if not p.exists() or p.read_text("utf-8") != text]
    orphans = set((contracts_dir / "schemas").glob("*.json")) - set(files)
    return sorted([*stale, *orphans])


def write(contracts_dir: Path = CONTRACTS_DIR) -> list[Path]:
    """Write every generated file, delete orphaned schemas; return what changed."""
    changed = stale_files(contracts_dir)
    files = rendered(contracts_dir)
    (contracts_dir / "schemas").mkdir(exist_ok=True)
    for path in changed:
        if path in files:
            path.write_text(files[path], encoding="utf-8")
        else:
            path.unlink()
    return changed


def main(argv: list[str] | None = None) -> int:
    """The command line: write the files, or with ``--check`` only report drift."""
    parser = argparse.ArgumentParser(description="Generate the contracts' schemas and docs.")
    parser.add_argument("--check", action="store_true", help="report drift, write nothing")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        for path in stale:
            print(f"out of date: {path.relative_to(CONTRACTS_DIR)}", file=sys.stderr)
        if stale:
            print("run `make contracts` (python -m jiaodui_contracts.generate)", file=sys.stderr)
        return 1 if stale else 0
    for path in write():
        print(f"wrote {path.relative_to(CONTRACTS_DIR)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
