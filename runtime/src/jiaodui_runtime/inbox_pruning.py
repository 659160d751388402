"""Forget inbox rows once Kafka can no longer deliver their events again.

The inbox drops an event a consumer has already applied: redelivered after a lost offset
commit, a rebalance, a consumer group reset to the earliest offset, or a DLQ replay. Each of
those can only bring back an event still in a topic, so a row older than the topics'
retention (two weeks in deploy/k8s, seven days for the local broker) guards nothing and
only grows the table and its key (3.3 M rows in photos' inbox after the benches).
``inbox_retention_s`` must stay longer than the retention of every topic a service
consumes, dead-letter topics included.

Rows go in short transactions of ``batch`` rows (no long lock, no burst of WAL), locked
with SKIP LOCKED so that two instances of a service prune side by side without waiting on
each other.
"""

from __future__ import annotations

import asyncio

import asyncpg

from jiaodui_runtime import metrics
from jiaodui_runtime.logging import get_logger

_log = get_logger(__name__)

_PRUNE = """
DELETE FROM inbox WHERE ctid = ANY(ARRAY(
    SELECT ctid FROM inbox WHERE processed_at < now() - make_interval(secs => $1)
    LIMIT $2 FOR UPDATE SKIP LOCKED))
"""


async def prune_inbox(pool: asyncpg.Pool, *, older_than_s: float, batch: int = 10_000) -> int:
    """Delete the inbox rows processed more than ``older_than_s`` ago; how many went."""
    pruned = 0
    while True:
        async with pool.acquire() as conn:
            status = await conn.execute(_PRUNE, older_than_s, batch)
        gone = int(status.split()[-1])
        pruned += gone
        if gone < batch:
            break
        await asyncio.sleep(0)  # other work of the loop between two batches
    if pruned:
        metrics.INBOX_PRUNED.inc(pruned)
    return pruned


async def keep_pruning_inbox(pool: asyncpg.Pool, *, retention_s: float, interval_s: float) -> None:
    """Prune every ``interval_s`` until cancelled; a failed pass is tried at the next."""
    while True:
        try:
            pruned = await prune_inbox(pool, older_than_s=retention_s)
            if pruned:
                _log.info("inbox_pruned", rows=pruned, older_than_s=retention_s)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database is away: the next pass prunes what is due
            _log.warning("inbox_prune_failed", error=repr(exc))
        await asyncio.sleep(interval_s)
