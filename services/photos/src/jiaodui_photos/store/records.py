"""The local replica of records and of who owns them (from records.events)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg
from jiaodui_contracts.records import IdentityMatched, IdentityUnmatched
from jiaodui_runtime.db import DbConnection

from jiaodui_photos.domain.linking import KeptRecord, RecordKey, name_key


async def lock_linking(conn: DbConnection, institution_code: str) -> None:
    """Serialise linking within one institution until the transaction ends: a photo stored
    while its record arrives is then seen by one side or the other, never by neither."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtext('photos-link:' || $1))", institution_code
    )


_UPSERT_MANY = """
WITH incoming AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                         $7::text[], $8::text[], $9::text[], $10::text[])
        AS r(record_id, institution_code, branch, class_name, cohort, name, name_key, id_type,
             identity_hash, student_number)
), kept AS (
    INSERT INTO records (record_id, institution_code, branch, class_name, cohort, name,
                         name_key, id_type, identity_hash, student_number)
    SELECT * FROM incoming
    ON CONFLICT (record_id) DO UPDATE SET institution_code = EXCLUDED.institution_code,
        branch = EXCLUDED.branch, class_name = EXCLUDED.class_name, cohort = EXCLUDED.cohort,
        name = EXCLUDED.name, name_key = EXCLUDED.name_key, id_type = EXCLUDED.id_type,
        identity_hash = EXCLUDED.identity_hash, student_number = EXCLUDED.student_number,
        updated_at = now()
    RETURNING 1
)
SELECT i.record_id FROM incoming i
WHERE EXISTS (SELECT 1 FROM photos p WHERE p.record_id IS NULL AND (p.code_record_id = i.record_id
    OR (p.institution_code = i.institution_code
        AND (p.identity_hash = i.identity_hash OR p.student_number = i.student_number))))
"""


async def upsert_records(conn: DbConnection, records: Sequence[KeptRecord]) -> list[uuid.UUID]:
    """Keep many records at once (one per record_id: the caller keeps the latest); the ids of
    those that unlinked photos may belong to."""
    rows = [
        (
            uuid.UUID(r.record_id), r.institution_code, r.branch, r.class_name, r.cohort,
            r.name, name_key(r.name), r.id_type, r.identity_hash, r.student_number,
        )
        for r in records
    ]  # fmt: skip
    found = await conn.fetch(_UPSERT_MANY, *(list(column) for column in zip(*rows, strict=True)))
    return [r["record_id"] for r in found]


async def record_by_id(conn: DbConnection, record_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM records WHERE record_id = $1", record_id)


async def candidates(
    conn: DbConnection,
    *,
    institution_code: str,
    code_record_id: uuid.UUID | None,
    identity_hash: str | None,
    student_number: str | None,
) -> list[RecordKey]:
    """Records a photo could belong to: the code's record, or same ID or student number."""
    rows = await conn.fetch(
        "SELECT record_id, institution_code, name_key, identity_hash, student_number, cohort"
        " FROM records WHERE record_id = $1"
        " OR (institution_code = $2 AND (identity_hash = $3 OR student_number = $4))",
        code_record_id,
        institution_code,
        identity_hash,
        student_number,
    )
    return [
        RecordKey(
            record_id=str(r["record_id"]),
            institution_code=r["institution_code"],
            name_key=r["name_key"],
            identity_hash=r["identity_hash"],
            student_number=r["student_number"],
            cohort=r["cohort"],
        )
        for r in rows
    ]


_SET_OWNERS = """
INSERT INTO record_owners (record_id, account_id, institution_code, branch, cohort, matched_at)
SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[],
                     $6::timestamptz[])
ON CONFLICT (record_id) DO UPDATE SET account_id = EXCLUDED.account_id,
    institution_code = EXCLUDED.institution_code, branch = EXCLUDED.branch,
    cohort = EXCLUDED.cohort, matched_at = EXCLUDED.matched_at
WHERE record_owners.matched_at <= EXCLUDED.matched_at
"""


async def set_owners(conn: DbConnection, matches: Sequence[IdentityMatched]) -> None:
    """Each record's owner, one statement for many (one match per record: the caller keeps
    the one that wins); an older match than the one kept changes nothing."""
    if not matches:
        return
    await conn.execute(
        _SET_OWNERS,
        # canonical UUID texts (the contract's): asyncpg parses them in C, where a
        # uuid.UUID() each was 12 % of photos' CPU in a matching burst
        [m.record_id for m in matches],
        [m.account_id for m in matches],
        [m.institution_code for m in matches],
        [m.branch for m in matches],
        [m.cohort for m in matches],
        [m.matched_at for m in matches],
    )


async def drop_owners(conn: DbConnection, unmatches: Sequence[IdentityUnmatched]) -> None:
    """Forget the listed matches of each account (only those older than its unmatching)."""
    pairs = [(u, r) for u in unmatches for r in u.previously_matched_record_ids]
    if not pairs:
        return
    await conn.execute(
        "DELETE FROM record_owners o USING"
        " unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS d(account_id, record_id, before)"
        " WHERE o.account_id = d.account_id AND o.record_id = d.record_id"
        " AND o.matched_at <= d.before",
        [u.account_id for u, _ in pairs],
        [r for _, r in pairs],
        [u.unmatched_at for u, _ in pairs],
    )
