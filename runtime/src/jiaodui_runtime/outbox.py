"""The transactional outbox: events are written in the caller's transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from jiaodui_contracts import (
    HEADER_CONTENT_TYPE,
    HEADER_CORRELATION_ID,
    STRUCTURED_CONTENT_TYPE,
    CloudEvent,
    Contract,
    key_of,
    new_event,
    new_event_ids,
    to_json_bytes,
    topic_of,
)
from jiaodui_contracts.envelope import SCHEMA_BASE

from jiaodui_runtime.context import current_correlation_id
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.wakes import wake_at_commit

NOTIFY_CHANNEL = "outbox"


def outbox_headers() -> dict[str, str]:
    """The Kafka headers of an event written now: structured mode of the CloudEvents Kafka
    binding, and the request's correlation id (for outbox rows built in SQL)."""
    return _headers()


def _headers() -> dict[str, str]:
    # structured mode of the CloudEvents Kafka binding, and the request's correlation id
    return {
        HEADER_CONTENT_TYPE: STRUCTURED_CONTENT_TYPE,
        HEADER_CORRELATION_ID: current_correlation_id(),
    }


async def add_to_outbox(
    conn: DbConnection,
    payload: Contract,
    *,
    source: str,
    subject: str | None = None,
) -> CloudEvent:
    """Record ``payload`` as an event to publish once the surrounding transaction commits.

    Must be called inside ``conn.transaction()``: the event exists exactly when the
    state change it describes does. The relay is woken once it commits
    (:func:`~jiaodui_runtime.wakes.wake_at_commit`).
    """
    if not conn.is_in_transaction():
        raise RuntimeError("add_to_outbox needs the caller's transaction")
    event = new_event(payload, source=source, subject=subject)
    headers = _headers()
    await conn.execute(
        "INSERT INTO outbox (event_id, topic, key, event_type, payload, headers)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        event.id,
        topic_of(payload),
        subject or key_of(payload),
        event.type,
        to_json_bytes(event),
        headers,
    )
    await wake_at_commit(conn, NOTIFY_CHANNEL)
    return event


async def add_many_to_outbox(
    conn: DbConnection, payloads: list[Contract], *, source: str
) -> list[CloudEvent]:
    """Record several events in one statement (as :func:`add_to_outbox` does one): a batch
    of a consumer or a queue worker. One ``INSERT … SELECT FROM unnest`` rather than a COPY,
    which asyncpg precedes with a look at the table's columns: more round trips than the
    rows of a small batch are worth."""
    if not conn.is_in_transaction():
        raise RuntimeError("add_many_to_outbox needs the caller's transaction")
    if not payloads:
        return []
    events = [
        new_event(p, source=source, id=event_id)
        for p, event_id in zip(payloads, new_event_ids(len(payloads)), strict=True)
    ]
    await conn.execute(
        "INSERT INTO outbox (event_id, topic, key, event_type, payload, headers)"
        " SELECT e.event_id, e.topic, e.key, e.event_type, e.payload, $6::jsonb"
        " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bytea[])"
        " WITH ORDINALITY AS e (event_id, topic, key, event_type, payload, ord) ORDER BY e.ord",
        [e.id for e in events],
        [topic_of(p) for p in payloads],
        [key_of(p) for p in payloads],
        [e.type for e in events],
        [to_json_bytes(e) for e in events],
        _headers(),
    )
    await wake_at_commit(conn, NOTIFY_CHANNEL)
    return events


_INSERT_BUILT = """
INSERT INTO outbox (event_id, topic, key, event_type, payload, headers)
SELECT event_id, ${p}::text, key, ${p1}::text, convert_to(json_build_object(
    'specversion', '1.0', 'id', event_id, 'source', ${p2}::text, 'type', ${p1}::text,
    'time', ${p3}::text, 'subject', subject, 'datacontenttype', 'application/json',
    'dataschema', ${p4}::text, 'data', data)::text, 'UTF8'), ${p5}::jsonb
FROM {rows} ORDER BY ord
"""


def insert_built_events_sql(rows: str, *, first_param: int) -> str:
    """SQL that writes one outbox row per row of ``rows`` (a CTE or table with columns
    ``event_id uuid, subject text, key text, data json, ord``), the CloudEvent built by the
    database: a bulk path (a matching burst) creates no pydantic object per event. The six
    parameters from ``$first_param`` on are :func:`built_event_params`. The payload carries
    the same members as :func:`jiaodui_contracts.to_json_bytes` writes (JSON spacing aside),
    so consumers parse it alike; the relay sends the stored bytes as they are. Call inside the
    caller's transaction and wake the relay: :func:`~jiaodui_runtime.wakes.wake_at_commit`
    in it, as :func:`add_to_outbox` does, or, on a statement that commits alone,
    :meth:`ServiceRuntime.outbox_committed` once it has committed (a NOTIFY in a transaction
    serialises the commits of the whole cluster; photos' answer does that)."""
    p = first_param
    return _INSERT_BUILT.format(p=p, p1=p + 1, p2=p + 2, p3=p + 3, p4=p + 4, p5=p + 5, rows=rows)


def built_event_params(contract: type[Contract], *, source: str, at: datetime) -> list[Any]:
    """topic, type, source, time (as pydantic writes it), dataschema and headers of events
    of ``contract`` built by :func:`insert_built_events_sql`."""
    return [
        contract.TOPIC,
        contract.TYPE,
        source,
        at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        f"{SCHEMA_BASE}{contract.TYPE}.json",
        _headers(),
    ]
