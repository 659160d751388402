"""The AsyncAPI 3.0.0 document of every topic, built from the registry.

One channel per topic and one per dead-letter topic; a ``send`` operation for the
producer of each topic and a ``receive`` operation for its subscribers; one message
per contract whose payload is the CloudEvents envelope with that contract as ``data``.
"""

from __future__ import annotations

from typing import Any

from jiaodui_contracts._base import Contract
from jiaodui_contracts._catalogue import summary
from jiaodui_contracts.envelope import (
    HEADER_CONTENT_TYPE,
    HEADER_CORRELATION_ID,
    HEADER_TRACEPARENT,
    STRUCTURED_CONTENT_TYPE,
)
from jiaodui_contracts.registry import EVENT_TYPES, PRIVATE_TOPICS, TOPICS, dlq_topic

KAFKA_BINDING_VERSION = "0.5.0"
DLQ_HEADERS = {
    "dlq_error": "The last error (truncated to 2000 characters).",
    "dlq_consumer": "The consumer group that gave up.",
    "dlq_original_topic": "Where the message was read.",
    "dlq_original_partition": "Partition of the original message.",
    "dlq_original_offset": "Offset of the original message.",
    "dlq_at": "When it was dead-lettered (ISO 8601, UTC).",
}


def _channel_id(topic: str) -> str:
    return topic.replace(".", "_")


_PRIVATE: dict[str, tuple[str, str, str]] = {
    "notify.requests": (
        "identity",
        "notify",
        "PRIVATE command topic: identity (and subscriptions, for endpoint owners) write, "
        "only notify reads. Carries links with tokens, SMS codes and addresses; "
        "not for other systems.",
    ),
    "subscriptions.clients": (
        "subscriptions",
        "identity",
        "PRIVATE topic: subscriptions writes, only identity reads. Campus systems' client "
        "ids with a SHA-256 hash of their secrets (never the secrets); not for other systems.",
    ),
}
"""Private topic → (producer, only reader, description)."""


def _producer(topic: str) -> str:
    return _PRIVATE[topic][0] if topic in PRIVATE_TOPICS else topic.split(".")[0]


def _headers(dead_letter: bool = False) -> dict[str, Any]:
    properties: dict[str, Any] = {
        HEADER_CORRELATION_ID: {
            "type": "string",
            "description": "Ties the request to every event and log line it caused.",
        },
        HEADER_TRACEPARENT: {
            "type": "string",
            "description": "W3C trace context, when the producer was traced.",
        },
        HEADER_CONTENT_TYPE: {
            "type": "string",
            "const": STRUCTURED_CONTENT_TYPE,
            "description": "CloudEvents Kafka binding, structured mode (optional).",
        },
    }
    if dead_letter:
        properties |= {k: {"type": "string", "description": d} for k, d in DLQ_HEADERS.items()}
    return {"type": "object", "properties": properties}


def _message(model: type[Contract]) -> dict[str, Any]:
    return {
        "name": model.TYPE,
        "title": model.__name__,
        "summary": summary(model) or model.__name__,
        "contentType": STRUCTURED_CONTENT_TYPE,
        "correlationId": {"location": f"$message.header#/{HEADER_CORRELATION_ID}"},
        "headers": {"$ref": "#/components/schemas/KafkaHeaders"},
        "payload": {
            "allOf": [
                {"$ref": "schemas/cloudevent.json"},
                {
                    "type": "object",
                    "required": ["data"],
                    "properties": {
                        "type": {"const": model.TYPE},
                        "data": {"$ref": f"schemas/{model.TYPE}.json"},
                    },
                },
            ]
        },
        "bindings": {
            "kafka": {
                "key": {
                    "type": "string",
                    "description": model.KEY_DESCRIPTION or f"= subject = data.{model.KEY_FIELD}",
                },
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
        "x-private": model.PRIVATE,
    }


def _channel(topic: str, messages: list[str], description: str) -> dict[str, Any]:
    return {
        "address": topic,
        "description": description,
        "messages": {n: {"$ref": f"#/components/messages/{n}"} for n in messages},
        "bindings": {"kafka": {"topic": topic, "bindingVersion": KAFKA_BINDING_VERSION}},
        "x-private": topic in PRIVATE_TOPICS or topic.endswith(".dlq"),
    }


def _operation(action: str, channel: str, messages: list[str], text: str) -> dict[str, Any]:
    return {
        "action": action,
        "summary": text,
        "channel": {"$ref": f"#/channels/{channel}"},
        "messages": [{"$ref": f"#/channels/{channel}/messages/{n}"} for n in messages],
    }


def asyncapi(version: str) -> dict[str, Any]:
    """The whole document (deterministic: callers dump it with sorted keys)."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for topic in TOPICS:
        private = topic in PRIVATE_TOPICS
        names = sorted(m.__name__ for m in EVENT_TYPES.values() if topic == m.TOPIC)
        main, dead = _channel_id(topic), _channel_id(dlq_topic(topic))
        channels[main] = _channel(
            topic,
            names,
            _PRIVATE[topic][2] if private else f"Public events of the {_producer(topic)} service.",
        )
        channels[dead] = _channel(
            dlq_topic(topic),
            ["DeadLetter"],
            f"Messages of {topic} that a consumer gave up on, unchanged, "
            "with dlq_* headers; replayed by an operator command.",
        )
        reader = _PRIVATE[topic][1] if private else "subscribers (services and campus systems)"
        operations[f"{_producer(topic)}Sends_{main}"] = _operation(
            "send", main, names, f"{_producer(topic)} publishes (outbox relay)."
        )
        operations[f"receive_{main}"] = _operation("receive", main, names, f"Read by {reader}.")
        operations[f"deadLetter_{dead}"] = _operation(
            "send", dead, ["DeadLetter"], f"A consumer of {topic} gives up on a message."
        )
        operations[f"replay_{dead}"] = _operation(
            "receive", dead, ["DeadLetter"], "The replay command reads it back into the topic."
        )
    messages = {m.__name__: _message(m) for m in EVENT_TYPES.values()}
    messages["DeadLetter"] = {
        "name": "DeadLetter",
        "title": "DeadLetter",
        "summary": "The original message (any type of its topic), with the error in headers.",
        "contentType": STRUCTURED_CONTENT_TYPE,
        "headers": {"$ref": "#/components/schemas/DeadLetterHeaders"},
        "payload": {"$ref": "schemas/cloudevent.json"},
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "jiaodui events",
            "version": version,
            "description": (
                "Events of jiaodui (学信档案图像校对). Every message value is a CloudEvents "
                "1.0 JSON envelope (structured mode) whose `data` follows the schema of its "
                "`type`; the Kafka key is the envelope's `subject`. Public events never "
                "carry a plain ID number, phone number, e-mail address or secret: masked "
                "forms and a keyed hash only. Consumers must ignore unknown fields."
            ),
        },
        "defaultContentType": STRUCTURED_CONTENT_TYPE,
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages,
            "schemas": {
                "KafkaHeaders": _headers(),
                "DeadLetterHeaders": _headers(dead_letter=True),
            },
        },
    }
