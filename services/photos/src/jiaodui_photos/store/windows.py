"""Confirmation windows per institution and cohort."""

from __future__ import annotations

import uuid

import asyncpg
from jiaodui_runtime.db import DbConnection

from jiaodui_photos.domain.windows import Window


async def put_window(
    conn: DbConnection, *, institution_code: str, cohort: str, window: Window, by: str
) -> None:
    await conn.execute(
        "INSERT INTO windows (institution_code, cohort, confirm_until, recheck_from,"
        " recheck_until, updated_by) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (institution_code, cohort) DO UPDATE SET"
        " confirm_until = EXCLUDED.confirm_until, recheck_from = EXCLUDED.recheck_from,"
        " recheck_until = EXCLUDED.recheck_until, updated_by = EXCLUDED.updated_by,"
        " updated_at = now()",
        institution_code,
        cohort,
        window.confirm_until,
        window.recheck_from,
        window.recheck_until,
        uuid.UUID(by),
    )


def window_of(row: asyncpg.Record) -> Window | None:
    """The window columns of a joined row (None when no window was set)."""
    if row["confirm_until"] is None:
        return None
    return Window(row["confirm_until"], row["recheck_from"], row["recheck_until"])
