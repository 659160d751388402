"""Put events on Kafka directly, as another service's outbox relay would; build the records a
consumer polls, for tests of the consumer without a broker."""

from __future__ import annotations

from typing import Any

from aiokafka.structs import ConsumerRecord
from jiaodui_contracts import (
    HEADER_CORRELATION_ID,
    CloudEvent,
    Contract,
    new_event,
    to_json_bytes,
    topic_of,
)

from jiaodui_runtime.kafka import new_producer


async def publish(
    bootstrap: str, *payloads: Contract, source: str = "/jiaodui/test", topic_prefix: str = ""
) -> list[CloudEvent]:
    """Publish contracts in envelopes (keyed like the relay does); return the envelopes."""
    producer = new_producer(bootstrap, client_id="jiaodui-test-publisher")
    await producer.start()
    events = []
    try:
        for payload in payloads:
            event = new_event(payload, source=source)
            await producer.send_and_wait(
                topic_prefix + topic_of(payload),
                value=to_json_bytes(event),
                key=event.subject.encode(),
                headers=[(HEADER_CORRELATION_ID, event.id.encode())],
            )
            events.append(event)
    finally:
        await producer.stop()
    return events


def consumer_record(
    offset: int, value: bytes | None, topic: str = "t.events"
) -> ConsumerRecord[Any, Any]:
    """A record as the consumer's poll returns it (partition 0, no key, no headers)."""
    return ConsumerRecord(
        topic=topic,
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=None,
        value=value,
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=len(value or b""),
        headers=(),
    )
