"""The log of public events received (feed, replays) and the account → institution replica."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import NamedTuple

import asyncpg
from jiaodui_runtime.db import DbConnection


async def institutions_of_account(conn: DbConnection, account_id: str) -> list[str]:
    rows = await conn.fetch(
        "SELECT DISTINCT institution_code FROM account_records WHERE account_id = $1",
        uuid.UUID(account_id),
    )
    return sorted(r["institution_code"] for r in rows)


async def institutions_of_accounts(
    conn: DbConnection, account_ids: list[str]
) -> dict[str, list[str]]:
    if not account_ids:
        return {}
    rows = await conn.fetch(
        "SELECT account_id::text AS account_id, array_agg(DISTINCT institution_code ORDER BY"
        " institution_code) AS codes FROM account_records WHERE account_id = ANY($1::uuid[])"
        " GROUP BY account_id",
        account_ids,
    )
    return {r["account_id"]: list(r["codes"]) for r in rows}


async def remember_matches(conn: DbConnection, matches: list[tuple[str, str, str]]) -> None:
    """(account_id, record_id, institution_code) of a run of matches, in one statement."""
    if not matches:
        return
    await conn.execute(
        "INSERT INTO account_records (account_id, record_id, institution_code)"
        " SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[]) ON CONFLICT DO NOTHING",
        [a for a, _, _ in matches],  # asyncpg encodes a UUID's text itself (in C)
        [r for _, r, _ in matches],
        [code for _, _, code in matches],
    )


async def forget_records(conn: DbConnection, *, account_id: str, record_ids: list[str]) -> None:
    await conn.execute(
        "DELETE FROM account_records WHERE account_id = $1 AND record_id = ANY($2::uuid[])",
        uuid.UUID(account_id),
        [uuid.UUID(r) for r in record_ids],
    )


async def store(
    conn: DbConnection,
    *,
    event_id: str,
    event_type: str,
    institutions: list[str],
    body: bytes,
    occurred_at: datetime,
) -> bool:
    """False when the event is already in the log."""
    stored = await conn.fetchval(
        "INSERT INTO events (event_id, type, institutions, body, occurred_at)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING RETURNING true",
        uuid.UUID(event_id),
        event_type,
        institutions,
        body,
        occurred_at,
    )
    return bool(stored)


class NewEvent(NamedTuple):
    """An event to append to the log: ``body`` is its Kafka value, the envelope as published."""

    event_id: str
    type: str
    institutions: list[str]
    body: bytes
    occurred_at: datetime


async def store_many(conn: DbConnection, rows: list[NewEvent]) -> list[NewEvent]:
    """Append events not yet in the log, in order; the ones appended (only their ids come
    back from the database, not their bodies)."""
    if not rows:
        return []
    appended = await conn.fetch(
        "INSERT INTO events (event_id, type, institutions, body, occurred_at)"
        " SELECT e.event_id, e.type, string_to_array(e.institutions, chr(31)), e.body, e.at"
        " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bytea[], $5::timestamptz[])"
        " AS e(event_id, type, institutions, body, at)"
        " ON CONFLICT (event_id) DO NOTHING RETURNING event_id::text",
        [r.event_id for r in rows],
        [r.type for r in rows],
        [chr(31).join(r.institutions) for r in rows],
        [r.body for r in rows],
        [r.occurred_at for r in rows],
    )
    if len(appended) == len(rows):
        return rows
    ids = {r[0] for r in appended}
    return [r for r in rows if r.event_id in ids]


async def page(
    conn: DbConnection, *, after: int, institution_code: str, types: list[str], limit: int
) -> list[asyncpg.Record]:
    """Events after a position, in order, that no running transaction can still precede:
    positions are taken when a transaction inserts but become visible when it commits, so a
    reader stops below the oldest transaction still running (it would skip its event)."""
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT position, body FROM events WHERE position > $1"
        " AND $2 = ANY(institutions) AND type = ANY($3::text[])"
        " AND xid < pg_snapshot_xmin(pg_current_snapshot())"
        " ORDER BY position LIMIT $4",
        after,
        institution_code,
        types,
        limit,
    )
    return rows


async def since(
    conn: DbConnection, *, since: datetime, institution_code: str, types: list[str]
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT event_id, type, body FROM events WHERE stored_at >= $1"
        " AND $2 = ANY(institutions) AND type = ANY($3::text[]) ORDER BY position",
        since,
        institution_code,
        types,
    )
    return rows


async def prune(conn: DbConnection, *, older_than_s: float) -> int:
    deleted = await conn.fetchval(
        "WITH gone AS (DELETE FROM events WHERE stored_at < now() - make_interval(secs => $1)"
        " RETURNING 1) SELECT count(*) FROM gone",
        older_than_s,
    )
    await conn.execute(
        "DELETE FROM deliveries WHERE status <> 'pending'"
        " AND updated_at < now() - make_interval(secs => $1)",
        older_than_s,
    )
    return int(deleted or 0)
