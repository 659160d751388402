"""The outbox relay: publishes committed outbox rows to Kafka, in order, at least once.

One relay per database is active at a time (a Postgres advisory lock elects it),
so rows of one key are published in commit order even with several service
instances. Rows are marked published only after Kafka acknowledged them; a crash
in between republishes them, and consumers drop the duplicates by event id.

A batch costs one statement (it claims the next rows and marks the previous batch,
acknowledged by then, in the same round trip). The rows' payloads are the bytes to send,
serialised once by the writer; the relay places them in partitions itself (Kafka's
murmur2, as the default partitioner does) and hands aiokafka whole record batches, one
per partition, instead of awaiting a send per message.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import asyncpg

from jiaodui_runtime import metrics
from jiaodui_runtime.db import DbConnection, connect
from jiaodui_runtime.kafka import partitions_of
from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.outbox import NOTIFY_CHANNEL

_LEADER_LOCK = 0x6F7574_626F78  # "outbox"
_log = get_logger(__name__)

# The next rows in commit-sequence order, and in the same statement the rows Kafka
# acknowledged since ($1) marked published. The statement's snapshot still shows those as
# unpublished, hence the filter, which also skips the batch still in flight ($3). Rows above
# the highest of both ($2) pass at once; the others are looked up in a hashed subplan (an
# ``= ANY(array)`` per row was a linear search: thousands of rows times thousands of seqs).
_CLAIM = """
WITH marked AS (
    UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[])
)
SELECT seq, topic, key, payload, headers FROM outbox
WHERE published_at IS NULL
  AND (seq > $2 OR seq NOT IN (SELECT unnest($1::bigint[] || $3::bigint[])))
ORDER BY seq LIMIT $4
"""

Message = tuple[str, bytes, bytes, list[tuple[str, bytes]]]
"""(topic, key, value, headers) of one record to send."""


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


@runtime_checkable
class BatchPublisher(Publisher, Protocol):
    """A publisher that takes whole record batches per partition (aiokafka's producer)."""

    def create_batch(self) -> Any: ...
    async def send_batch(self, batch: Any, topic: str, *, partition: int) -> Awaitable[Any]: ...
    async def partitions_for(self, topic: str) -> set[int]: ...


async def queue_all(publisher: Publisher, messages: Sequence[Message]) -> Awaitable[Any]:
    """Hand ``messages`` to the producer in order; the result completes once Kafka
    acknowledged every one (and fails if any failed).

    With a :class:`BatchPublisher` the records of each partition go into record batches
    (full ones are handed over while the rest is built, one per partition at a time so that a
    produce request carries every partition), and the wait is one future per batch rather
    than per message. Order within a partition, so per key, is the order of ``messages``; the
    idempotent producer keeps it through retries. Other publishers (test fakes) get one
    ``send`` per message.
    """
    if not isinstance(publisher, BatchPublisher):
        acks = [
            await publisher.send(topic, value=value, key=key, headers=headers)
            for topic, key, value, headers in messages
        ]
        return asyncio.gather(*acks)
    placed: dict[str, list[int]] = {}
    for topic in {m[0] for m in messages}:
        keys = [m[1] for m in messages if m[0] == topic]
        placed[topic] = partitions_of(keys, sorted(await publisher.partitions_for(topic)))
    taken = dict.fromkeys(placed, 0)
    batches: dict[tuple[str, int], list[Any]] = {}
    for topic, key, value, headers in messages:
        tp = (topic, placed[topic][taken[topic]])
        taken[topic] += 1
        built = batches.get(tp)
        if built is None:
            built = batches[tp] = [publisher.create_batch()]
        if built[-1].append(key=key, value=value, timestamp=None, headers=headers) is None:
            built.append(publisher.create_batch())  # full: the first record always fits
            built[-1].append(key=key, value=value, timestamp=None, headers=headers)
    acks = []
    rounds = max((len(b) for b in batches.values()), default=0)
    for i in range(rounds):  # every partition's first batch, then every second one ...
        for (topic, partition), built in batches.items():
            if i < len(built):
                built[i].close()
                acks.append(await publisher.send_batch(built[i], topic, partition=partition))
    return asyncio.gather(*acks)


def _retrieved(future: asyncio.Future[Any]) -> None:
    """Nothing waits for this future any more; its error (if any) was or will be logged by
    the relay that sends its rows again."""
    if not future.cancelled():
        future.exception()


class OutboxRelay:
    """Publish outbox rows of one database; run :meth:`run` as a background task."""

    def __init__(
        self,
        *,
        dsn: str,
        publisher_factory: Callable[[], Publisher],
        batch_size: int = 500,
        max_in_flight: int = 4,
        poll_interval_s: float = 1.0,
        retention_s: float = 3600.0,
        topic_prefix: str = "",
    ) -> None:
        self._dsn = dsn
        self._publisher_factory = publisher_factory
        self._batch_size = batch_size
        self._max_in_flight = max_in_flight
        self._poll_interval_s = poll_interval_s
        self._retention_s = retention_s
        self._topic_prefix = topic_prefix
        self._wake = asyncio.Event()
        self._acked: list[int] = []  # sent and acknowledged, marked by the next claim
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
        """Claim and hand over batches without waiting for Kafka's acknowledgements, up to
        ``max_in_flight`` at a time: new rows go out as soon as they are committed (a wake-up
        does not wait for the previous batch's ack: that wait was the largest part of the
        commit-to-consumer latency) and a backlog streams with claims and broker round trips
        overlapping. Batches are handed over in claim order, so per-partition order is kept
        (the idempotent producer sends one batch per partition at a time, in order); a batch
        is marked only once acknowledged, and all before it too. If an ack fails, the error
        ends this leadership and every unmarked row is sent again (consumers drop what they
        already applied)."""
        last_purge = last_observed = 0.0
        in_flight: collections.deque[tuple[list[asyncpg.Record], asyncio.Future[Any]]] = (
            collections.deque()
        )
        try:
            while not self._stopping:
                self._wake.clear()
                rows: list[asyncpg.Record] = []
                if len(in_flight) < self._max_in_flight:
                    rows = await self._claim(conn, [r["seq"] for b, _ in in_flight for r in b])
                    if rows:
                        acked = asyncio.ensure_future(await self._hand_over(publisher, rows))
                        in_flight.append((rows, acked))
                while in_flight and in_flight[0][1].done():
                    self._acknowledged(*in_flight.popleft())
                if time.monotonic() - last_purge > 60:
                    await self._purge(conn)
                    last_purge = time.monotonic()
                if len(rows) == self._batch_size and len(in_flight) < self._max_in_flight:
                    continue  # a backlog: claim the next batch at once
                if in_flight:  # the oldest ack, or new rows, whichever comes first
                    await self._sleep(self._poll_interval_s, in_flight[0][1])
                    continue
                if self._acked:  # mark them before going idle
                    continue
                if time.monotonic() - last_observed > 1.0:
                    await self._observe_backlog(conn)
                    last_observed = time.monotonic()
                await self._sleep(self._poll_interval_s)
            while in_flight:
                await in_flight[0][1]
                self._acknowledged(*in_flight.popleft())
        finally:
            for _, pending in in_flight:  # leadership lost: their rows are sent again
                pending.add_done_callback(_retrieved)
            if self._acked and not conn.is_closed():  # mark what Kafka acknowledged
                with contextlib.suppress(Exception):
                    await conn.execute(
                        "UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[])",
                        self._acked,
                    )
                    self._acked = []

    async def publish_batch(self, conn: DbConnection, publisher: Publisher) -> int:
        """One step without overlap: claim the next batch in seq order (marking the one
        before), send it and wait for every ack; its rows are marked by the next claim."""
        rows = await self._claim(conn, [])
        if rows:
            await (await self._hand_over(publisher, rows))
            self._acknowledged(rows, None)
        return len(rows)

    async def _claim(self, conn: DbConnection, in_flight: list[int]) -> list[asyncpg.Record]:
        """The next rows; the acknowledged ones marked in the same statement."""
        highest = max(max(self._acked, default=0), max(in_flight, default=0))
        rows = await conn.fetch(_CLAIM, self._acked, highest, in_flight, self._batch_size)
        self._acked = []
        return rows

    async def _hand_over(self, publisher: Publisher, rows: list[asyncpg.Record]) -> Awaitable[Any]:
        prefix = self._topic_prefix
        acked = await queue_all(
            publisher,
            [
                (
                    prefix + r["topic"],
                    r["key"].encode(),
                    r["payload"],
                    [(k, str(v).encode()) for k, v in r["headers"].items()],
                )
                for r in rows
            ],
        )
        return acked

    def _acknowledged(self, rows: list[asyncpg.Record], acked: asyncio.Future[Any] | None) -> None:
        """Kafka has these rows (``acked`` raises if it failed them: the error ends the
        leadership); the next claim marks them."""
        if acked is not None:
            acked.result()
        self._acked += [r["seq"] for r in rows]
        per_topic: dict[str, int] = {}
        for r in rows:
            per_topic[r["topic"]] = per_topic.get(r["topic"], 0) + 1
        for topic, n in per_topic.items():
            metrics.EVENTS_PUBLISHED.labels(topic).inc(n)

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

    async def _sleep(self, seconds: float, also: asyncio.Future[Any] | None = None) -> None:
        """Until woken (new rows committed), ``also`` completes, or ``seconds`` passed."""
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait(
                [woken] if also is None else [woken, also],
                timeout=seconds,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            woken.cancel()
