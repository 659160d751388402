"""Read models: the student's photos, one image's access facts, staff lists."""

from __future__ import annotations

import uuid

import asyncpg
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.filters import where


async def owned_records(conn: DbConnection, account_id: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT o.record_id, o.institution_code, o.cohort, w.confirm_until, w.recheck_from,"
        " w.recheck_until FROM record_owners o LEFT JOIN windows w"
        " ON w.institution_code = o.institution_code AND w.cohort = o.cohort"
        " WHERE o.account_id = $1 ORDER BY o.cohort, o.record_id",
        uuid.UUID(account_id),
    )


async def slots_of(conn: DbConnection, record_ids: list[uuid.UUID]) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT record_id, kind, photo_id, status, answered_at, check_state FROM photo_slots"
        " WHERE record_id = ANY($1::uuid[])",
        record_ids,
    )


async def image_facts(conn: DbConnection, photo_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT p.blob_key, p.institution_code, p.record_id, r.branch, o.account_id"
        " FROM photos p LEFT JOIN records r ON r.record_id = p.record_id"
        " LEFT JOIN record_owners o ON o.record_id = p.record_id WHERE p.photo_id = $1",
        photo_id,
    )


async def unlinked_count(conn: DbConnection, *, institution_code: str | None) -> int:
    """Photos waiting for their record (index photos_unlinked_recent); one statement per
    shape, so that a generic plan keeps the institution in the index condition."""
    scope = where({"institution_code = $?": institution_code})
    count: int = await conn.fetchval(
        f"SELECT count(*) FROM photos WHERE record_id IS NULL AND {scope.sql}",  # noqa: S608
        *scope.args,
    )
    return count


async def record_with_window(conn: DbConnection, record_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT r.record_id, r.institution_code, r.branch, r.cohort, w.confirm_until,"
        " w.recheck_from, w.recheck_until FROM records r LEFT JOIN windows w"
        " ON w.institution_code = r.institution_code AND w.cohort = r.cohort"
        " WHERE r.record_id = $1",
        record_id,
    )


async def windows(conn: DbConnection, *, institution_code: str | None) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT institution_code, cohort, confirm_until, recheck_from, recheck_until"
        " FROM windows WHERE ($1::text IS NULL OR institution_code = $1)"
        " ORDER BY institution_code, cohort DESC",
        institution_code,
    )


# A page of batches first, then each one's file counts (a file's status as batch_view
# derives it: no photo is invalid, a photo with a record linked, else unlinked).
_BATCH_PAGE = """
WITH page AS (
    SELECT * FROM batches WHERE ($1::text IS NULL OR institution_code = $1)
    ORDER BY created_at DESC, batch_id LIMIT $2 OFFSET $3
)
SELECT page.*, c.processed, c.linked, c.unlinked, c.invalid
FROM page CROSS JOIN LATERAL (
    SELECT count(*) AS processed,
           count(*) FILTER (WHERE f.photo_id IS NULL) AS invalid,
           count(*) FILTER (WHERE p.record_id IS NOT NULL) AS linked,
           count(*) FILTER (WHERE f.photo_id IS NOT NULL AND p.record_id IS NULL) AS unlinked
    FROM batch_files f LEFT JOIN photos p USING (photo_id)
    WHERE f.batch_id = page.batch_id
) c
ORDER BY page.created_at DESC, page.batch_id
"""


async def batch_page(
    conn: DbConnection, *, institution_code: str | None, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    rows = await conn.fetch(_BATCH_PAGE, institution_code, limit, offset)
    total: int = await conn.fetchval(
        "SELECT count(*) FROM batches WHERE ($1::text IS NULL OR institution_code = $1)",
        institution_code,
    )
    return rows, total


async def unlinked_page(
    conn: DbConnection, *, institution_code: str, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    """Unlinked photos of an institution, newest first (index photos_unlinked_recent)."""
    rows = await conn.fetch(
        "SELECT photo_id, batch_id, institution_code, file, kind, created_at, manifest_name,"
        " student_number, id_number_masked, code_record_id IS NOT NULL AS by_code,"
        " unlinked_reason FROM photos WHERE record_id IS NULL AND institution_code = $1"
        " ORDER BY seq DESC LIMIT $2 OFFSET $3",
        institution_code,
        limit,
        offset,
    )
    return rows, await unlinked_count(conn, institution_code=institution_code)
