"""The aggregate behind the progress gauges (photos_slots), from the progress counts."""

from __future__ import annotations

import asyncpg
from jiaodui_runtime.db import DbConnection

# Per (institution, college, kind, status) for the photos_slots gauge, missing included.
_SLOT_COUNTS = """
WITH c AS MATERIALIZED (
    SELECT institution_code, branch, kind, status, sum(n)::bigint AS n FROM progress_now
    GROUP BY 1, 2, 3, 4
), g AS (
    SELECT institution_code, branch, n AS records FROM c
    WHERE kind = '' AND status = 'records' AND n > 0
)
SELECT g.institution_code, g.branch, k.kind, 'missing' AS status,
       (g.records - coalesce(sum(c.n), 0))::bigint AS n
FROM g CROSS JOIN (VALUES ('graduation'), ('admission')) AS k (kind)
LEFT JOIN c ON c.institution_code = g.institution_code AND c.branch = g.branch
    AND c.kind = k.kind
GROUP BY g.institution_code, g.branch, k.kind, g.records
UNION ALL
SELECT c.institution_code, c.branch, c.kind, c.status, c.n
FROM c JOIN g USING (institution_code, branch)
WHERE c.kind IN ('graduation', 'admission') AND c.n > 0
"""


async def slot_counts(conn: DbConnection) -> list[asyncpg.Record]:
    """Photo slots per institution, college (branch), kind and status; a record without a
    photo of a kind counts as ``missing`` (as GET /v1/stats counts them)."""
    return await conn.fetch(_SLOT_COUNTS)
