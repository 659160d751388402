"""The directory (account → address, learned from commands) and the in-app inbox."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import asyncpg
from jiaodui_contracts import new_ordered_ids
from jiaodui_runtime.db import DbConnection

from jiaodui_notify.domain.directory import Learned


async def addresses_of(
    conn: DbConnection, account_ids: Collection[str]
) -> dict[str, tuple[str | None, str | None]]:
    """(e-mail, locale) of each account notify heard of; the others are left out."""
    if not account_ids:
        return {}
    rows = await conn.fetch(
        "SELECT account_id::text, email, locale FROM recipients WHERE account_id = ANY($1::uuid[])",
        list(account_ids),
    )
    return {row["account_id"]: (row["email"], row["locale"]) for row in rows}


async def remember_all(conn: DbConnection, learned: Mapping[str, Learned]) -> None:
    """Keep the newest address, phone and locale each account was reached at (one row per
    account; a None keeps what is stored)."""
    if not learned:
        return
    await conn.execute(
        "INSERT INTO recipients (account_id, email, phone, locale)"
        " SELECT a, e, p, coalesce(l, 'zh')"
        " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS u(a, e, p, l)"
        " ON CONFLICT (account_id) DO UPDATE SET"
        " email = coalesce(EXCLUDED.email, recipients.email),"
        " phone = coalesce(EXCLUDED.phone, recipients.phone),"
        " locale = CASE WHEN EXCLUDED.email IS NULL THEN recipients.locale"
        " ELSE EXCLUDED.locale END, updated_at = now()",
        list(learned),
        [x.email for x in learned.values()],
        [x.phone for x in learned.values()],
        [x.locale for x in learned.values()],
    )


@dataclass(frozen=True, slots=True)
class Message:
    """One message of the in-app inbox (secrets already redacted)."""

    account_id: str
    cause_event_id: str
    template: str
    channel: str
    subject: str
    body: str
    delivery_id: uuid.UUID | None


async def add_messages(conn: DbConnection, messages: Sequence[Message]) -> None:
    """Into the inbox; a message already there (same event, account, kind) stays as it is."""
    if not messages:
        return
    await conn.execute(
        "INSERT INTO messages (id, account_id, cause_event_id, template, channel, subject,"
        " body, delivery_id) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[],"
        " $4::text[], $5::text[], $6::text[], $7::text[], $8::uuid[])"
        " ON CONFLICT (cause_event_id, account_id, template) DO NOTHING",
        new_ordered_ids(len(messages)),  # one a notice: keep the key's inserts at one end
        [m.account_id for m in messages],
        [m.cause_event_id for m in messages],
        [m.template for m in messages],
        [m.channel for m in messages],
        [m.subject for m in messages],
        [m.body for m in messages],
        [m.delivery_id for m in messages],
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
