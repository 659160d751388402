"""corrections' scheduled work: ID scans are deleted a set time after their case closed.

Every instance may run it: rows are claimed with ``FOR UPDATE SKIP LOCKED``, and the
blob is deleted only when no other case (content-addressed storage) still uses it.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import asyncpg
from jiaodui_runtime.blobs import BlobStore
from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_corrections.state import Corrections
from jiaodui_corrections.store import cases, history

_log = get_logger(__name__)


async def purge_scans(pool: asyncpg.Pool, scans: BlobStore, retention: timedelta) -> int:
    """Delete the scans of cases closed longer than ``retention`` ago; return how many."""
    async with pool.acquire() as conn, conn.transaction():
        due = await cases.scans_due(conn, retention)
        for row in due:
            await cases.forget_scan(conn, row["case_id"])
            await history.add(
                conn, row["case_id"], "scan_deleted", actor_id=None, actor_role="system"
            )
            if not await cases.scan_still_used(conn, row["scan_key"]):
                await scans.delete(row["scan_key"])
    return len(due)


async def housekeeping(rt: ServiceRuntime) -> None:
    corr: Corrections = rt.state
    s = corr.settings
    while True:
        try:
            purged = await purge_scans(rt.pool, corr.scans, timedelta(seconds=s.scan_retention_s))
            if purged:
                _log.info("scans_purged", count=purged)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            _log.warning("housekeeping_failed", error=repr(exc))
        await asyncio.sleep(s.housekeeping_interval_s)
