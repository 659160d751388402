"""Put events on Kafka directly, as another service's outbox relay would."""

from __future__ import annotations

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
