"""SQL of errata."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
from jiaodui_runtime.db import DbConnection


async def insert(
    conn: DbConnection,
    *,
    erratum_id: uuid.UUID,
    record: asyncpg.Record | dict[str, Any],
    account_id: str | None,
    filed_by: str,
    filed_by_role: str,
    items: list[dict[str, Any]],
    note: str | None,
    filed_at: datetime,
    origin: str = "form",
) -> bool:
    """False when the record already has an open erratum (the partial unique index)."""
    inserted = await conn.fetchval(
        """INSERT INTO errata (erratum_id, record_id, institution_code, branch, cohort,
                               account_id, filed_by, filed_by_role, items, note, status,
                               filed_at, origin)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'filed', $11, $12)
           ON CONFLICT (record_id) WHERE status IN ('filed', 'approved') DO NOTHING
           RETURNING true""",
        erratum_id,
        record["record_id"],
        record["institution_code"],
        record["branch"],
        record["cohort"],
        uuid.UUID(account_id) if account_id else None,
        uuid.UUID(filed_by),
        filed_by_role,
        items,
        note,
        filed_at,
        origin,
    )
    return bool(inserted)


async def get(
    conn: DbConnection, erratum_id: uuid.UUID, *, for_update: bool = False
) -> asyncpg.Record | None:
    lock = " FOR UPDATE" if for_update else ""
    return await conn.fetchrow(f"SELECT * FROM errata WHERE erratum_id = $1{lock}", erratum_id)  # noqa: S608


async def open_for_record(
    conn: DbConnection, record_id: uuid.UUID, *, for_update: bool = False
) -> asyncpg.Record | None:
    lock = " FOR UPDATE" if for_update else ""
    return await conn.fetchrow(
        f"SELECT * FROM errata WHERE record_id = $1 AND status IN ('filed', 'approved'){lock}",  # noqa: S608
        record_id,
    )


async def set_items(
    conn: DbConnection,
    erratum_id: uuid.UUID,
    items: list[dict[str, Any]],
    *,
    note: str | None = None,
    origin: str | None = None,
) -> None:
    await conn.execute(
        "UPDATE errata SET items = $2, note = COALESCE($3, note), origin = COALESCE($4, origin)"
        " WHERE erratum_id = $1",
        erratum_id,
        items,
        note,
        origin,
    )


async def decide(
    conn: DbConnection,
    erratum_id: uuid.UUID,
    *,
    status: str,
    decided_by: str,
    decided_at: datetime,
    reason: str | None,
    pending_parts: list[str],
) -> None:
    await conn.execute(
        "UPDATE errata SET status = $2, decided_by = $3, decided_at = $4, reason = $5,"
        " pending_parts = $6 WHERE erratum_id = $1",
        erratum_id,
        status,
        uuid.UUID(decided_by),
        decided_at,
        reason,
        pending_parts,
    )


async def set_pending(
    conn: DbConnection, erratum_id: uuid.UUID, parts: list[str], applied_at: datetime | None
) -> None:
    await conn.execute(
        "UPDATE errata SET pending_parts = $2, applied_at = $3,"
        " status = CASE WHEN $3::timestamptz IS NULL THEN status ELSE 'applied' END"
        " WHERE erratum_id = $1",
        erratum_id,
        parts,
        applied_at,
    )


_VIEW = """SELECT e.*, r.fields->>'name' AS student_name,
       COALESCE(r.fields->>'student_number', r.student_number) AS student_number,
       r.fields->>'class_name' AS class_name
  FROM errata e LEFT JOIN records r USING (record_id)"""
"""An erratum with what the record replica says of its student (None until known)."""
_FILTERS = """($1::text IS NULL OR e.institution_code = $1)
   AND ($2::text IS NULL OR e.branch = $2)
   AND ($3::text IS NULL OR r.fields->>'class_name' = $3)
   AND ($4::text IS NULL OR starts_with(r.fields->>'name', $4)
        OR starts_with(COALESCE(r.fields->>'student_number', r.student_number), $4))
   AND ($5::timestamptz IS NULL OR e.filed_at > $5)"""


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """The office's filters, scope already applied; every one optional."""

    institution_code: str | None = None
    college: str | None = None
    class_name: str | None = None
    q: str | None = None  # the beginning of the student's name or student number
    filed_after: datetime | None = None

    @property
    def args(self) -> tuple[object, ...]:
        return (self.institution_code, self.college, self.class_name, self.q, self.filed_after)


async def read(conn: DbConnection, erratum_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(f"{_VIEW} WHERE e.erratum_id = $1", erratum_id)


async def queue(
    conn: DbConnection, where: QueueFilter, *, status: str | None, limit: int, offset: int
) -> list[asyncpg.Record]:
    """Oldest first."""
    return await conn.fetch(
        f"""{_VIEW} WHERE {_FILTERS} AND ($6::text IS NULL OR e.status = $6)
            ORDER BY e.filed_at, e.erratum_id LIMIT $7 OFFSET $8""",
        *where.args,
        status,
        limit,
        offset,
    )


async def counts(conn: DbConnection, where: QueueFilter) -> dict[str, int]:
    """How many errata of each status pass the filters."""
    rows = await conn.fetch(
        f"""SELECT e.status, count(*) AS n FROM errata e LEFT JOIN records r USING (record_id)
            WHERE {_FILTERS} GROUP BY e.status""",  # noqa: S608
        *where.args,
    )
    return {r["status"]: int(r["n"]) for r in rows}


async def of_account(conn: DbConnection, account_id: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"{_VIEW} WHERE e.account_id = $1 ORDER BY e.filed_at DESC",
        uuid.UUID(account_id),
    )
