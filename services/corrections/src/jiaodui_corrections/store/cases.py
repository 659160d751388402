"""SQL of identity cases, their scans and the scan-read audit."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import asyncpg
from jiaodui_runtime.db import DbConnection


async def insert(
    conn: DbConnection,
    *,
    case_id: uuid.UUID,
    kind: str,
    account_id: str,
    id_type: str,
    identity_hash: str,
    id_number_masked: str,
    contact_phone: str,
    reply_email: str | None,
    scan_key: str,
    opened_at: datetime,
) -> bool:
    """False when the account already has an open case of this kind."""
    inserted = await conn.fetchval(
        """INSERT INTO identity_cases (case_id, kind, account_id, status, id_type,
               identity_hash, id_number_masked, contact_phone, reply_email, scan_key, opened_at)
           VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (account_id, kind) WHERE status = 'open' DO NOTHING
           RETURNING true""",
        case_id,
        kind,
        uuid.UUID(account_id),
        id_type,
        identity_hash,
        id_number_masked,
        contact_phone,
        reply_email,
        scan_key,
        opened_at,
    )
    return bool(inserted)


async def get(
    conn: DbConnection, case_id: uuid.UUID, kind: str, *, for_update: bool = False
) -> asyncpg.Record | None:
    lock = " FOR UPDATE" if for_update else ""
    return await conn.fetchrow(
        f"SELECT * FROM identity_cases WHERE case_id = $1 AND kind = $2{lock}",  # noqa: S608
        case_id,
        kind,
    )


async def decide(
    conn: DbConnection,
    case_id: uuid.UUID,
    *,
    status: str,
    decided_by: str,
    closed_at: datetime,
    reason: str | None,
) -> None:
    await conn.execute(
        "UPDATE identity_cases SET status = $2, decided_by = $3, closed_at = $4, reason = $5"
        " WHERE case_id = $1",
        case_id,
        status,
        uuid.UUID(decided_by),
        closed_at,
        reason,
    )


async def queue(
    conn: DbConnection, *, kind: str, status: str | None, limit: int, offset: int = 0
) -> list[asyncpg.Record]:
    """Oldest first."""
    return await conn.fetch(
        "SELECT * FROM identity_cases WHERE kind = $1 AND ($2::text IS NULL OR status = $2)"
        " ORDER BY opened_at, case_id LIMIT $3 OFFSET $4",
        kind,
        status,
        limit,
        offset,
    )


async def counts(conn: DbConnection, *, kind: str) -> dict[str, int]:
    rows = await conn.fetch(
        "SELECT status, count(*) AS n FROM identity_cases WHERE kind = $1 GROUP BY status", kind
    )
    return {r["status"]: int(r["n"]) for r in rows}


async def of_account(conn: DbConnection, account_id: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT * FROM identity_cases WHERE account_id = $1 ORDER BY opened_at DESC",
        uuid.UUID(account_id),
    )


async def log_scan_read(
    conn: DbConnection, case_id: uuid.UUID, reader_id: str, reader_role: str
) -> None:
    await conn.execute(
        "INSERT INTO scan_reads (case_id, reader_id, reader_role) VALUES ($1, $2, $3)",
        case_id,
        uuid.UUID(reader_id),
        reader_role,
    )


async def scan_reads(conn: DbConnection, case_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT reader_id, reader_role, read_at FROM scan_reads WHERE case_id = $1 ORDER BY id",
        case_id,
    )


async def scans_due(
    conn: DbConnection, retention: timedelta, limit: int = 100
) -> list[asyncpg.Record]:
    """Closed cases whose scan outlived the retention period (locked, skip-locked)."""
    return await conn.fetch(
        "SELECT case_id, scan_key FROM identity_cases"
        " WHERE scan_key IS NOT NULL AND closed_at IS NOT NULL AND closed_at < now() - $1::interval"
        " ORDER BY closed_at LIMIT $2 FOR UPDATE SKIP LOCKED",
        retention,
        limit,
    )


async def forget_scan(conn: DbConnection, case_id: uuid.UUID) -> None:
    await conn.execute(
        "UPDATE identity_cases SET scan_key = NULL, scan_deleted_at = now() WHERE case_id = $1",
        case_id,
    )


async def scan_still_used(conn: DbConnection, scan_key: str) -> bool:
    """Blobs are content-addressed: the same bytes may back another case's scan."""
    return bool(
        await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM identity_cases WHERE scan_key = $1)", scan_key
        )
    )
