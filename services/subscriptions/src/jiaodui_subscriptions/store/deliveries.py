"""Deliveries: the queue of webhook requests and their log, one row per (subscriber, event)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

import asyncpg
from jiaodui_contracts import new_ordered_ids
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.workqueue import claim_due, wake

from jiaodui_subscriptions.domain.signing import webhook_id
from jiaodui_subscriptions.store.events import NewEvent

WAKE_CHANNEL = "webhooks"
_CLAIMED = ("id", "subscriber_id", "event_id", "webhook_id", "body", "attempts", "round_attempts")
_ROUTABLE = (
    "subscriber_id <> ALL($1::uuid[]) AND EXISTS (SELECT 1 FROM subscribers s"
    " WHERE s.id = deliveries.subscriber_id AND s.enabled AND s.deleted_at IS NULL)"
)
_LOG = (
    "SELECT d.id, d.event_id, d.event_type, d.webhook_id, d.status, d.attempts,"
    " d.last_status_code, d.last_latency_ms, d.last_error, d.response_excerpt, d.created_at,"
    " d.delivered_at, CASE WHEN d.status = 'pending' THEN d.next_attempt_at END AS next_attempt_at,"
    " coalesce((SELECT json_agg(json_build_object('attempt', a.attempt, 'at', a.at,"
    " 'status_code', a.status_code, 'latency_ms', a.latency_ms, 'error', a.error)"
    " ORDER BY a.attempt) FROM delivery_attempts a WHERE a.delivery_id = d.id), '[]') AS tries"
    " FROM deliveries d"
)


async def enqueue(
    conn: DbConnection,
    *,
    subscriber_ids: Iterable[uuid.UUID],
    event_id: str,
    event_type: str,
    body: bytes,
) -> list[uuid.UUID]:
    """Queue the event for each subscriber (once: a redelivered event adds nothing)."""
    records = [
        (uuid.uuid4(), sid, uuid.UUID(event_id), event_type, webhook_id(str(sid), event_id), body)
        for sid in subscriber_ids
    ]
    if not records:
        return []
    rows = await conn.fetch(
        "INSERT INTO deliveries (id, subscriber_id, event_id, event_type, webhook_id, body)"
        " SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[],"
        " $6::bytea[]) ON CONFLICT (subscriber_id, event_id) DO NOTHING RETURNING id",
        *(list(column) for column in zip(*records, strict=True)),
    )
    if rows:
        await wake(conn, WAKE_CHANNEL)
    return [r["id"] for r in rows]


async def enqueue_routed(conn: DbConnection, stored: Sequence[NewEvent]) -> int:
    """Queue freshly stored events for every enabled subscriber of their institutions that
    chose their type (one query to route, one to insert)."""
    routed = await conn.fetch(
        "SELECT s.id AS subscriber_id, e.i AS i FROM unnest($1::text[], $2::text[])"
        " WITH ORDINALITY AS e(type, institutions, i) JOIN subscribers s"
        " ON s.deleted_at IS NULL AND s.enabled AND e.type = ANY(s.event_types)"
        " AND s.institution_code = ANY(string_to_array(e.institutions, chr(31)))",
        [r.type for r in stored],
        [chr(31).join(r.institutions) for r in stored],
    )
    if not routed:
        return 0
    records = []
    for route, delivery_id in zip(routed, new_ordered_ids(len(routed)), strict=True):
        event = stored[route["i"] - 1]
        sid = route["subscriber_id"]
        records.append((uuid.UUID(delivery_id), sid, event.event_id, event.type,
                        webhook_id(str(sid), event.event_id), event.body))  # fmt: skip
    await conn.execute(
        "INSERT INTO deliveries (id, subscriber_id, event_id, event_type, webhook_id, body)"
        " SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[],"
        " $6::bytea[]) ON CONFLICT (subscriber_id, event_id) DO NOTHING",
        *(list(column) for column in zip(*records, strict=True)),
    )
    await wake(conn, WAKE_CHANNEL)
    return len(records)


async def replay(
    conn: DbConnection, *, subscriber_id: uuid.UUID, events: list[asyncpg.Record]
) -> int:
    """Queue these events again (or for the first time): same row, same webhook-id."""
    if not events:
        return 0
    sid = str(subscriber_id)
    n: int = await conn.fetchval(
        "WITH upserted AS (INSERT INTO deliveries (id, subscriber_id, event_id, event_type,"
        " webhook_id, body) SELECT e.id, $1, e.event_id, e.type, e.webhook_id, e.body"
        " FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::bytea[])"
        " AS e(id, event_id, type, webhook_id, body)"
        " ON CONFLICT (subscriber_id, event_id) DO UPDATE SET status = 'pending',"
        " round_attempts = 0, next_attempt_at = now(), updated_at = now()"
        " RETURNING 1) SELECT count(*) FROM upserted",
        subscriber_id,
        new_ordered_ids(len(events)),  # a delivery per event and subscriber: an ordered key
        [e["event_id"] for e in events],
        [e["type"] for e in events],
        [webhook_id(sid, str(e["event_id"])) for e in events],
        [e["body"] for e in events],
    )
    await wake(conn, WAKE_CHANNEL)
    return n


async def resend(conn: DbConnection, delivery_id: uuid.UUID) -> None:
    await conn.execute(
        "UPDATE deliveries SET status = 'pending', round_attempts = 0, next_attempt_at = now(),"
        " updated_at = now() WHERE id = $1",
        delivery_id,
    )
    await wake(conn, WAKE_CHANNEL)


async def get(conn: DbConnection, delivery_id: uuid.UUID) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT d.id, d.subscriber_id, d.status, s.institution_code FROM deliveries d"
        " JOIN subscribers s ON s.id = d.subscriber_id"
        " WHERE d.id = $1 AND s.deleted_at IS NULL",
        delivery_id,
    )
    return row


async def claim(conn: DbConnection, *, busy: list[uuid.UUID]) -> asyncpg.Record | None:
    """Lock one due delivery of an enabled endpoint that is not ``busy`` (at its limit)."""
    return await claim_due(conn, table="deliveries", columns=_CLAIMED, where=_ROUTABLE, args=[busy])


async def postpone(conn: DbConnection, delivery_id: uuid.UUID, *, delay_s: float) -> None:
    """Not attempted (the endpoint's rate limit): later, without counting an attempt."""
    await conn.execute(
        "UPDATE deliveries SET next_attempt_at = now() + make_interval(secs => $2) WHERE id = $1",
        delivery_id,
        delay_s,
    )


async def record_attempt(
    conn: DbConnection,
    row: asyncpg.Record,
    *,
    status_code: int | None,
    latency_ms: int,
    error: str | None,
    excerpt: str | None,
) -> None:
    await conn.execute(
        "INSERT INTO delivery_attempts (delivery_id, attempt, status_code, latency_ms, error,"
        " response_excerpt) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        row["id"],
        row["attempts"] + 1,
        status_code,
        latency_ms,
        error,
        excerpt,
    )
    await conn.execute(
        "UPDATE deliveries SET attempts = attempts + 1, round_attempts = round_attempts + 1,"
        " last_status_code = $2, last_latency_ms = $3, last_error = $4, response_excerpt = $5,"
        " updated_at = now() WHERE id = $1",
        row["id"],
        status_code,
        latency_ms,
        error,
        excerpt,
    )


async def settle(
    conn: DbConnection, delivery_id: uuid.UUID, *, status: str, delay_s: float = 0.0
) -> None:
    """delivered, failed, or pending again in ``delay_s``."""
    await conn.execute(
        "UPDATE deliveries SET status = $2, next_attempt_at = now() + make_interval(secs => $3),"
        " delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END"
        " WHERE id = $1",
        delivery_id,
        status,
        delay_s,
    )


async def log(
    conn: DbConnection,
    *,
    subscriber_id: uuid.UUID,
    status: str | None,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[asyncpg.Record]:
    """Newest first; ``before`` = the last (created_at, id) of the previous page."""
    rows: list[asyncpg.Record] = await conn.fetch(
        _LOG + " WHERE d.subscriber_id = $1 AND ($2::text IS NULL OR d.status = $2)"
        " AND ($3::timestamptz IS NULL OR (d.created_at, d.id) < ($3, $4::uuid))"
        " ORDER BY d.created_at DESC, d.id DESC LIMIT $5",
        subscriber_id,
        status,
        before[0] if before else None,
        before[1] if before else None,
        limit,
    )
    return rows


async def insert_ping(
    conn: DbConnection, *, subscriber_id: uuid.UUID, event_id: str, event_type: str, body: bytes
) -> uuid.UUID:
    ids = await enqueue(
        conn,
        subscriber_ids=[subscriber_id],
        event_id=event_id,
        event_type=event_type,
        body=body,
    )
    return ids[0]
