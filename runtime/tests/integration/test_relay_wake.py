"""A relay woken by :meth:`OutboxRelay.committed` rather than by a NOTIFY in the writer's
transaction (a NOTIFY holds a lock of the whole cluster until its commit is flushed): the
leader in this process at once, the leader of another instance through a NOTIFY sent after
the commit. The relays poll once a minute, so only the wake explains a row published within
seconds."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from jiaodui_contracts.identity import AccountRegistered
from jiaodui_runtime.db import connect
from jiaodui_runtime.outbox import NOTIFY_CHANNEL, add_to_outbox
from jiaodui_runtime.relay import OutboxRelay
from jiaodui_runtime.wakes import Wakers

from .test_relay_batches import RecordingPublisher, outbox_rows

pytestmark = pytest.mark.integration


async def until(condition: Callable[[], Any], *, within_s: float = 10.0) -> None:
    deadline = time.monotonic() + within_s
    while not await condition():
        assert time.monotonic() < deadline, "not within the deadline"
        await asyncio.sleep(0.02)


def asleep_relay(dsn: str, *, poll_interval_s: float = 60) -> tuple[OutboxRelay, asyncio.Event]:
    """A relay polling once a minute, and an event set once it waits for work (its first
    claims found nothing): a row committed after that is published only when it is woken."""
    relay = OutboxRelay(
        dsn=dsn, publisher_factory=RecordingPublisher, poll_interval_s=poll_interval_s
    )
    asleep = asyncio.Event()
    sleep = relay._sleep

    async def sleeping(seconds: float, *also: asyncio.Future[Any]) -> None:
        asleep.set()
        await sleep(seconds, *also)

    relay._sleep = sleeping  # type: ignore[method-assign]
    return relay, asleep


async def outbox_listener(dsn: str) -> tuple[asyncpg.Connection, list[str]]:
    """A connection listening on the relay's channel, and the payloads it has heard."""
    heard: list[str] = []
    listener = await connect(dsn)
    await listener.add_listener(NOTIFY_CHANNEL, lambda *args: heard.append(args[2]))
    return listener, heard


async def stopped(relay: OutboxRelay, task: asyncio.Task[None]) -> None:
    relay.stop()
    await asyncio.wait_for(task, 10)


async def test_the_leading_relay_is_woken_in_its_own_process(
    conn: asyncpg.Connection, fresh_database: str
) -> None:
    relay, asleep = asleep_relay(fresh_database)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.wait_for(asleep.wait(), 10)
        assert relay.is_leader
        await outbox_rows(conn, [100, 100])  # committed, no NOTIFY

        relay.committed()

        await until(lambda: conn.fetchval("SELECT bool_and(published_at IS NOT NULL) FROM outbox"))
    finally:
        await stopped(relay, task)


async def test_an_instance_that_does_not_lead_wakes_the_leader_with_a_notify(
    conn: asyncpg.Connection, fresh_database: str
) -> None:
    leader, leader_asleep = asleep_relay(fresh_database)
    other, other_asleep = asleep_relay(fresh_database)
    leading = asyncio.create_task(leader.run())
    try:
        await asyncio.wait_for(leader_asleep.wait(), 10)
        waiting = asyncio.create_task(other.run())
        try:
            await asyncio.wait_for(other_asleep.wait(), 10)  # it found the lock taken
            assert leader.is_leader and not other.is_leader
            await outbox_rows(conn, [100])

            other.committed()

            await until(
                lambda: conn.fetchval("SELECT bool_and(published_at IS NOT NULL) FROM outbox")
            )
        finally:
            await stopped(other, waiting)
    finally:
        await stopped(leader, leading)


async def test_rows_written_inside_an_after_commit_block_wake_the_relay_without_a_notify(
    conn: asyncpg.Connection, fresh_database: str
) -> None:
    """What the consumers and queue workers do (jiaodui_runtime.wakes): the transaction
    sends no NOTIFY (none reaches a listener) and the relay still publishes at once."""
    relay, asleep = asleep_relay(fresh_database)
    wakers = Wakers()
    wakers.register(NOTIFY_CHANNEL, relay.committed)
    listener, heard = await outbox_listener(fresh_database)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.wait_for(asleep.wait(), 10)
        heard.clear()  # the relay's own start-up is not the writer's

        with wakers.after_commit():
            async with conn.transaction():
                payload = AccountRegistered(
                    account_id=str(uuid.uuid4()), registered_at=datetime.now(UTC)
                )
                await add_to_outbox(conn, payload, source="/jiaodui/test")

        await until(lambda: conn.fetchval("SELECT bool_and(published_at IS NOT NULL) FROM outbox"))
        await listener.execute("SELECT 1")  # a NOTIFY of the commit would have arrived by now
        assert heard == []
    finally:
        await stopped(relay, task)
        await listener.close()
