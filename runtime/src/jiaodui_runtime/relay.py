"""The outbox relay: publishes committed outbox rows to Kafka, in order, at least once.

One relay per database is active at a time (a Postgres advisory lock elects it),
so rows of one key are published in commit order even with several service
instances. Rows are marked published only after Kafka acknowledged them; a crash
in between republishes them, and consumers drop the duplicates by event id.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from jiaodui_runtime import metrics
from jiaodui_runtime.db import DbConnection, connect
from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.outbox import NOTIFY_CHANNEL

_LEADER_LOCK = 0x6F7574_626F78  # "outbox"
_log = get_logger(__name__)


class Publisher(Protocol):
    """What the relay needs of a Kafka producer (aiokafka's fits; tests use fakes)."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def send(
        self,
        topic: str,
        value: bytes | None = None,
        key: bytes | None = None,
        partition: int | None = None,
        timestamp_ms: int | None = None,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> Awaitable[Any]: ...


class OutboxRelay:
    """Publish outbox rows of one database; run :meth:`run` as a background task."""

    def __init__(
        self,
        *,
        dsn: str,
        publisher_factory: Callable[[], Publisher],
        batch_size: int = 500,
        poll_interval_s: float = 1.0,
        retention_s: float = 3600.0,
        topic_prefix: str = "",
    ) -> None:
        self._dsn = dsn
        self._publisher_factory = publisher_factory
        self._batch_size = batch_size
        self._poll_interval_s = poll_interval_s
        self._retention_s = retention_s
        self._topic_prefix = topic_prefix
        self._wake = asyncio.Event()
        self._stopping = False
        self.is_leader = False

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        """Run until stopped, surviving database and broker outages with backoff."""
        backoff = 0.2
        while not self._stopping:
            try:
                await self._run_once()
                backoff = 0.2
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                metrics.RELAY_ERRORS.inc()
                _log.warning("outbox_relay_error", error=repr(exc), retry_in_s=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
            finally:
                self.is_leader = False

    async def _run_once(self) -> None:
        conn = await connect(self._dsn)
        try:
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", _LEADER_LOCK):
                if self._stopping:
                    return
                # the backlog is a fact of the database: every instance reports it, so the
                # last value of an instance that stopped leading never lingers beside the
                # leader's
                await self._observe_backlog(conn)
                await self._sleep(self._poll_interval_s * 2)
            self.is_leader = True
            # before the broker is reached: while Kafka is down every retry ends up here, and
            # the backlog and its age must keep growing on the dashboard (OutboxNotDraining)
            await self._observe_backlog(conn)
            await conn.add_listener(NOTIFY_CHANNEL, self._on_notify)
            publisher = self._publisher_factory()
            await publisher.start()
            try:
                await self._pump(conn, publisher)
            finally:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(publisher.stop(), 10)
        finally:
            with contextlib.suppress(Exception):
                await conn.close()

    async def _pump(self, conn: DbConnection, publisher: Publisher) -> None:
        last_purge = 0.0
        while not self._stopping:
            self._wake.clear()
            published = await self.publish_batch(conn, publisher)
            if time.monotonic() - last_purge > 60:
                await self._purge(conn)
                last_purge = time.monotonic()
            if published < self._batch_size:
                await self._observe_backlog(conn)
                await self._sleep(self._poll_interval_s)

    async def publish_batch(self, conn: DbConnection, publisher: Publisher) -> int:
        """Send one batch in seq order, wait for every ack, then mark the rows."""
        rows = await conn.fetch(
            "SELECT seq, topic, key, payload, headers FROM outbox"
            " WHERE published_at IS NULL ORDER BY seq LIMIT $1",
            self._batch_size,
        )
        if not rows:
            return 0
        # send() returns once the message is queued; queuing in seq order keeps the
        # per-key order, and the idempotent producer keeps it through retries.
        acks = [
            await publisher.send(
                self._topic_prefix + r["topic"],
                value=r["payload"],
                key=r["key"].encode(),
                headers=[(k, str(v).encode()) for k, v in r["headers"].items()],
            )
            for r in rows
        ]
        await asyncio.gather(*acks)
        await conn.execute(
            "UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[])",
            [r["seq"] for r in rows],
        )
        for r in rows:
            metrics.EVENTS_PUBLISHED.labels(r["topic"]).inc()
        return len(rows)

    async def _observe_backlog(self, conn: DbConnection) -> None:
        row = await conn.fetchrow(
            "SELECT count(*) AS n, extract(epoch FROM now() - min(created_at)) AS age"
            " FROM outbox WHERE published_at IS NULL"
        )
        assert row is not None
        metrics.OUTBOX_BACKLOG.set(row["n"])
        metrics.OUTBOX_OLDEST_AGE.set(float(row["age"] or 0))

    async def _purge(self, conn: DbConnection) -> None:
        await conn.execute(
            "DELETE FROM outbox WHERE published_at < now() - make_interval(secs => $1)",
            self._retention_s,
        )

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
