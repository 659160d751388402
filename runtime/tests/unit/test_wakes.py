"""A wake asked for inside :meth:`Wakers.after_commit` is kept out of the transaction and
given once the block ends; anywhere else it is a NOTIFY in the transaction, as before."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, cast

import pytest
from jiaodui_runtime.wakes import Wakers, wake_at_commit


class RecordingConnection:
    def __init__(self) -> None:
        self.statements: list[tuple[str, tuple[Any, ...]]] = []

    async def execute(self, sql: str, *args: Any) -> str:
        self.statements.append((sql, args))
        return "SELECT 1"


class Woken(dict[str, int]):
    """How many times each channel was woken."""

    def waker(self, channel: str) -> Callable[[], None]:
        self[channel] = 0

        def wake() -> None:
            self[channel] += 1

        return wake


def wakers_counting(*channels: str) -> tuple[Wakers, Woken]:
    woken, wakers = Woken(), Wakers()
    for channel in channels:
        wakers.register(channel, woken.waker(channel))
    return wakers, woken


async def test_outside_a_block_the_wake_is_a_notify_in_the_transaction() -> None:
    conn = RecordingConnection()
    _, woken = wakers_counting("outbox")

    await wake_at_commit(cast(Any, conn), "outbox")

    assert conn.statements == [("SELECT pg_notify($1, '')", ("outbox",))]
    assert woken == {"outbox": 0}


async def test_inside_a_block_the_channel_is_woken_once_when_it_ends() -> None:
    conn = RecordingConnection()
    wakers, woken = wakers_counting("outbox", "deliveries")

    with wakers.after_commit():
        await wake_at_commit(cast(Any, conn), "outbox")
        await wake_at_commit(cast(Any, conn), "outbox")
        await wake_at_commit(cast(Any, conn), "deliveries")
        assert woken == {"outbox": 0, "deliveries": 0}  # not before the commit

    assert conn.statements == []
    assert woken == {"outbox": 1, "deliveries": 1}


async def test_a_channel_nobody_here_wakes_is_still_notified() -> None:
    conn = RecordingConnection()
    wakers, woken = wakers_counting("outbox")

    with wakers.after_commit():
        await wake_at_commit(cast(Any, conn), "webhooks")

    assert conn.statements == [("SELECT pg_notify($1, '')", ("webhooks",))]
    assert woken == {"outbox": 0}


async def test_a_block_that_fails_still_wakes() -> None:
    """Its transaction may have committed before the error: a wake that finds nothing is
    cheap, a lost one waits for the poll."""
    conn = RecordingConnection()
    wakers, woken = wakers_counting("outbox")

    with pytest.raises(RuntimeError), wakers.after_commit():
        await wake_at_commit(cast(Any, conn), "outbox")
        raise RuntimeError("after the commit")

    assert woken == {"outbox": 1}


async def test_tasks_started_inside_the_block_defer_their_wakes_to_it() -> None:
    conn = RecordingConnection()
    wakers, woken = wakers_counting("outbox")

    with wakers.after_commit():
        await asyncio.gather(*(wake_at_commit(cast(Any, conn), "outbox") for _ in range(3)))

    assert conn.statements == []
    assert woken == {"outbox": 1}


async def test_blocks_do_not_leak_into_code_after_them() -> None:
    conn = RecordingConnection()
    wakers, _ = wakers_counting("outbox")
    with wakers.after_commit():
        pass

    await wake_at_commit(cast(Any, conn), "outbox")

    assert len(conn.statements) == 1
