"""The aggregate behind the progress gauges (photos_slots)."""

from __future__ import annotations

import asyncpg
from jiaodui_runtime.db import DbConnection


async def slot_counts(conn: DbConnection) -> list[asyncpg.Record]:
    """Photo slots per institution, college (branch), kind and status; a record without a
    photo of a kind counts as ``missing`` (as GET /v1/stats counts them)."""
    return await conn.fetch(
        "SELECT r.institution_code, r.branch, k.kind, coalesce(s.status, 'missing') AS status,"
        " count(*) AS n"
        " FROM records r CROSS JOIN (VALUES ('graduation'), ('admission')) AS k (kind)"
        " LEFT JOIN photo_slots s ON s.record_id = r.record_id AND s.kind = k.kind"
        " GROUP BY 1, 2, 3, 4"
    )
