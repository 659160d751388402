"""jiaodui event contracts: the CloudEvents envelope and the versioned event models.

Depends on pydantic alone, so another campus system can install just this package.
"""

from jiaodui_contracts._base import Command, Contract, Event
from jiaodui_contracts.envelope import (
    HEADER_CORRELATION_ID,
    HEADER_TRACEPARENT,
    CloudEvent,
    UnknownEventType,
    from_json_bytes,
    new_event,
    parse_data,
    to_json_bytes,
)
from jiaodui_contracts.registry import EVENT_TYPES, TOPICS, dlq_topic, key_of, topic_of

__all__ = [
    "EVENT_TYPES",
    "HEADER_CORRELATION_ID",
    "HEADER_TRACEPARENT",
    "TOPICS",
    "CloudEvent",
    "Command",
    "Contract",
    "Event",
    "UnknownEventType",
    "dlq_topic",
    "from_json_bytes",
    "key_of",
    "new_event",
    "parse_data",
    "to_json_bytes",
    "topic_of",
]
