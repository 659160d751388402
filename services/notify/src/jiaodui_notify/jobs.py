"""The background sender: the runtime's queue workers over the deliveries table."""

from __future__ import annotations

from jiaodui_runtime.service import ServiceRuntime
from jiaodui_runtime.workqueue import run_queue_workers

from jiaodui_notify.service_layer.sending import send_due
from jiaodui_notify.state import Notify
from jiaodui_notify.store.deliveries import WAKE_CHANNEL


async def deliver(rt: ServiceRuntime) -> None:
    notify: Notify = rt.state
    s = notify.settings

    async def drain() -> int:
        return await send_due(rt.pool, notify, limit=s.delivery_batch_size)

    await run_queue_workers(
        dsn=rt.settings.database_url,
        channel=WAKE_CHANNEL,
        drain=drain,
        concurrency=s.delivery_concurrency,
        poll_interval_s=s.delivery_poll_interval_s,
        wakers=rt.wakers,
    )
