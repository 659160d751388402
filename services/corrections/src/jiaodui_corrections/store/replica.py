"""The local replica of records (from records.events), their owners, and the windows."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
from jiaodui_runtime.db import DbConnection


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


async def record(conn: DbConnection, record_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM records WHERE record_id = $1", record_id)


async def add_owner(
    conn: DbConnection, record_id: str, account_id: str, matched_at: datetime
) -> None:
    await conn.execute(
        "INSERT INTO record_owners (record_id, account_id, matched_at) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING",
        uuid.UUID(record_id),
        uuid.UUID(account_id),
        matched_at,
    )


async def remove_owner(conn: DbConnection, account_id: str, record_ids: list[str]) -> None:
    """Drop the given matches of the account, or all of them when none are named."""
    if record_ids:
        await conn.execute(
            "DELETE FROM record_owners WHERE account_id = $1 AND record_id = ANY($2::uuid[])",
            uuid.UUID(account_id),
            [uuid.UUID(r) for r in record_ids],
        )
    else:
        await conn.execute("DELETE FROM record_owners WHERE account_id = $1", uuid.UUID(account_id))


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
