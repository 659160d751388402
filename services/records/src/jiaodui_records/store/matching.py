"""The account replica, current matches and the last announced state per account."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

import asyncpg
from jiaodui_contracts.records import IdentityMatched
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.outbox import NOTIFY_CHANNEL, built_event_params, insert_built_events_sql

from jiaodui_records.domain.matching import Candidate, MatchState, MatchStatus, UnmatchedReason

AccountRow = tuple[uuid.UUID, str | None, str | None, str | None, bool]
"""account_id, id_type, identity_hash, name_key, active"""


_MATCHING_INPUTS = """
SELECT a.account_id, a.name_key, a.active AND a.identity_hash IS NOT NULL AS matchable,
       c.record_ids, c.name_keys, c.institution_codes, c.branches, c.cohorts, c.student_numbers,
       m.record_ids AS current, s.status, s.reason, s.record_id AS state_record_id
FROM accounts_in AS a
LEFT JOIN LATERAL (
    SELECT array_agg(r.record_id) AS record_ids, array_agg(r.name_key) AS name_keys,
           array_agg(r.institution_code) AS institution_codes, array_agg(r.branch) AS branches,
           array_agg(r.cohort) AS cohorts, array_agg(r.student_number) AS student_numbers
    FROM records r WHERE a.active AND r.identity_hash = a.identity_hash
) AS c ON true
LEFT JOIN LATERAL (
    SELECT array_agg(record_id) AS record_ids FROM matches WHERE account_id = a.account_id
) AS m ON true
LEFT JOIN match_states s ON s.account_id = a.account_id
ORDER BY a.account_id
"""
# what matching needs of each account, in one statement: its replica row, the records with
# its identity hash (with the fields IdentityMatched carries, so announcing them needs no
# second lookup), its current matches and the state last announced

_UPSERTED = (
    """
WITH accounts_in AS (
    INSERT INTO accounts (account_id, id_type, identity_hash, name_key, active)
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::boolean[])
    ON CONFLICT (account_id) DO UPDATE SET
        id_type = EXCLUDED.id_type, identity_hash = EXCLUDED.identity_hash,
        name_key = EXCLUDED.name_key, active = EXCLUDED.active, updated_at = now()
    RETURNING account_id, identity_hash, name_key, active
)"""  # noqa: S608 - no input in the text
    + _MATCHING_INPUTS
)

_LOCKED = (
    """
WITH locked AS (
    SELECT account_id, identity_hash, name_key, active FROM accounts
    WHERE account_id = ANY($1::uuid[]) ORDER BY account_id FOR UPDATE
), accounts_in AS (
    SELECT i.account_id, l.identity_hash, l.name_key, coalesce(l.active, false) AS active
    FROM unnest($1::uuid[]) AS i(account_id) LEFT JOIN locked l USING (account_id)
)"""  # noqa: S608 - no input in the text
    + _MATCHING_INPUTS
)


async def upsert_for_matching(conn: DbConnection, rows: list[AccountRow]) -> list[asyncpg.Record]:
    """The replica takes these values (one row per account: the caller keeps the latest) and
    the same statement returns what matching needs of them (see :func:`inputs_for_matching`);
    the upsert holds the rows' locks until the transaction ends."""
    if not rows:
        return []
    return await conn.fetch(_UPSERTED, *([list(column) for column in zip(*rows, strict=True)]))


async def inputs_for_matching(
    conn: DbConnection, account_ids: list[uuid.UUID]
) -> list[asyncpg.Record]:
    """Lock these accounts' rows (in id order, so two writers never deadlock) and return,
    per account in id order: ``matchable`` and ``name_key``, the candidate records (parallel
    arrays ``record_ids``, ``name_keys``, ``institution_codes``, ``branches``, ``cohorts``,
    ``student_numbers``; NULL when none), ``current`` matches and the last announced
    ``status``/``reason``/``state_record_id``. An id missing from the replica is an account
    without identity."""
    return await conn.fetch(_LOCKED, account_ids)


def candidates_of(row: asyncpg.Record) -> list[Candidate]:
    pairs = zip(row["record_ids"] or (), row["name_keys"] or (), strict=True)
    return [Candidate(str(r), k) for r, k in pairs]


def current_of(row: asyncpg.Record) -> set[str]:
    return {str(r) for r in row["current"] or ()}


def state_of(row: asyncpg.Record) -> MatchState | None:
    if row["status"] is None:
        return None
    return MatchState(
        MatchStatus(row["status"]),
        UnmatchedReason(row["reason"]) if row["reason"] else None,
        str(row["state_record_id"]) if row["state_record_id"] else None,
    )


MatchedRecord = tuple[str, str, str, str]
"""institution_code, branch, cohort, student_number: what IdentityMatched says of a record"""


def matched_records_of(row: asyncpg.Record) -> dict[str, MatchedRecord]:
    """The candidates' fields that an IdentityMatched carries, by record id."""
    if not row["record_ids"]:
        return {}
    columns = ("record_ids", "institution_codes", "branches", "cohorts", "student_numbers")
    return {
        str(r): (code, branch, cohort, number)
        for r, code, branch, cohort, number in zip(*(row[c] for c in columns), strict=True)
    }


_APPLY = (
    """
WITH added AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[])
        WITH ORDINALITY AS p(account_id, record_id, institution_code, branch, cohort,
                             student_number, ord)
), inserted AS (
    INSERT INTO matches (account_id, record_id) SELECT account_id, record_id FROM added
    ON CONFLICT DO NOTHING
), removed AS (
    DELETE FROM matches m USING unnest($7::uuid[], $8::uuid[]) AS d(account_id, record_id)
    WHERE m.account_id = d.account_id AND m.record_id = d.record_id
), states AS (
    INSERT INTO match_states (account_id, status, reason, record_id)
    SELECT * FROM unnest($9::uuid[], $10::text[], $11::text[], $12::uuid[])
    ON CONFLICT (account_id) DO UPDATE SET status = EXCLUDED.status,
        reason = EXCLUDED.reason, record_id = EXCLUDED.record_id, updated_at = now()
), events AS MATERIALIZED (
    SELECT gen_random_uuid() AS event_id, account_id::text AS subject,
           account_id::text AS key, ord,
           json_build_object('account_id', account_id, 'record_id', record_id,
                             'institution_code', institution_code, 'branch', branch,
                             'cohort', cohort, 'student_number', student_number,
                             'matched_at', $16::text) AS data
    FROM added
), announced AS ("""  # noqa: S608 - no input in the text
    + insert_built_events_sql("events", first_param=13)
    + """ RETURNING 1
)
SELECT pg_notify($19, '') FROM (SELECT 1 FROM announced LIMIT 1) AS any_event
"""
)
# $16 is the events' time (built_event_params): matched_at is the moment of the envelope.
# Data-modifying CTEs run to completion whether read or not; the events are built from the
# added pairs (one IdentityMatched each, in order) with the record fields read with them.


async def apply_matching(
    conn: DbConnection,
    *,
    added: list[tuple[uuid.UUID, str, MatchedRecord]],
    removed: list[tuple[uuid.UUID, str]],
    states: list[tuple[uuid.UUID, MatchState]],
    source: str,
    at: datetime,
) -> None:
    """One statement: add and remove (account, record) pairs, keep each account's new state
    and announce one IdentityMatched per added pair, in order, built by the database (a
    matching burst creates no object per event here); the relay is woken when it wrote any."""
    if not (added or removed or states):
        return
    await conn.execute(
        _APPLY,
        [a for a, _, _ in added],
        [uuid.UUID(r) for _, r, _ in added],
        [f[0] for _, _, f in added],
        [f[1] for _, _, f in added],
        [f[2] for _, _, f in added],
        [f[3] for _, _, f in added],
        [a for a, _ in removed],
        [uuid.UUID(r) for _, r in removed],
        [a for a, _ in states],
        [state.status.value for _, state in states],
        [state.reason.value if state.reason else None for _, state in states],
        [uuid.UUID(state.record_id) if state.record_id else None for _, state in states],
        *built_event_params(IdentityMatched, source=source, at=at),
        NOTIFY_CHANNEL,
    )


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
