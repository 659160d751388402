"""A database table used as a work queue: workers woken by NOTIFY, polling as a fallback.

The table's producer inserts due rows and calls :func:`wake` in the same transaction (a
NOTIFY at its commit, or, in this process, a wake after it: :mod:`jiaodui_runtime.wakes`);
:func:`run_queue_workers` keeps one LISTEN connection and ``concurrency`` workers that call
``drain`` until it reports no work. ``drain`` claims rows with ``FOR UPDATE SKIP LOCKED``
(see :func:`claim_due`), so every instance of a service may run the workers: a row is
worked by one of them at a time, and a retry that comes due is picked up by whoever polls
first. Used by notify (mail and SMS), subscriptions (webhooks) and photos (machine checks).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence

import asyncpg

from jiaodui_runtime.db import DbConnection, connect
from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.wakes import Wakers, wake_at_commit

__all__ = ["claim_due", "claim_due_many", "run_queue_workers", "wake"]

_log = get_logger(__name__)


async def wake(conn: DbConnection, channel: str) -> None:
    """Wake the workers of ``channel`` when the surrounding transaction commits."""
    await wake_at_commit(conn, channel)


async def claim_due(
    conn: DbConnection,
    *,
    table: str,
    columns: Sequence[str],
    where: str = "TRUE",
    args: Sequence[object] = (),
    due_column: str = "next_attempt_at",
    status_column: str = "status",
) -> asyncpg.Record | None:
    """Lock one due pending row for the caller's transaction (others skip it), oldest due
    first. ``where`` narrows it further with ``$1``... placeholders for ``args``; names come
    from code, never from input."""
    rows = await claim_due_many(
        conn, table=table, columns=columns, limit=1, where=where, args=args,
        due_column=due_column, status_column=status_column,
    )  # fmt: skip
    return rows[0] if rows else None


async def claim_due_many(
    conn: DbConnection,
    *,
    table: str,
    columns: Sequence[str],
    limit: int,
    where: str = "TRUE",
    args: Sequence[object] = (),
    due_column: str = "next_attempt_at",
    status_column: str = "status",
) -> list[asyncpg.Record]:
    """Up to ``limit`` due pending rows locked for the caller's transaction, as
    :func:`claim_due` locks one."""
    if not conn.is_in_transaction():
        raise RuntimeError("claim_due needs the caller's transaction")
    return list(
        await conn.fetch(
            f"SELECT {', '.join(columns)} FROM {table}"  # noqa: S608 - names from code
            f" WHERE {status_column} = 'pending' AND {due_column} <= now() AND ({where})"
            f" ORDER BY {due_column} LIMIT {int(limit)} FOR UPDATE SKIP LOCKED",
            *args,
        )
    )


def _setter(event: asyncio.Event) -> Callable[..., None]:
    return lambda *_: event.set()


async def _listen(dsn: str, channel: str, wakeup: asyncio.Event) -> None:
    """Keep a LISTEN connection; any notification (or a lost connection) wakes the workers."""
    while True:
        try:
            conn = await connect(dsn)
        except Exception as exc:
            _log.warning("queue_listener_unavailable", channel=channel, error=repr(exc))
            await asyncio.sleep(2.0)
            continue
        lost = asyncio.Event()
        try:
            conn.add_termination_listener(_setter(lost))
            await conn.add_listener(channel, lambda *_: wakeup.set())
            await lost.wait()
            wakeup.set()  # notifications may have been missed: look at the queue now
        finally:
            with contextlib.suppress(Exception):
                await conn.close()


async def _worker(
    channel: str,
    drain: Callable[[], Awaitable[int]],
    wakeup: asyncio.Event,
    poll_s: float,
    wakers: Wakers | None,
) -> None:
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wakeup.wait(), timeout=poll_s)
        wakeup.clear()
        try:
            while True:
                # what a pass queues or publishes wakes its workers and the relay once the
                # pass's transaction committed (jiaodui_runtime.wakes)
                with wakers.after_commit() if wakers else contextlib.nullcontext():
                    if not await drain():
                        break
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            _log.warning("queue_pass_failed", channel=channel, error=repr(exc))


async def run_queue_workers(
    *,
    dsn: str,
    channel: str,
    drain: Callable[[], Awaitable[int]],
    concurrency: int = 1,
    poll_interval_s: float = 1.0,
    wakers: Wakers | None = None,
) -> None:
    """Run until cancelled: ``concurrency`` workers call ``drain`` (which works a few due
    rows and returns how many) whenever ``channel`` is notified, and every
    ``poll_interval_s`` for retries that came due. With ``wakers`` (the process's), rows
    this process queues wake these workers after their commit, without a NOTIFY
    (:mod:`jiaodui_runtime.wakes`); other instances' workers still hear the NOTIFYs of
    writers outside such a block, and poll."""
    wakeup = asyncio.Event()
    if wakers is not None:
        wakers.register(channel, wakeup.set)
    await asyncio.gather(
        _listen(dsn, channel, wakeup),
        *(
            _worker(channel, drain, wakeup, poll_interval_s, wakers)
            for _ in range(max(1, concurrency))
        ),
    )
