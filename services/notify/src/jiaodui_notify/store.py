"""notify's SQL: the delivery log."""

from __future__ import annotations

import uuid

from jiaodui_runtime.db import DbConnection


async def insert_delivery(
    conn: DbConnection,
    *,
    delivery_id: uuid.UUID,
    cause_event_id: uuid.UUID,
    channel: str,
    recipient_key: str,
    recipient_masked: str,
    account_id: str | None,
    template: str,
) -> bool:
    """False when this (event, channel, recipient) was already delivered."""
    inserted = await conn.fetchval(
        "INSERT INTO deliveries (id, cause_event_id, channel, recipient_key, recipient_masked,"
        " account_id, template, status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending')"
        " ON CONFLICT (cause_event_id, channel, recipient_key) DO NOTHING RETURNING true",
        delivery_id,
        cause_event_id,
        channel,
        recipient_key,
        recipient_masked,
        uuid.UUID(account_id) if account_id else None,
        template,
    )
    return bool(inserted)


async def mark_sent(conn: DbConnection, delivery_id: uuid.UUID, *, subject: str) -> None:
    await conn.execute(
        "UPDATE deliveries SET status = 'sent', subject = $2, sent_at = now() WHERE id = $1",
        delivery_id,
        subject,
    )
