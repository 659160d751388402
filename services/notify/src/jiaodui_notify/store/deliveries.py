"""The delivery log, which is also the queue of pending sends."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.workqueue import claim_due, wake

WAKE_CHANNEL = "deliveries"
_CLAIMED = (
    "id", "cause_event_id", "cause_type", "channel", "recipient_key", "recipient_masked",
    "account_id", "template", "attempts", "sealed",
)  # fmt: skip


async def insert(
    conn: DbConnection,
    *,
    delivery_id: uuid.UUID,
    cause_event_id: str,
    cause_type: str,
    channel: str,
    recipient_key: str,
    recipient_masked: str,
    account_id: str | None,
    template: str,
    locale: str,
    subject: str,
    body_preview: str,
    sealed: bytes,
) -> bool:
    """False when this (event, channel, recipient) is already in the log; wakes the sender."""
    inserted = await conn.fetchval(
        "INSERT INTO deliveries (id, cause_event_id, cause_type, channel, recipient_key,"
        " recipient_masked, account_id, template, locale, subject, body_preview, sealed, status)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'pending')"
        " ON CONFLICT (cause_event_id, channel, recipient_key) DO NOTHING RETURNING true",
        delivery_id,
        uuid.UUID(cause_event_id),
        cause_type,
        channel,
        recipient_key,
        recipient_masked,
        uuid.UUID(account_id) if account_id else None,
        template,
        locale,
        subject,
        body_preview,
        sealed,
    )
    if inserted:
        await wake(conn, WAKE_CHANNEL)
    return bool(inserted)


async def claim_next_due(conn: DbConnection) -> asyncpg.Record | None:
    """Lock one due pending delivery for this transaction; others skip it."""
    return await claim_due(conn, table="deliveries", columns=_CLAIMED)


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
