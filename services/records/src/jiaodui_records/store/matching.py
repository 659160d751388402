"""The account replica, current matches and the last announced state per account."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import asyncpg
from jiaodui_runtime.db import DbConnection

from jiaodui_records.domain.matching import Candidate, MatchState, MatchStatus, UnmatchedReason


async def upsert_account(
    conn: DbConnection,
    account_id: uuid.UUID,
    *,
    id_type: str | None,
    identity_hash: str | None,
    name_key: str | None,
    active: bool,
) -> None:
    await conn.execute(
        "INSERT INTO accounts (account_id, id_type, identity_hash, name_key, active)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id) DO UPDATE SET"
        " id_type = EXCLUDED.id_type, identity_hash = EXCLUDED.identity_hash,"
        " name_key = EXCLUDED.name_key, active = EXCLUDED.active, updated_at = now()",
        account_id,
        id_type,
        identity_hash,
        name_key,
        active,
    )


async def account(conn: DbConnection, account_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT * FROM accounts WHERE account_id = $1 FOR UPDATE", account_id
    )


async def candidates(conn: DbConnection, identity_hash: str) -> list[Candidate]:
    rows = await conn.fetch(
        "SELECT record_id, name_key FROM records WHERE identity_hash = $1", identity_hash
    )
    return [Candidate(str(r["record_id"]), r["name_key"]) for r in rows]


async def current_matches(conn: DbConnection, account_id: uuid.UUID) -> set[str]:
    rows = await conn.fetch("SELECT record_id FROM matches WHERE account_id = $1", account_id)
    return {str(r["record_id"]) for r in rows}


async def set_matches(
    conn: DbConnection, account_id: uuid.UUID, *, added: list[str], removed: list[str]
) -> None:
    if added:
        await conn.executemany(
            "INSERT INTO matches (account_id, record_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            [(account_id, uuid.UUID(r)) for r in added],
        )
    if removed:
        await conn.execute(
            "DELETE FROM matches WHERE account_id = $1 AND record_id = ANY($2::uuid[])",
            account_id,
            [uuid.UUID(r) for r in removed],
        )


async def state(conn: DbConnection, account_id: uuid.UUID) -> MatchState | None:
    row = await conn.fetchrow(
        "SELECT status, reason, record_id FROM match_states WHERE account_id = $1", account_id
    )
    if row is None:
        return None
    return MatchState(
        MatchStatus(row["status"]),
        UnmatchedReason(row["reason"]) if row["reason"] else None,
        str(row["record_id"]) if row["record_id"] else None,
    )


async def set_state(conn: DbConnection, account_id: uuid.UUID, new: MatchState) -> None:
    await conn.execute(
        "INSERT INTO match_states (account_id, status, reason, record_id) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (account_id) DO UPDATE SET status = EXCLUDED.status,"
        " reason = EXCLUDED.reason, record_id = EXCLUDED.record_id, updated_at = now()",
        account_id,
        new.status.value,
        new.reason.value if new.reason else None,
        uuid.UUID(new.record_id) if new.record_id else None,
    )


async def accounts_touching(
    conn: DbConnection, *, hashes: Iterable[str], record_ids: Iterable[uuid.UUID]
) -> list[uuid.UUID]:
    """Accounts whose matching may change: same identity hash, or matched to these records."""
    rows = await conn.fetch(
        "SELECT account_id FROM accounts WHERE identity_hash = ANY($1::text[])"
        " UNION SELECT account_id FROM matches WHERE record_id = ANY($2::uuid[])"
        " ORDER BY 1",
        list(set(hashes)),
        list(record_ids),
    )
    return [r["account_id"] for r in rows]


_MATCHING_LOCK = 0x7265636F726473  # "records": one advisory lock guards matching


async def lock_as_record_writer(conn: DbConnection) -> None:
    """Writers of records (import batches, errata) exclude account events for the rest of
    the transaction, so that an account activated while its record is being imported
    cannot miss it: whichever commits second sees the other's row."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", _MATCHING_LOCK)


async def lock_as_account_writer(conn: DbConnection) -> None:
    """Account events run side by side, but never beside a record writer."""
    await conn.execute("SELECT pg_advisory_xact_lock_shared($1)", _MATCHING_LOCK)
