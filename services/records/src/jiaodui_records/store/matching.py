"""The account replica, current matches and the last announced state per account."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

import asyncpg
from jiaodui_contracts.records import IdentityMatched
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.outbox import NOTIFY_CHANNEL, built_event_params, insert_built_events_sql
from jiaodui_runtime.wakes import wake_at_commit

from jiaodui_records.domain.matching import Candidate, MatchState, MatchStatus, UnmatchedReason

AccountRow = tuple[uuid.UUID, str | None, str | None, str | None, bool]
"""account_id, id_type, identity_hash, name_key, active"""


async def upsert_accounts(conn: DbConnection, rows: list[AccountRow]) -> None:
    """The replica takes these values (one row per account: the caller keeps the latest)."""
    if not rows:
        return
    await conn.execute(
        "INSERT INTO accounts (account_id, id_type, identity_hash, name_key, active)"
        " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::boolean[])"
        " ON CONFLICT (account_id) DO UPDATE SET"
        " id_type = EXCLUDED.id_type, identity_hash = EXCLUDED.identity_hash,"
        " name_key = EXCLUDED.name_key, active = EXCLUDED.active, updated_at = now()",
        *([list(column) for column in zip(*rows, strict=True)]),
    )


async def accounts_for_update(
    conn: DbConnection, account_ids: list[uuid.UUID]
) -> dict[uuid.UUID, asyncpg.Record]:
    """Lock the accounts' rows (in id order, so two writers never deadlock)."""
    rows = await conn.fetch(
        "SELECT * FROM accounts WHERE account_id = ANY($1::uuid[]) ORDER BY account_id FOR UPDATE",
        account_ids,
    )
    return {r["account_id"]: r for r in rows}


async def candidates(conn: DbConnection, hashes: Iterable[str]) -> dict[str, list[Candidate]]:
    """The records with each identity hash."""
    rows = await conn.fetch(
        "SELECT identity_hash, record_id, name_key FROM records"
        " WHERE identity_hash = ANY($1::text[])",
        list(set(hashes)),
    )
    found: dict[str, list[Candidate]] = {}
    for r in rows:
        found.setdefault(r["identity_hash"], []).append(
            Candidate(str(r["record_id"]), r["name_key"])
        )
    return found


async def current_matches(
    conn: DbConnection, account_ids: list[uuid.UUID]
) -> dict[uuid.UUID, set[str]]:
    rows = await conn.fetch(
        "SELECT account_id, record_id FROM matches WHERE account_id = ANY($1::uuid[])",
        account_ids,
    )
    current: dict[uuid.UUID, set[str]] = {}
    for r in rows:
        current.setdefault(r["account_id"], set()).add(str(r["record_id"]))
    return current


async def set_matches(
    conn: DbConnection,
    *,
    added: list[tuple[uuid.UUID, str]],
    removed: list[tuple[uuid.UUID, str]],
) -> None:
    """Add and remove (account, record) pairs."""
    if added:
        await conn.execute(
            "INSERT INTO matches (account_id, record_id)"
            " SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING",
            [a for a, _ in added],
            [r for _, r in added],  # UUID texts: asyncpg parses them in C
        )
    if removed:
        await conn.execute(
            "DELETE FROM matches m USING unnest($1::uuid[], $2::uuid[]) AS d(account_id, record_id)"
            " WHERE m.account_id = d.account_id AND m.record_id = d.record_id",
            [a for a, _ in removed],
            [r for _, r in removed],
        )


_ANNOUNCE_MATCHES = """
WITH pairs AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS p(account_id, record_id, ord)
), events AS MATERIALIZED (
    SELECT jiaodui_event_id() AS event_id, p.account_id::text AS subject,
           p.account_id::text AS key, p.ord,
           json_build_object('account_id', p.account_id, 'record_id', r.record_id,
                             'institution_code', r.institution_code, 'branch', r.branch,
                             'cohort', r.cohort, 'student_number', r.student_number,
                             'matched_at', $6::text) AS data
    FROM pairs p JOIN records r USING (record_id)
)
""" + insert_built_events_sql("events", first_param=3)  # noqa: S608 - no input in the text
# $6 is the events' time (built_event_params): matched_at is the moment of the envelope


async def announce_matches(
    conn: DbConnection, added: list[tuple[uuid.UUID, str]], *, source: str, at: datetime
) -> None:
    """One IdentityMatched per added (account, record) pair, in order, built by the
    database from the record's row (a matching burst creates no object per event here)."""
    if not added:
        return
    await conn.execute(
        _ANNOUNCE_MATCHES,
        [a for a, _ in added],
        [r for _, r in added],
        *built_event_params(IdentityMatched, source=source, at=at),
    )
    await wake_at_commit(conn, NOTIFY_CHANNEL)


async def states(conn: DbConnection, account_ids: list[uuid.UUID]) -> dict[uuid.UUID, MatchState]:
    rows = await conn.fetch(
        "SELECT account_id, status, reason, record_id FROM match_states"
        " WHERE account_id = ANY($1::uuid[])",
        account_ids,
    )
    return {
        r["account_id"]: MatchState(
            MatchStatus(r["status"]),
            UnmatchedReason(r["reason"]) if r["reason"] else None,
            str(r["record_id"]) if r["record_id"] else None,
        )
        for r in rows
    }


async def set_states(conn: DbConnection, new: list[tuple[uuid.UUID, MatchState]]) -> None:
    if not new:
        return
    await conn.execute(
        "INSERT INTO match_states (account_id, status, reason, record_id)"
        " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[])"
        " ON CONFLICT (account_id) DO UPDATE SET status = EXCLUDED.status,"
        " reason = EXCLUDED.reason, record_id = EXCLUDED.record_id, updated_at = now()",
        [a for a, _ in new],
        [state.status.value for _, state in new],
        [state.reason.value if state.reason else None for _, state in new],
        [state.record_id or None for _, state in new],
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
