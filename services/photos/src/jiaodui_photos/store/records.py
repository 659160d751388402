"""The local replica of records and of who owns them (from records.events)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

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


# name_key (domain/linking.py) where SQL gives Python's answer: names of unified CJK
# ideographs and the middle dot (NFKC leaves them, nothing to fold or drop), and printable
# ASCII (NFKC leaves it, spaces dropped, casefold is lower case); NULL for any other name
_NAME_KEY = r"""CASE
    WHEN r.name ~ '^[\u3400-\u4dbf\u4e00-\u9fff\u00b7]+$' THEN r.name
    WHEN r.name ~ '^[ -~]+$' THEN lower(replace(r.name, ' ', '') COLLATE "C")
END"""

# A run of record events as published (Kafka values, in order; an import's carry up to 100
# records each, a single record event one): the last version of each record in the run kept,
# with its name key made here where that is sure. Returned: the records whose name key SQL
# leaves to Python (not kept: the caller keeps them), and those unlinked photos may belong to.
_UPSERT_PUBLISHED = f"""
WITH incoming AS (
    SELECT DISTINCT ON (r.record_id) r.*, {_NAME_KEY} AS name_key
    FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS e(value, type, ord)
    -- jsonb: the event parsed once (as json, every operator parses the text again)
    CROSS JOIN LATERAL (SELECT e.value::jsonb AS event OFFSET 0) AS v
    CROSS JOIN LATERAL ROWS FROM (jsonb_to_recordset(CASE WHEN e.type = $3
            THEN v.event -> 'data' -> 'records' ELSE jsonb_build_array(v.event -> 'data') END)
        AS (record_id uuid, institution_code text, branch text, class_name text, cohort text,
            name text, id_type text, identity_hash text, student_number text))
        WITH ORDINALITY AS r(record_id, institution_code, branch, class_name, cohort, name,
                             id_type, identity_hash, student_number, pos)
    ORDER BY r.record_id, e.ord DESC, r.pos DESC
), kept AS (
    INSERT INTO records (record_id, institution_code, branch, class_name, cohort, name,
                         name_key, id_type, identity_hash, student_number)
    SELECT record_id, institution_code, branch, class_name, cohort, name, name_key, id_type,
           identity_hash, student_number
    FROM incoming WHERE name_key IS NOT NULL
    ON CONFLICT (record_id) DO UPDATE SET institution_code = EXCLUDED.institution_code,
        branch = EXCLUDED.branch, class_name = EXCLUDED.class_name, cohort = EXCLUDED.cohort,
        name = EXCLUDED.name, name_key = EXCLUDED.name_key, id_type = EXCLUDED.id_type,
        identity_hash = EXCLUDED.identity_hash, student_number = EXCLUDED.student_number,
        updated_at = now()
)
SELECT i.record_id::text, i.institution_code, i.branch, i.class_name, i.cohort, i.name,
       i.id_type, i.identity_hash, i.student_number, i.name_key IS NULL AS left_to_python
FROM incoming i
WHERE i.name_key IS NULL OR EXISTS (
    SELECT 1 FROM photos p WHERE p.record_id IS NULL AND (p.code_record_id = i.record_id
    OR (p.institution_code = i.institution_code
        AND (p.identity_hash = i.identity_hash OR p.student_number = i.student_number))))
"""  # noqa: S608 - the expression is ours


@dataclass(frozen=True, slots=True)
class Returned:
    """A record :func:`upsert_published` returned: its fields, and whether it is kept yet."""

    record_id: str
    institution_code: str
    branch: str
    class_name: str | None
    cohort: str
    name: str
    id_type: str
    identity_hash: str
    student_number: str
    left_to_python: bool


async def upsert_published(
    conn: DbConnection, published: Sequence[tuple[str, bytes]], bulk_type: str
) -> list[Returned]:
    """Keep the records of a run of record events given as published (type and Kafka value
    of each, validated by the consumer; ``bulk_type`` is the type whose data carries
    ``records``), in
    one statement, with no Python per record: those returned are left to the caller (their
    name key is Python's to make: keep them with :func:`upsert_records`) or may own unlinked
    photos."""
    rows = await conn.fetch(
        _UPSERT_PUBLISHED, [v.decode() for _, v in published], [t for t, _ in published], bulk_type
    )
    return [Returned(**dict(row)) for row in rows]


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
