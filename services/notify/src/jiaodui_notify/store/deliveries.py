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


async def mark_sent(conn: DbConnection, delivery_id: uuid.UUID, *, attempts: int) -> datetime:
    sent_at: datetime = await conn.fetchval(
        "UPDATE deliveries SET status = 'sent', attempts = $2, sent_at = now(),"
        " updated_at = now(), sealed = NULL, error = NULL WHERE id = $1 RETURNING sent_at",
        delivery_id,
        attempts,
    )
    return sent_at


async def mark_retry(
    conn: DbConnection, delivery_id: uuid.UUID, *, attempts: int, delay_s: float, error: str
) -> None:
    await conn.execute(
        "UPDATE deliveries SET attempts = $2, error = $3, updated_at = now(),"
        " next_attempt_at = now() + make_interval(secs => $4) WHERE id = $1",
        delivery_id,
        attempts,
        error,
        delay_s,
    )


async def mark_final_failure(
    conn: DbConnection, delivery_id: uuid.UUID, *, status: str, attempts: int, error: str
) -> datetime:
    failed_at: datetime = await conn.fetchval(
        "UPDATE deliveries SET status = $2, attempts = $3, error = $4, failed_at = now(),"
        " updated_at = now(), sealed = NULL WHERE id = $1 RETURNING failed_at",
        delivery_id,
        status,
        attempts,
        error,
    )
    return failed_at


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
