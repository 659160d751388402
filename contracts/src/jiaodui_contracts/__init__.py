"""jiaodui event contracts: the CloudEvents envelope and the versioned event models.

Depends on pydantic alone, so another campus system can install just this package.
The models live in one module per producing service (``identity``, ``records``,
``photos``, ``corrections``, ``notify``) and, private to identity and notify,
``commands``.
"""

from jiaodui_contracts._base import Command, Contract, Event
from jiaodui_contracts.envelope import (
    HEADER_CONTENT_TYPE,
    HEADER_CORRELATION_ID,
    HEADER_TRACEPARENT,
    STRUCTURED_CONTENT_TYPE,
    CloudEvent,
    from_json_bytes,
    new_event,
    new_event_id,
    new_event_ids,
    new_ordered_ids,
    parse_data,
    to_json_bytes,
    typed_reader,
)
from jiaodui_contracts.registry import (
    EVENT_TYPES,
    TOPICS,
    UnknownEventType,
    contract_for,
    dlq_topic,
    key_of,
    topic_of,
)

__all__ = [
    "EVENT_TYPES",
    "HEADER_CONTENT_TYPE",
    "HEADER_CORRELATION_ID",
    "HEADER_TRACEPARENT",
    "STRUCTURED_CONTENT_TYPE",
    "TOPICS",
    "CloudEvent",
    "Command",
    "Contract",
    "Event",
    "UnknownEventType",
    "contract_for",
    "dlq_topic",
    "from_json_bytes",
    "key_of",
    "new_event",
    "new_event_id",
    "new_event_ids",
    "new_ordered_ids",
    "parse_data",
    "to_json_bytes",
    "topic_of",
    "typed_reader",
]
