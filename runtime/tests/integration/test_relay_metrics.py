"""The relay's backlog gauges follow the outbox when nothing can be published: while Kafka
cannot be reached, and on an instance that is not the leader. Those are the cases the
OutboxNotDraining alert and the dashboard's outbox panel exist for."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio
from jiaodui_contracts.identity import AccountRegistered
from jiaodui_runtime import metrics
from jiaodui_runtime.db import connect
from jiaodui_runtime.migrations import apply_migrations, runtime_migrations
from jiaodui_runtime.outbox import add_to_outbox
from jiaodui_runtime.relay import _LEADER_LOCK, OutboxRelay
from jiaodui_runtime.testing import eventually
from prometheus_client import REGISTRY

pytestmark = pytest.mark.integration
ROWS = 3


class UnreachableBroker:
    """A publisher whose broker never answers."""

    async def start(self) -> None:
        raise ConnectionError("the broker is down")

    async def stop(self) -> None:
        return None

    async def send(
        self,
        topic: str,
        value: bytes | None = None,
        key: bytes | None = None,
        partition: int | None = None,
        timestamp_ms: int | None = None,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> Awaitable[Any]:
        raise AssertionError("nothing can be sent before start() succeeds")


@pytest_asyncio.fixture
async def backlog(fresh_database: str) -> AsyncIterator[str]:
    """A database with ROWS unpublished outbox rows; the gauges reset to 0 first."""
    conn = await connect(fresh_database)
    try:
        await apply_migrations(conn, runtime_migrations())
        for _ in range(ROWS):
            async with conn.transaction():
                event = AccountRegistered(
                    account_id=str(uuid.uuid4()), registered_at=datetime.now(UTC)
                )
                await add_to_outbox(conn, event, source="/jiaodui/test")
    finally:
        await conn.close()
    metrics.OUTBOX_BACKLOG.set(0)
    metrics.OUTBOX_OLDEST_AGE.set(0)
    yield fresh_database


@contextlib.asynccontextmanager
async def running(relay: OutboxRelay) -> AsyncIterator[None]:
    task = asyncio.create_task(relay.run())
    try:
        yield
    finally:
        relay.stop()
        await asyncio.wait_for(task, 10)


async def gauges_show_the_backlog() -> bool:
    backlog = REGISTRY.get_sample_value("outbox_backlog")
    age = REGISTRY.get_sample_value("outbox_oldest_unpublished_age_seconds")
    return backlog == ROWS and age is not None and age > 0


async def test_the_backlog_shows_while_the_broker_is_down(backlog: str) -> None:
    relay = OutboxRelay(dsn=backlog, publisher_factory=UnreachableBroker, poll_interval_s=0.1)
    async with running(relay):
        await eventually(gauges_show_the_backlog, timeout_s=10, what="the backlog on the gauges")


async def test_an_instance_that_is_not_the_leader_shows_the_backlog(backlog: str) -> None:
    leader = await connect(backlog)  # holds the relay's lock, as another instance would
    try:
        assert await leader.fetchval("SELECT pg_try_advisory_lock($1)", _LEADER_LOCK)
        relay = OutboxRelay(dsn=backlog, publisher_factory=UnreachableBroker, poll_interval_s=0.1)
        async with running(relay):
            await eventually(
                gauges_show_the_backlog, timeout_s=10, what="the backlog on the gauges"
            )
            assert not relay.is_leader
    finally:
        await leader.close()
