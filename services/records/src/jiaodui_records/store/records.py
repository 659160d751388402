"""The roster: bulk upsert through a staging table, reads for the views."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.filters import Where, where

from jiaodui_records.domain.rows import STORED

_COLUMNS = ", ".join(STORED)
_KEY = ("institution_code", "student_number")
_UPDATED = [c for c in STORED if c not in _KEY]
_UPSERT = f"""
INSERT INTO records AS r ({_COLUMNS}, import_id)
SELECT {_COLUMNS}, $1::uuid FROM records_staging
ON CONFLICT (institution_code, student_number) DO UPDATE SET
    {", ".join(f"{c} = EXCLUDED.{c}" for c in _UPDATED)},
    import_id = EXCLUDED.import_id, updated_at = now()
WHERE ({", ".join(f"r.{c}" for c in _UPDATED)})
    IS DISTINCT FROM ({", ".join(f"EXCLUDED.{c}" for c in _UPDATED)})
RETURNING r.*, (r.xmax = 0) AS created
"""  # noqa: S608 - column names are ours
_STAGING = f"""
CREATE TEMP TABLE records_staging ON COMMIT DROP AS
SELECT {_COLUMNS} FROM records WITH NO DATA
"""  # noqa: S608 - column names are ours


async def upsert_batch(
    conn: DbConnection, rows: Sequence[tuple[object, ...]], *, import_id: uuid.UUID
) -> list[asyncpg.Record]:
    """COPY ``rows`` (in STORED order, unique by key) into a staging table and upsert them;
    returns the records created or changed (unchanged rows are left alone)."""
    await conn.execute(_STAGING)
    await conn.copy_records_to_table("records_staging", columns=list(STORED), records=rows)
    return list(await conn.fetch(_UPSERT, import_id))


async def get(conn: DbConnection, record_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM records WHERE record_id = $1", record_id)


async def get_many(conn: DbConnection, record_ids: list[uuid.UUID]) -> dict[str, asyncpg.Record]:
    rows = await conn.fetch("SELECT * FROM records WHERE record_id = ANY($1::uuid[])", record_ids)
    return {str(r["record_id"]): r for r in rows}


async def get_for_update(conn: DbConnection, record_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM records WHERE record_id = $1 FOR UPDATE", record_id)


async def update_fields(
    conn: DbConnection, record_id: uuid.UUID, values: dict[str, Any]
) -> asyncpg.Record | None:
    assigns = ", ".join(f"{column} = ${i}" for i, column in enumerate(values, start=2))
    row: asyncpg.Record | None = await conn.fetchrow(
        f"UPDATE records SET {assigns}, updated_at = now() WHERE record_id = $1 RETURNING *",  # noqa: S608 - column names are ours
        record_id,
        *values.values(),
    )
    return row


async def student_number_taken(
    conn: DbConnection, institution_code: str, student_number: str, record_id: uuid.UUID
) -> bool:
    found = await conn.fetchval(
        "SELECT true FROM records WHERE institution_code = $1 AND student_number = $2"
        " AND record_id <> $3",
        institution_code,
        student_number,
        record_id,
    )
    return bool(found)


async def of_account(conn: DbConnection, account_id: uuid.UUID) -> list[asyncpg.Record]:
    return list(
        await conn.fetch(
            "SELECT r.* FROM matches m JOIN records r USING (record_id)"
            " WHERE m.account_id = $1 ORDER BY r.enrollment_date NULLS LAST, r.record_id",
            account_id,
        )
    )


async def owned_by(conn: DbConnection, record_id: uuid.UUID, account_id: uuid.UUID) -> bool:
    found = await conn.fetchval(
        "SELECT true FROM matches WHERE record_id = $1 AND account_id = $2", record_id, account_id
    )
    return bool(found)


def _filters(
    *,
    institution_code: str,
    college: str | None,
    class_name: str | None,
    q: str | None,
    after: str | None = None,
) -> Where:
    """Only the filters given, one statement per shape (jiaodui_runtime.filters): a college's
    count then reads the college's index range, not the whole institution's."""
    return where(
        {
            "institution_code = $?": institution_code,
            "branch = $?": college,
            "class_name = $?": class_name,
            "starts_with(name, $?) OR starts_with(student_number, $?)": q,
            "student_number > $?": after,
        }
    )


async def page(
    conn: DbConnection,
    *,
    institution_code: str,
    college: str | None,
    class_name: str | None,
    q: str | None = None,
    after: str | None,
    limit: int,
) -> list[asyncpg.Record]:
    """Keyset page in student-number order (unique within an institution); ``q`` is the
    beginning of a name or of a student number."""
    w = _filters(
        institution_code=institution_code, college=college, class_name=class_name, q=q,
        after=after,
    )  # fmt: skip
    return list(
        await conn.fetch(
            f"SELECT * FROM records WHERE {w.sql}"  # noqa: S608 - the filters are ours
            f" ORDER BY student_number LIMIT {w.param()}",
            *w.args,
            limit,
        )
    )


async def count(
    conn: DbConnection,
    *,
    institution_code: str,
    college: str | None,
    class_name: str | None,
    q: str | None = None,
) -> int:
    w = _filters(institution_code=institution_code, college=college, class_name=class_name, q=q)
    found = await conn.fetchval(
        f"SELECT count(*) FROM records WHERE {w.sql}",  # noqa: S608 - the filters are ours
        *w.args,
    )
    return int(found or 0)


_PROGRESS = """
SELECT r.branch, r.class_name, count(*) AS roster,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM matches m
                                      WHERE m.record_id = r.record_id)) AS matched
FROM records r WHERE {scope}
GROUP BY r.branch, r.class_name ORDER BY r.branch, r.class_name NULLS LAST
"""


async def progress(
    conn: DbConnection, *, institution_code: str, college: str | None
) -> list[asyncpg.Record]:
    """Roster size and matched records per college and class."""
    w = where({"r.institution_code = $?": institution_code, "r.branch = $?": college})
    return list(await conn.fetch(_PROGRESS.format(scope=w.sql), *w.args))
