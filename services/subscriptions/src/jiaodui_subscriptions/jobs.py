"""Background work: the webhook workers (the runtime's queue workers) and housekeeping."""

from __future__ import annotations

import asyncio

from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.service import ServiceRuntime
from jiaodui_runtime.workqueue import run_queue_workers

from jiaodui_subscriptions import metrics
from jiaodui_subscriptions.service_layer.delivering import deliver_due, disable_failing
from jiaodui_subscriptions.state import Subscriptions
from jiaodui_subscriptions.store import events
from jiaodui_subscriptions.store.deliveries import WAKE_CHANNEL

_log = get_logger(__name__)


async def deliver(rt: ServiceRuntime) -> None:
    subs: Subscriptions = rt.state
    s = subs.settings

    async def drain() -> int:
        return await deliver_due(rt.pool, subs)

    await run_queue_workers(
        dsn=s.database_url,
        channel=WAKE_CHANNEL,
        drain=drain,
        concurrency=s.delivery_concurrency,
        poll_interval_s=s.delivery_poll_interval_s,
        wakers=rt.wakers,
    )


async def housekeeping(rt: ServiceRuntime) -> None:
    """Disable endpoints failing past the limit (the last retry of an event may come well
    before it); drop events and settled deliveries past the retention; refresh the gauges."""
    subs: Subscriptions = rt.state
    while True:
        try:
            await disable_failing(rt.pool, subs)
            async with rt.pool.acquire() as conn:
                pruned = await events.prune(conn, older_than_s=subs.settings.retention_s)
                row = await conn.fetchrow(
                    "SELECT count(*) AS pending, extract(epoch FROM now() - min(next_attempt_at)"
                    " FILTER (WHERE next_attempt_at <= now())) AS oldest FROM deliveries"
                    " WHERE status = 'pending'"
                )
                disabled = await conn.fetchval(
                    "SELECT count(*) FROM subscribers WHERE NOT enabled AND deleted_at IS NULL"
                )
            assert row is not None
            metrics.WEBHOOK_PENDING.set(row["pending"])
            metrics.WEBHOOK_OLDEST_DUE_AGE.set(float(row["oldest"] or 0))
            metrics.WEBHOOK_DISABLED.set(disabled)
            if pruned:
                _log.info("events_pruned", count=pruned)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            _log.warning("housekeeping_failed", error=repr(exc))
        await asyncio.sleep(subs.settings.housekeeping_interval_s)
