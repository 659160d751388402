"""Read models: the student's photos, one image's access facts, progress counts."""

from __future__ import annotations

import uuid

import asyncpg
from jiaodui_runtime.db import DbConnection


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
        "SELECT record_id, kind, photo_id, status, answered_at FROM photo_slots"
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


async def progress(
    conn: DbConnection, *, institution_code: str | None, college: str | None
) -> list[asyncpg.Record]:
    """Counts per institution, college (branch), class and kind."""
    return await conn.fetch(
        "SELECT r.institution_code, r.branch AS college, coalesce(r.class_name, '') AS class_name,"
        " k.kind, count(*) FILTER (WHERE s.status IS NULL) AS missing,"
        " count(*) FILTER (WHERE s.status = 'pending') AS pending,"
        " count(*) FILTER (WHERE s.status = 'confirmed') AS confirmed,"
        " count(*) FILTER (WHERE s.status = 'disputed') AS disputed"
        " FROM records r CROSS JOIN (VALUES ('graduation'), ('admission')) AS k (kind)"
        " LEFT JOIN photo_slots s ON s.record_id = r.record_id AND s.kind = k.kind"
        " WHERE ($1::text IS NULL OR r.institution_code = $1)"
        " AND ($2::text IS NULL OR r.branch = $2)"
        " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
        institution_code,
        college,
    )


async def unlinked_count(conn: DbConnection, *, institution_code: str | None) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM photos WHERE record_id IS NULL"
        " AND ($1::text IS NULL OR institution_code = $1)",
        institution_code,
    )
    return count
