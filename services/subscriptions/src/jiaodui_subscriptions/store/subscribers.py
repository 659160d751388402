"""Subscribers and their signing secrets."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
from jiaodui_runtime.db import DbConnection

_COLUMNS = (
    "id, name, owner_email, url, event_types, institution_code, enabled, disabled_reason,"
    " failing_since, client_id, client_secret_sha256, revision, created_at, updated_at"
)


async def insert(
    conn: DbConnection,
    *,
    subscriber_id: uuid.UUID,
    name: str,
    owner_email: str,
    url: str,
    event_types: list[str],
    institution_code: str,
    client_id: str,
    client_secret_sha256: str,
    created_by: str,
    sealed_secret: bytes,
) -> asyncpg.Record:
    row: asyncpg.Record | None = await conn.fetchrow(
        "INSERT INTO subscribers (id, name, owner_email, url, event_types, institution_code,"  # noqa: S608 - column names from code
        " client_id, client_secret_sha256, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        f" RETURNING {_COLUMNS}",
        subscriber_id,
        name,
        owner_email,
        url,
        event_types,
        institution_code,
        client_id,
        client_secret_sha256,
        created_by,
    )
    await conn.execute(
        "INSERT INTO subscriber_secrets (subscriber_id, sealed) VALUES ($1, $2)",
        subscriber_id,
        sealed_secret,
    )
    assert row is not None
    return row


async def get(
    conn: DbConnection, subscriber_id: uuid.UUID, *, for_update: bool = False
) -> asyncpg.Record | None:
    lock = " FOR UPDATE" if for_update else ""
    row: asyncpg.Record | None = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM subscribers WHERE id = $1 AND deleted_at IS NULL{lock}",  # noqa: S608 - column names from code
        subscriber_id,
    )
    return row


async def get_any(conn: DbConnection, subscriber_id: uuid.UUID) -> asyncpg.Record | None:
    """Deleted ones too (a second DELETE answers like the first)."""
    row: asyncpg.Record | None = await conn.fetchrow(
        f"SELECT {_COLUMNS}, deleted_at FROM subscribers WHERE id = $1",  # noqa: S608
        subscriber_id,
    )
    return row


async def by_client(conn: DbConnection, client_id: str) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM subscribers WHERE client_id = $1 AND deleted_at IS NULL",  # noqa: S608 - column names from code
        client_id,
    )
    return row


async def search(
    conn: DbConnection, *, institution_code: str | None, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    rows: list[asyncpg.Record] = await conn.fetch(
        f"SELECT {_COLUMNS}, count(*) OVER () AS total FROM subscribers"  # noqa: S608 - column names from code
        " WHERE deleted_at IS NULL AND ($1::text IS NULL OR institution_code = $1)"
        " ORDER BY created_at DESC, id LIMIT $2 OFFSET $3",
        institution_code,
        limit,
        offset,
    )
    return rows, (rows[0]["total"] if rows else 0)


async def update(
    conn: DbConnection,
    subscriber_id: uuid.UUID,
    *,
    url: str,
    event_types: list[str],
    enabled: bool,
    disabled_reason: str | None,
    failing_since: datetime | None,
) -> asyncpg.Record:
    row: asyncpg.Record | None = await conn.fetchrow(
        "UPDATE subscribers SET url = $2, event_types = $3, enabled = $4, disabled_reason = $5,"  # noqa: S608 - column names from code
        " failing_since = $6, revision = revision + 1, updated_at = now() WHERE id = $1"
        f" RETURNING {_COLUMNS}",
        subscriber_id,
        url,
        event_types,
        enabled,
        disabled_reason,
        failing_since,
    )
    assert row is not None
    return row


async def mark_deleted(conn: DbConnection, subscriber_id: uuid.UUID) -> asyncpg.Record:
    row: asyncpg.Record | None = await conn.fetchrow(
        "UPDATE subscribers SET deleted_at = now(), enabled = false, revision = revision + 1,"  # noqa: S608 - column names from code
        f" updated_at = now() WHERE id = $1 RETURNING {_COLUMNS}",
        subscriber_id,
    )
    await conn.execute(
        "UPDATE deliveries SET status = 'failed', last_error = 'subscriber_deleted',"
        " updated_at = now() WHERE subscriber_id = $1 AND status = 'pending'",
        subscriber_id,
    )
    assert row is not None
    return row


async def note_success(conn: DbConnection, subscriber_id: uuid.UUID) -> None:
    await conn.execute(
        "UPDATE subscribers SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL",
        subscriber_id,
    )


async def note_failure(conn: DbConnection, subscriber_id: uuid.UUID) -> datetime:
    """When the endpoint started failing (now, if it was fine until this failure)."""
    since: datetime = await conn.fetchval(
        "UPDATE subscribers SET failing_since = coalesce(failing_since, now()) WHERE id = $1"
        " RETURNING failing_since",
        subscriber_id,
    )
    return since


async def disable(
    conn: DbConnection, subscriber_id: uuid.UUID, *, reason: str
) -> asyncpg.Record | None:
    """Switch an enabled endpoint off; None when it already was (so the owner is mailed once)."""
    row: asyncpg.Record | None = await conn.fetchrow(
        "UPDATE subscribers SET enabled = false, disabled_reason = $2, revision = revision + 1,"  # noqa: S608 - column names from code
        " updated_at = now() WHERE id = $1 AND enabled AND deleted_at IS NULL"
        f" RETURNING {_COLUMNS}",
        subscriber_id,
        reason,
    )
    return row


async def add_secret(
    conn: DbConnection, subscriber_id: uuid.UUID, sealed: bytes, *, previous_until: datetime
) -> None:
    await conn.execute(
        "UPDATE subscriber_secrets SET expires_at = $2 WHERE subscriber_id = $1"
        " AND (expires_at IS NULL OR expires_at > $2)",
        subscriber_id,
        previous_until,
    )
    await conn.execute(
        "INSERT INTO subscriber_secrets (subscriber_id, sealed) VALUES ($1, $2)",
        subscriber_id,
        sealed,
    )


async def signing_secrets(conn: DbConnection, subscriber_id: uuid.UUID) -> list[bytes]:
    """Sealed secrets that sign now, newest first."""
    rows = await conn.fetch(
        "SELECT sealed FROM subscriber_secrets WHERE subscriber_id = $1"
        " AND (expires_at IS NULL OR expires_at > now()) ORDER BY id DESC",
        subscriber_id,
    )
    return [r["sealed"] for r in rows]


async def routed(
    conn: DbConnection, *, event_type: str, institutions: list[str]
) -> list[asyncpg.Record]:
    """Enabled subscribers that chose this type, for one of these institutions."""
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT id FROM subscribers WHERE deleted_at IS NULL AND enabled"
        " AND institution_code = ANY($2::text[]) AND $1 = ANY(event_types)",
        event_type,
        institutions,
    )
    return rows


async def failing_for(conn: DbConnection, *, seconds: float) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT id, failing_since FROM subscribers WHERE enabled AND deleted_at IS NULL"
        " AND failing_since < now() - make_interval(secs => $1) FOR UPDATE SKIP LOCKED",
        seconds,
    )
    return rows
