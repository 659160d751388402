"""Waking the outbox relay or a work queue's workers once a transaction has committed.

A ``pg_notify`` inside a transaction takes a lock of the whole PostgreSQL cluster at commit
and keeps it until the commit record is flushed: every transaction that NOTIFYs, of every
service, commits one at a time behind it (docs/notes/issue-16-session9.md §1). Code that
writes outbox or queue rows calls :func:`wake_at_commit`. Inside
:meth:`Wakers.after_commit` (the consumers' transactions, the queue workers' passes) the
channel is only remembered, and this process's waker for it is called when the block ends,
after its transaction committed: the relay's :meth:`~jiaodui_runtime.relay.OutboxRelay.committed`
for the outbox, the workers' wake-up for a queue. Anywhere else, or for a channel nobody in
this process wakes, the NOTIFY goes into the transaction as before.

A block ends with the wake even when it failed: a wake that finds nothing costs a look at
an index, a wake that is lost costs a poll interval.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

from jiaodui_runtime.db import DbConnection

_DEFERRED: ContextVar[tuple[Wakers, set[str]] | None] = ContextVar("wakes_deferred", default=None)


class Wakers:
    """This process's wakers, by channel."""

    def __init__(self) -> None:
        self._by_channel: dict[str, list[Callable[[], None]]] = {}

    def register(self, channel: str, wake: Callable[[], None]) -> None:
        self._by_channel.setdefault(channel, []).append(wake)

    def wakes(self, channel: str) -> bool:
        return channel in self._by_channel

    def wake(self, channel: str) -> None:
        for wake in self._by_channel.get(channel, ()):
            wake()

    @contextlib.contextmanager
    def after_commit(self) -> Iterator[None]:
        """Channels that :func:`wake_at_commit` is asked to wake inside the block are woken
        when it ends: open the block around the transaction, not inside it."""
        channels: set[str] = set()
        token = _DEFERRED.set((self, channels))
        try:
            yield
        finally:
            _DEFERRED.reset(token)
            for channel in sorted(channels):
                self.wake(channel)


async def wake_at_commit(conn: DbConnection, channel: str) -> None:
    """Have ``channel``'s listeners woken once the surrounding transaction commits."""
    deferred = _DEFERRED.get()
    if deferred is not None and deferred[0].wakes(channel):
        deferred[1].add(channel)
        return
    await conn.execute("SELECT pg_notify($1, '')", channel)
