"""Deadline reminders: claimed by a primary key, so each (record, stage) is sent once."""

from __future__ import annotations

from datetime import datetime

import asyncpg
from jiaodui_runtime.db import DbConnection


async def windows_closing(
    conn: DbConnection, *, now: datetime, horizon_days: float
) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT institution_code, cohort, confirm_until FROM windows"
        " WHERE confirm_until > $1 AND confirm_until <= $1 + make_interval(secs => $2)",
        now,
        horizon_days * 86400.0,
    )


async def claim_reminders(
    conn: DbConnection, *, institution_code: str, cohort: str, stage: str
) -> list[asyncpg.Record]:
    """Claim the (record, stage) pairs still owed a reminder; a concurrent instance's claim
    waits on the same keys and then finds them taken (ON CONFLICT DO NOTHING)."""
    return await conn.fetch(
        "WITH owed AS ("
        "  SELECT o.record_id, o.account_id, r.institution_code, r.branch, r.cohort,"
        "         array_agg(s.kind ORDER BY s.kind) AS pending_kinds"
        "  FROM record_owners o JOIN records r USING (record_id)"
        "  JOIN photo_slots s ON s.record_id = o.record_id AND s.status = 'pending'"
        "  WHERE r.institution_code = $1 AND r.cohort = $2"
        "  GROUP BY o.record_id, o.account_id, r.institution_code, r.branch, r.cohort"
        "), claimed AS ("
        "  INSERT INTO reminders (record_id, stage) SELECT record_id, $3 FROM owed"
        "  ON CONFLICT DO NOTHING RETURNING record_id"
        ") SELECT owed.* FROM owed JOIN claimed USING (record_id)",
        institution_code,
        cohort,
        stage,
    )
