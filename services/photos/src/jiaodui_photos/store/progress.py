"""Progress counts kept by the database (migration 0006): read, and folded.

Triggers write a delta row wherever a record or a slot changes; ``progress_now`` sums the
folded counts and the deltas not yet folded, so a read is exact and costs the number of
classes in scope, not the number of records.
"""

from __future__ import annotations

import asyncpg
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.filters import where

# Per (institution, college, class) with records, both kinds: missing = records - slots.
_GROUPS = """
WITH c AS MATERIALIZED (SELECT * FROM progress_now WHERE {scope}),
g AS (SELECT institution_code, branch, class_name, n AS records FROM c
      WHERE kind = '' AND status = 'records' AND n > 0)
SELECT g.institution_code, g.branch AS college, g.class_name, k.kind,
       (g.records - coalesce(sum(c.n), 0))::bigint AS missing,
       coalesce(sum(c.n) FILTER (WHERE c.status = 'pending'), 0)::bigint AS pending,
       coalesce(sum(c.n) FILTER (WHERE c.status = 'confirmed'), 0)::bigint AS confirmed,
       coalesce(sum(c.n) FILTER (WHERE c.status = 'disputed'), 0)::bigint AS disputed
FROM g CROSS JOIN (VALUES ('graduation'), ('admission')) AS k (kind)
LEFT JOIN c ON c.institution_code = g.institution_code AND c.branch = g.branch
    AND c.class_name = g.class_name AND c.kind = k.kind
GROUP BY g.institution_code, g.branch, g.class_name, k.kind, g.records
ORDER BY 1, 2, 3, 4
"""


async def progress(
    conn: DbConnection, *, institution_code: str | None, college: str | None
) -> list[asyncpg.Record]:
    """Counts per institution, college (branch), class ('' for none) and kind: missing,
    pending, confirmed, disputed. One statement per scope shape (see jiaodui_runtime.filters)."""
    scope = where({"institution_code = $?": institution_code, "branch = $?": college})
    return await conn.fetch(_GROUPS.format(scope=scope.sql), *scope.args)


# One folder at a time (the others skip their turn): counter rows are written by the
# folder alone, so no answer ever waits on one, and two folders cannot deadlock.
_FOLD_LOCK = "SELECT pg_try_advisory_xact_lock(hashtext('photos-progress-fold'))"
_FOLD = """
WITH folded AS (DELETE FROM progress_deltas RETURNING *)
INSERT INTO progress_counts AS p (institution_code, branch, class_name, kind, status, n)
SELECT institution_code, branch, class_name, kind, status, sum(n) FROM folded
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (institution_code, branch, class_name, kind, status)
DO UPDATE SET n = p.n + EXCLUDED.n
"""


async def fold(conn: DbConnection) -> int:
    """Move the committed deltas into the counts, in one transaction (readers see either
    both before or both after); how many counter rows it touched (0: another folder's turn)."""
    async with conn.transaction():
        if not await conn.fetchval(_FOLD_LOCK):
            return 0
        status: str = await conn.execute(_FOLD)
    return int(status.split()[-1])
