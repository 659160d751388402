"""Imports: their state, progress (committed with each batch) and the errors kept."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg
from jiaodui_runtime.db import DbConnection

from jiaodui_records.domain.rows import RowError


async def create(
    conn: DbConnection,
    import_id: uuid.UUID,
    *,
    submitted_by: uuid.UUID,
    institution_code: str | None,
    fmt: str,
    path: str,
    size: int,
) -> None:
    await conn.execute(
        "INSERT INTO imports (import_id, submitted_by, institution_code, format, path, status,"
        " bytes) VALUES ($1, $2, $3, $4, $5, 'pending', $6)",
        import_id,
        submitted_by,
        institution_code,
        fmt,
        path,
        size,
    )


async def get(conn: DbConnection, import_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM imports WHERE import_id = $1", import_id)


async def unfinished(conn: DbConnection) -> list[uuid.UUID]:
    rows = await conn.fetch(
        "SELECT import_id FROM imports WHERE status IN ('pending', 'running') ORDER BY received_at"
    )
    return [r["import_id"] for r in rows]


async def set_status(
    conn: DbConnection, import_id: uuid.UUID, status: str, failure: str | None = None
) -> None:
    await conn.execute(
        "UPDATE imports SET status = $2, failure = $3,"
        " finished_at = CASE WHEN $2 IN ('done', 'failed') THEN now() END,"
        " bytes_done = CASE WHEN $2 = 'done' THEN bytes ELSE bytes_done END WHERE import_id = $1",
        import_id,
        status,
        failure,
    )


async def advance(
    conn: DbConnection,
    import_id: uuid.UUID,
    *,
    lines_done: int,
    total: int,
    accepted: int,
    rejected: int,
    created: int,
    changed: int,
    errors: int,
    bytes_done: int,
    resume_at: tuple[int, int] | None = None,
) -> None:
    """Add one batch's counts; committed with the batch, so a resumed import goes on
    (from ``resume_at``, byte offset and line number, when given)."""
    offset, line = resume_at or (None, None)
    await conn.execute(
        "UPDATE imports SET lines_done = $2, total = total + $3, accepted = accepted + $4,"
        " rejected = rejected + $5, created = created + $6, changed = changed + $7,"
        " errors_total = errors_total + $8, bytes_done = greatest(bytes_done, $9),"
        " resume_offset = COALESCE($10, resume_offset), resume_line = COALESCE($11, resume_line)"
        " WHERE import_id = $1",
        import_id,
        lines_done,
        total,
        accepted,
        rejected,
        created,
        changed,
        errors,
        bytes_done,
        offset,
        line,
    )


async def count_errors(conn: DbConnection, import_id: uuid.UUID) -> int:
    found = await conn.fetchval(
        "SELECT count(*) FROM import_errors WHERE import_id = $1", import_id
    )
    return int(found or 0)


async def add_errors(conn: DbConnection, import_id: uuid.UUID, errors: Sequence[RowError]) -> None:
    if errors:
        await conn.copy_records_to_table(
            "import_errors",
            columns=["import_id", "line", "field", "code"],
            records=[(import_id, e.line, e.field, e.code) for e in errors],
        )


async def errors(
    conn: DbConnection, import_id: uuid.UUID, *, limit: int, offset: int = 0
) -> list[asyncpg.Record]:
    return list(
        await conn.fetch(
            "SELECT line, field, code FROM import_errors WHERE import_id = $1"
            " ORDER BY line, field LIMIT $2 OFFSET $3",
            import_id,
            limit,
            offset,
        )
    )


async def recent(
    conn: DbConnection, *, institution_code: str | None, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    """Newest first; one institution's, or every import (``None``: an admin's view)."""
    rows = await conn.fetch(
        "SELECT *, count(*) OVER () AS matching FROM imports"
        " WHERE ($1::text IS NULL OR institution_code = $1)"
        " ORDER BY received_at DESC, import_id LIMIT $2 OFFSET $3",
        institution_code,
        limit,
        offset,
    )
    if rows:
        return list(rows), int(rows[0]["matching"])
    total = await conn.fetchval(
        "SELECT count(*) FROM imports WHERE ($1::text IS NULL OR institution_code = $1)",
        institution_code,
    )
    return [], int(total or 0)
