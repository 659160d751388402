"""Generate the JSON Schemas and the AsyncAPI 3 document from the models.

python -m jiaodui_contracts.generate           # write contracts/schemas and asyncapi.json
python -m jiaodui_contracts.generate --check   # exit 1 when the committed files drifted
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from jiaodui_contracts.envelope import SCHEMA_BASE, CloudEvent
from jiaodui_contracts.registry import EVENT_TYPES, TOPICS, dlq_topic

CONTRACTS_DIR = Path(__file__).resolve().parents[2]
VERSION = "1.0.0"


def dumps(document: Any) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schemas() -> dict[str, dict[str, Any]]:
    """``<type>.json`` → JSON Schema, plus the envelope's."""
    out: dict[str, dict[str, Any]] = {}
    for type_name, model in EVENT_TYPES.items():
        schema = model.model_json_schema(mode="serialization")
        schema["$id"] = f"{SCHEMA_BASE}{type_name}.json"
        schema["title"] = model.__name__
        schema["x-topic"] = model.TOPIC
        schema["x-key"] = model.KEY_FIELD
        schema["x-private"] = model.PRIVATE
        out[f"{type_name}.json"] = schema
    envelope = CloudEvent.model_json_schema(mode="serialization")
    envelope["$id"] = f"{SCHEMA_BASE}cloudevent.json"
    out["cloudevent.json"] = envelope
    return out


def _channel_id(topic: str) -> str:
    return topic.replace(".", "_")


def asyncapi() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic in TOPICS:
        private = topic == "notify.requests"
        members = {m.__name__: m for m in EVENT_TYPES.values() if topic == m.TOPIC}
        channels[_channel_id(topic)] = {
            "address": topic,
            "description": (
                "PRIVATE command topic: only identity writes, only notify reads."
                if private
                else f"Public events of {topic.split('.')[0]}."
            ),
            "messages": {n: {"$ref": f"#/components/messages/{n}"} for n in sorted(members)},
            "x-private": private,
        }
        channels[_channel_id(dlq_topic(topic))] = {
            "address": dlq_topic(topic),
            "description": f"Messages of {topic} that kept failing, with dlq_* error headers.",
            "x-private": True,
        }
        producer = topic.split(".")[0] if not private else "identity"
        operations[f"{producer}Sends_{_channel_id(topic)}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{_channel_id(topic)}"},
            "messages": [
                {"$ref": f"#/channels/{_channel_id(topic)}/messages/{n}"} for n in sorted(members)
            ],
        }
        for name, model in members.items():
            messages[name] = {
                "name": model.TYPE,
                "title": name,
                "summary": (model.__doc__ or name).strip().splitlines()[0],
                "contentType": "application/cloudevents+json",
                "payload": {"$ref": f"schemas/{model.TYPE}.json"},
                "headers": {"$ref": "#/components/schemas/KafkaHeaders"},
                "bindings": {"kafka": {"key": {"type": "string", "description": model.KEY_FIELD}}},
                "x-private": model.PRIVATE,
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "jiaodui events",
            "version": VERSION,
            "description": (
                "Events of jiaodui (学信档案图像校对). Every message is a CloudEvents 1.0 JSON "
                "envelope whose `data` follows the schema of its `type`. Public events never "
                "carry a plain ID number, phone or secret: masked forms and a keyed hash only."
            ),
        },
        "defaultContentType": "application/cloudevents+json",
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages,
            "schemas": {
                "KafkaHeaders": {
                    "type": "object",
                    "properties": {
                        "correlation_id": {"type": "string"},
                        "traceparent": {"type": "string"},
                    },
                }
            },
        },
    }


def rendered() -> dict[Path, str]:
    files = {CONTRACTS_DIR / "schemas" / name: dumps(s) for name, s in schemas().items()}
    files[CONTRACTS_DIR / "asyncapi.json"] = dumps(asyncapi())
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    files = rendered()
    if args.check:
        stale = [p for p, text in files.items() if not p.exists() or p.read_text() != text]
        for path in stale:
            print(f"out of date: {path.relative_to(CONTRACTS_DIR)}", file=sys.stderr)
        return 1 if stale else 0
    (CONTRACTS_DIR / "schemas").mkdir(exist_ok=True)
    for path, text in files.items():
        path.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
