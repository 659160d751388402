"""photos' background loops.

Deadline reminders: every instance runs the loop; the reminders table's key makes each
(record, stage) go out once, however many instances claim at the same moment.
Progress gauges: every instance refreshes its own photos_slots from the progress counts;
the values are the same everywhere, and dashboards take ``max by`` over the instances.
Progress counts: every instance tries to fold the deltas the triggers wrote; one at a time does.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
from jiaodui_contracts.photos import DeadlineReminderDue
from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.metrics import replace_gauge
from jiaodui_runtime.outbox import add_many_to_outbox
from jiaodui_runtime.service import ServiceRuntime
from jiaodui_runtime.workqueue import run_queue_workers

from jiaodui_photos.adapters.face_checks import FaceCheckPool
from jiaodui_photos.checks.settings import CheckSettings
from jiaodui_photos.domain.windows import reminder_stage
from jiaodui_photos.metrics import PHOTO_CHECK_QUEUE, PHOTO_SLOTS, slot_rows, slot_values
from jiaodui_photos.service_layer.checks import check_queued
from jiaodui_photos.state import SOURCE, Photos
from jiaodui_photos.store import checks as checks_store
from jiaodui_photos.store import progress as progress_store
from jiaodui_photos.store import reminders as store

_log = get_logger(__name__)


async def send_due_reminders(
    pool: asyncpg.Pool, *, now: datetime, first_days: float, last_days: float
) -> int:
    """Queue DeadlineReminderDue for every owed (record, stage); returns how many."""
    sent = 0
    async with pool.acquire() as conn:
        closing = await store.windows_closing(conn, now=now, horizon_days=first_days)
        for window in closing:
            stage = reminder_stage(
                window["confirm_until"], now, first_days=first_days, last_days=last_days
            )
            if stage is None:
                continue
            async with conn.transaction():
                rows = await store.claim_reminders(
                    conn,
                    institution_code=window["institution_code"],
                    cohort=window["cohort"],
                    stage=stage,
                )
                events = [
                    DeadlineReminderDue(
                        record_id=str(r["record_id"]),
                        institution_code=r["institution_code"],
                        branch=r["branch"],
                        account_id=str(r["account_id"]),
                        cohort=r["cohort"],
                        pending_kinds=list(r["pending_kinds"]),
                        confirm_until=window["confirm_until"],
                        stage=stage,
                        due_on=now.date(),
                    )
                    for r in rows
                ]
                if events:
                    await add_many_to_outbox(conn, list(events), source=SOURCE)
            sent += len(events)
    return sent


async def reminders(rt: ServiceRuntime) -> None:
    ph: Photos = rt.state
    s = ph.settings
    while True:
        try:
            sent = await send_due_reminders(
                rt.pool,
                now=datetime.now(UTC),
                first_days=s.reminder_first_days,
                last_days=s.reminder_last_days,
            )
            if sent:
                _log.info("deadline_reminders_queued", count=sent)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            _log.warning("reminders_failed", error=repr(exc))
        await asyncio.sleep(s.reminder_interval_s)


async def slot_metrics(rt: ServiceRuntime) -> None:
    ph: Photos = rt.state
    while True:
        try:
            async with rt.pool.acquire() as conn:
                rows = await progress_store.progress(conn, institution_code=None, college=None)
                queued = await checks_store.queued_count(conn)
            replace_gauge(PHOTO_SLOTS, slot_values(slot_rows(rows)))
            PHOTO_CHECK_QUEUE.set(queued)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            _log.warning("slot_metrics_failed", error=repr(exc))
        await asyncio.sleep(ph.settings.slot_metrics_interval_s)


async def progress_fold(rt: ServiceRuntime) -> None:
    """Fold the progress deltas into the counts (store.progress): every instance tries, one
    at a time folds. Readers are exact without it; it keeps what they sum small."""
    ph: Photos = rt.state
    while True:
        try:
            async with rt.pool.acquire() as conn:
                await progress_store.fold(conn)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            _log.warning("progress_fold_failed", error=repr(exc))
        await asyncio.sleep(ph.settings.progress_fold_interval_s)


async def photo_checks(rt: ServiceRuntime) -> None:
    """The machine checks' workers: ``checker_workers`` processes, each fed by its own loop
    that claims ``checker_batch`` queued checks at a time (the queue is the back-pressure:
    a batch of thousands waits there, requests are not slowed by it)."""
    ph: Photos = rt.state
    s = ph.settings
    if s.checker_workers <= 0:
        return
    check_settings = CheckSettings()
    pool = FaceCheckPool(check_settings, workers=s.checker_workers, niceness=s.checker_niceness)

    async def drain() -> int:
        return await check_queued(ph, pool.analyse, limit=s.checker_batch, settings=check_settings)

    try:
        await run_queue_workers(
            dsn=s.database_url,
            channel=checks_store.CHANNEL,
            drain=drain,
            concurrency=s.checker_workers,
            poll_interval_s=s.checker_poll_interval_s,
            wakers=rt.wakers,
        )
    finally:
        pool.close()
