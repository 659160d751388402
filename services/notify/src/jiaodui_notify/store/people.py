"""The directory (account → address, learned from commands) and the in-app inbox."""

from __future__ import annotations

import uuid

import asyncpg
from jiaodui_runtime.db import DbConnection


async def remember(
    conn: DbConnection,
    account_id: str,
    *,
    email: str | None = None,
    phone: str | None = None,
    locale: str | None = None,
) -> None:
    """Keep the newest address and phone an account was reached at."""
    await conn.execute(
        "INSERT INTO recipients (account_id, email, phone, locale) VALUES ($1, $2, $3,"
        " coalesce($4, 'zh')) ON CONFLICT (account_id) DO UPDATE SET"
        " email = coalesce(EXCLUDED.email, recipients.email),"
        " phone = coalesce(EXCLUDED.phone, recipients.phone),"
        " locale = coalesce($4, recipients.locale), updated_at = now()",
        uuid.UUID(account_id),
        email,
        phone,
        locale,
    )


async def address_of(conn: DbConnection, account_id: str) -> tuple[str | None, str | None]:
    """(e-mail, locale) of an account, (None, None) when notify never heard of it."""
    row = await conn.fetchrow(
        "SELECT email, locale FROM recipients WHERE account_id = $1", uuid.UUID(account_id)
    )
    return (row["email"], row["locale"]) if row else (None, None)


async def add_message(
    conn: DbConnection,
    *,
    account_id: str,
    cause_event_id: str,
    template: str,
    channel: str,
    subject: str,
    body: str,
    delivery_id: uuid.UUID | None,
) -> None:
    await conn.execute(
        "INSERT INTO messages (id, account_id, cause_event_id, template, channel, subject,"
        " body, delivery_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (cause_event_id, account_id, template) DO NOTHING",
        uuid.uuid4(),
        uuid.UUID(account_id),
        uuid.UUID(cause_event_id),
        template,
        channel,
        subject,
        body,
        delivery_id,
    )


async def messages_of(conn: DbConnection, account_id: str, *, limit: int) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT m.id, m.template, m.channel, m.subject, m.body, m.created_at, d.status"
        " FROM messages m LEFT JOIN deliveries d ON d.id = m.delivery_id"
        " WHERE m.account_id = $1 ORDER BY m.created_at DESC LIMIT $2",
        uuid.UUID(account_id),
        limit,
    )
    return rows
