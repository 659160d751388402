"""The local replica of records (from records.events), their owners, and the windows."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg
from jiaodui_runtime.db import DbConnection

Match = tuple[uuid.UUID, uuid.UUID, str, str, str | None, str | None, datetime]
"""record_id, account_id, institution_code, branch, cohort, student_number, matched_at"""


async def upsert_record(
    conn: DbConnection,
    record_id: str,
    *,
    institution_code: str,
    branch: str,
    cohort: str | None,
    student_number: str | None,
    fields: dict[str, Any] | None,
) -> None:
    """Full records (RecordImported/Corrected) replace the fields; a match only fills gaps."""
    await conn.execute(
        """INSERT INTO records (record_id, institution_code, branch, cohort, student_number,
                                fields)
           VALUES ($1, $2, $3, $4, $5, COALESCE($6::jsonb, '{}'::jsonb))
           ON CONFLICT (record_id) DO UPDATE SET
               institution_code = EXCLUDED.institution_code,
               branch = EXCLUDED.branch,
               cohort = COALESCE(EXCLUDED.cohort, records.cohort),
               student_number = COALESCE(EXCLUDED.student_number, records.student_number),
               fields = COALESCE($6::jsonb, records.fields),
               updated_at = now()""",
        uuid.UUID(record_id),
        institution_code,
        branch,
        cohort,
        student_number,
        fields,
    )


_UPSERT_IMPORTED = """
WITH published AS (
    SELECT e.ord AS event_ord, r.ord AS record_ord, r.record
    FROM unnest($1::text[]) WITH ORDINALITY AS e(value, ord),
         jsonb_array_elements(e.value::jsonb -> 'data' -> 'records') WITH ORDINALITY
             AS r(record, ord)
), latest AS (
    SELECT DISTINCT ON (record ->> 'record_id') record FROM published
    ORDER BY record ->> 'record_id', event_ord DESC, record_ord DESC
)
INSERT INTO records (record_id, institution_code, branch, cohort, student_number, fields)
SELECT (record ->> 'record_id')::uuid, record ->> 'institution_code', record ->> 'branch',
       record ->> 'cohort', record ->> 'student_number', record - 'identity_hash' - 'change'
FROM latest
ON CONFLICT (record_id) DO UPDATE SET
    institution_code = EXCLUDED.institution_code, branch = EXCLUDED.branch,
    cohort = COALESCE(EXCLUDED.cohort, records.cohort),
    student_number = COALESCE(EXCLUDED.student_number, records.student_number),
    fields = EXCLUDED.fields, updated_at = now()
"""


async def upsert_imported(conn: DbConnection, published: Sequence[bytes]) -> None:
    """The records of a run of RecordsImported events, given as published (their Kafka
    values, already validated by the consumer), replacing the fields, in one statement: the
    last version of each record in the run wins. No Python per record: the events' JSON
    goes to PostgreSQL as it came."""
    if published:
        await conn.execute(_UPSERT_IMPORTED, [value.decode() for value in published])


_UPSERT_MANY = """
INSERT INTO records (record_id, institution_code, branch, cohort, student_number, fields)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
ON CONFLICT (record_id) DO UPDATE SET
    institution_code = EXCLUDED.institution_code, branch = EXCLUDED.branch,
    cohort = COALESCE(EXCLUDED.cohort, records.cohort),
    student_number = COALESCE(EXCLUDED.student_number, records.student_number),
    fields = EXCLUDED.fields, updated_at = now()
"""

FullRecord = tuple[uuid.UUID, str, str, str | None, str | None, dict[str, Any]]
"""record_id, institution_code, branch, cohort, student_number, fields"""


async def upsert_records(conn: DbConnection, records: Sequence[FullRecord]) -> None:
    """Full records (an import's worth) in one statement, one per record_id (the caller
    keeps the latest): they replace the fields."""
    if records:
        await conn.execute(_UPSERT_MANY, *(list(c) for c in zip(*records, strict=True)))


async def record(conn: DbConnection, record_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM records WHERE record_id = $1", record_id)


_MATCHED = """
WITH matched AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],
                         $7::timestamptz[]) WITH ORDINALITY
        AS m(record_id, account_id, institution_code, branch, cohort, student_number, matched_at,
             ord)
), known AS (
    INSERT INTO records (record_id, institution_code, branch, cohort, student_number)
    SELECT DISTINCT ON (record_id) record_id, institution_code, branch, cohort, student_number
    FROM matched ORDER BY record_id, ord DESC
    ON CONFLICT (record_id) DO UPDATE SET
        institution_code = EXCLUDED.institution_code, branch = EXCLUDED.branch,
        cohort = COALESCE(EXCLUDED.cohort, records.cohort),
        student_number = COALESCE(EXCLUDED.student_number, records.student_number),
        updated_at = now()
    -- a match of a record already kept from its import changes nothing: no new row version
    WHERE (records.institution_code, records.branch, records.cohort, records.student_number)
        IS DISTINCT FROM (EXCLUDED.institution_code, EXCLUDED.branch,
                          COALESCE(EXCLUDED.cohort, records.cohort),
                          COALESCE(EXCLUDED.student_number, records.student_number))
)
INSERT INTO record_owners (record_id, account_id, matched_at)
SELECT record_id, account_id, matched_at FROM matched ORDER BY ord
ON CONFLICT DO NOTHING
"""


async def add_matches(conn: DbConnection, matches: Sequence[Match]) -> None:
    """Many matches in one statement, as one by one would leave them: each record's fields
    from its last match (a match only fills what a full record event left empty), each
    (record, account) pair from its first."""
    if not matches:
        return
    await conn.execute(
        _MATCHED,
        *(list(column) for column in zip(*matches, strict=True)),
    )


async def remove_owners(conn: DbConnection, removals: Sequence[tuple[str, list[str]]]) -> None:
    """Drop the given matches of each account, or all of its matches when none are named."""
    pairs: list[tuple[uuid.UUID, uuid.UUID | None]] = []
    for account_id, record_ids in removals:
        account = uuid.UUID(account_id)
        pairs += [(account, uuid.UUID(r)) for r in record_ids] if record_ids else [(account, None)]
    if not pairs:
        return
    await conn.execute(
        "DELETE FROM record_owners o"
        " USING unnest($1::uuid[], $2::uuid[]) AS d(account_id, record_id)"
        " WHERE o.account_id = d.account_id"
        " AND (d.record_id IS NULL OR o.record_id = d.record_id)",
        [a for a, _ in pairs],
        [r for _, r in pairs],
    )


async def owners(conn: DbConnection, record_id: uuid.UUID) -> list[str]:
    rows = await conn.fetch(
        "SELECT account_id FROM record_owners WHERE record_id = $1 ORDER BY matched_at",
        record_id,
    )
    return [str(r["account_id"]) for r in rows]


async def confirm_until(
    conn: DbConnection, institution_code: str, cohort: str | None
) -> datetime | None:
    if cohort is None:
        return None
    value: datetime | None = await conn.fetchval(
        "SELECT confirm_until FROM windows WHERE institution_code = $1 AND cohort = $2",
        institution_code,
        cohort,
    )
    return value


async def set_window(
    conn: DbConnection,
    institution_code: str,
    cohort: str,
    *,
    confirm_until: datetime,
    recheck_from: datetime | None,
    recheck_until: datetime | None,
    set_by: str | None,
) -> None:
    await conn.execute(
        """INSERT INTO windows (institution_code, cohort, confirm_until, recheck_from,
                                recheck_until, set_by)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (institution_code, cohort) DO UPDATE SET
               confirm_until = EXCLUDED.confirm_until,
               recheck_from = COALESCE(EXCLUDED.recheck_from, windows.recheck_from),
               recheck_until = COALESCE(EXCLUDED.recheck_until, windows.recheck_until),
               set_by = EXCLUDED.set_by, updated_at = now()""",
        institution_code,
        cohort,
        confirm_until,
        recheck_from,
        recheck_until,
        uuid.UUID(set_by) if set_by else None,
    )
