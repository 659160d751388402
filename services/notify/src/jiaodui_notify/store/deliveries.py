"""The delivery log, which is also the queue of pending sends."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.workqueue import claim_due_many, wake

WAKE_CHANNEL = "deliveries"
_CLAIMED = (
    "id", "cause_event_id", "cause_type", "channel", "recipient_key", "recipient_masked",
    "account_id", "template", "attempts", "sealed",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class NewDelivery:
    """A message to send: its log row (masked, previews without secrets) and the sealed
    message itself."""

    delivery_id: uuid.UUID
    cause_event_id: str
    cause_type: str
    channel: str
    recipient_key: str
    recipient_masked: str
    account_id: str | None
    template: str
    locale: str
    subject: str
    body_preview: str
    sealed: bytes


async def insert_all(conn: DbConnection, new: Sequence[NewDelivery]) -> set[uuid.UUID]:
    """Queue ``new``; the ids queued: an (event, channel, recipient) already in the log is
    left out. Wakes the sender when anything was queued."""
    if not new:
        return set()
    rows = await conn.fetch(
        "INSERT INTO deliveries (id, cause_event_id, cause_type, channel, recipient_key,"
        " recipient_masked, account_id, template, locale, subject, body_preview, sealed, status)"
        " SELECT *, 'pending' FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[],"
        " $5::text[], $6::text[], $7::uuid[], $8::text[], $9::text[], $10::text[], $11::text[],"
        " $12::bytea[])"
        " ON CONFLICT (cause_event_id, channel, recipient_key) DO NOTHING RETURNING id",
        [d.delivery_id for d in new],
        [d.cause_event_id for d in new],
        [d.cause_type for d in new],
        [d.channel for d in new],
        [d.recipient_key for d in new],
        [d.recipient_masked for d in new],
        [d.account_id for d in new],
        [d.template for d in new],
        [d.locale for d in new],
        [d.subject for d in new],
        [d.body_preview for d in new],
        [d.sealed for d in new],
    )
    if rows:
        await wake(conn, WAKE_CHANNEL)
    return {row["id"] for row in rows}


async def claim_due(conn: DbConnection, *, limit: int) -> list[asyncpg.Record]:
    """Lock up to ``limit`` due pending deliveries for this transaction; others skip them."""
    return await claim_due_many(conn, table="deliveries", columns=_CLAIMED, limit=limit)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one attempt: ``status`` sent, failed or suppressed (final), or None
    (still pending: tried again in ``retry_in_s``)."""

    delivery_id: uuid.UUID
    status: str | None
    attempts: int
    error: str | None = None
    retry_in_s: float = 0.0


_RECORD_OUTCOMES = """
UPDATE deliveries AS d SET
    status = coalesce(o.status, d.status),
    attempts = o.attempts,
    error = o.error,
    sent_at = CASE WHEN o.status = 'sent' THEN now() ELSE d.sent_at END,
    failed_at = CASE WHEN o.status <> 'sent' THEN now() ELSE d.failed_at END,
    next_attempt_at = CASE WHEN o.status IS NULL
                           THEN now() + make_interval(secs => o.retry_in_s)
                           ELSE d.next_attempt_at END,
    sealed = CASE WHEN o.status IS NULL THEN d.sealed END,  -- kept only for a retry
    updated_at = now()
FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::float8[])
    AS o (id, status, attempts, error, retry_in_s)
WHERE d.id = o.id
RETURNING now()
"""


async def record_outcomes(conn: DbConnection, outcomes: Sequence[Outcome]) -> datetime | None:
    """Write every outcome in one statement; the time they are recorded at (the
    transaction's: ``sent_at`` and ``failed_at``), None when there were none."""
    if not outcomes:
        return None
    at: datetime | None = await conn.fetchval(
        _RECORD_OUTCOMES,
        [o.delivery_id for o in outcomes],
        [o.status for o in outcomes],
        [o.attempts for o in outcomes],
        [o.error for o in outcomes],
        [o.retry_in_s for o in outcomes],
    )
    return at


async def search(
    conn: DbConnection,
    *,
    recipient_key: str | None,
    status: str | None,
    before: datetime | None,
    limit: int,
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT id, channel, template, recipient_masked, account_id, status, attempts, error,"
        " cause_type, cause_event_id, subject, created_at, sent_at, failed_at, next_attempt_at"
        " FROM deliveries WHERE ($1::text IS NULL OR recipient_key = $1)"
        " AND ($2::text IS NULL OR status = $2)"
        " AND ($3::timestamptz IS NULL OR created_at < $3)"
        " ORDER BY created_at DESC LIMIT $4",
        recipient_key,
        status,
        before,
        limit,
    )
    return rows
