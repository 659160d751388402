"""The background sender: woken by NOTIFY when a delivery is queued, polling as a fallback.

Every instance runs it; rows are claimed with ``SKIP LOCKED``, so instances share
the queue and a retry that comes due is picked up by whoever polls first.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from jiaodui_runtime.db import connect
from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_notify.service_layer.sending import send_due
from jiaodui_notify.state import Notify
from jiaodui_notify.store.deliveries import WAKE_CHANNEL

_log = get_logger(__name__)


def _setter(event: asyncio.Event) -> Callable[..., None]:
    return lambda *_: event.set()


async def _listen(dsn: str, wake: asyncio.Event) -> None:
    """Keep a LISTEN connection; any notification (or a lost connection) wakes the workers."""
    while True:
        try:
            conn = await connect(dsn)
        except Exception as exc:
            _log.warning("delivery_listener_unavailable", error=repr(exc))
            await asyncio.sleep(2.0)
            continue
        lost = asyncio.Event()
        try:
            conn.add_termination_listener(_setter(lost))
            await conn.add_listener(WAKE_CHANNEL, lambda *_: wake.set())
            await lost.wait()
            wake.set()  # notifications may have been missed: look at the queue now
        finally:
            with contextlib.suppress(Exception):
                await conn.close()


async def _worker(rt: ServiceRuntime, wake: asyncio.Event) -> None:
    notify: Notify = rt.state
    s = notify.settings
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=s.delivery_poll_interval_s)
        wake.clear()
        try:
            while await send_due(rt.pool, notify, limit=s.delivery_batch_size):
                pass
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            _log.warning("delivery_pass_failed", error=repr(exc))


async def deliver(rt: ServiceRuntime) -> None:
    notify: Notify = rt.state
    workers = max(1, notify.settings.delivery_concurrency)
    wake = asyncio.Event()
    await asyncio.gather(
        _listen(rt.settings.database_url, wake),
        *(_worker(rt, wake) for _ in range(workers)),
    )
