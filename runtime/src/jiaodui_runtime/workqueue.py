"""A database table used as a work queue: workers woken by NOTIFY, polling as a fallback.

The table's producer inserts due rows and runs ``pg_notify(channel, '')`` in the same
transaction; :func:`run_queue_workers` keeps one LISTEN connection and ``concurrency``
workers that call ``drain`` until it reports no work. ``drain`` claims rows with
``FOR UPDATE SKIP LOCKED`` (see :func:`claim_due`), so every instance of a service may run
the workers: a row is worked by one of them at a time, and a retry that comes due is
picked up by whoever polls first. Used by notify (mail and SMS) and subscriptions
(webhooks).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence

import asyncpg

from jiaodui_runtime.db import DbConnection, connect
from jiaodui_runtime.logging import get_logger

__all__ = ["claim_due", "claim_due_many", "run_queue_workers", "wake"]

_log = get_logger(__name__)


async def wake(conn: DbConnection, channel: str) -> None:
    """Wake the workers of ``channel`` when the surrounding transaction commits."""
    await conn.execute("SELECT pg_notify($1, '')", channel)


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
    channel: str, drain: Callable[[], Awaitable[int]], wakeup: asyncio.Event, poll_s: float
) -> None:
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wakeup.wait(), timeout=poll_s)
        wakeup.clear()
        try:
            while await drain():
                pass
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
) -> None:
    """Run until cancelled: ``concurrency`` workers call ``drain`` (which works a few due
    rows and returns how many) whenever ``channel`` is notified, and every
    ``poll_interval_s`` for retries that came due."""
    wakeup = asyncio.Event()
    await asyncio.gather(
        _listen(dsn, channel, wakeup),
        *(_worker(channel, drain, wakeup, poll_interval_s) for _ in range(max(1, concurrency))),
    )
