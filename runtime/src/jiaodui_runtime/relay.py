"""The outbox relay: publishes committed outbox rows to Kafka, in order, at least once.

One relay per database is active at a time (a Postgres advisory lock elects it),
so rows of one key are published in commit order even with several service
instances. Rows are marked published only after Kafka acknowledged them; a crash
in between republishes them, and consumers drop the duplicates by event id.

A batch costs one statement to claim. Acknowledged rows are marked published on a second
connection while the next batches are claimed and sent: the mark rewrites every row (a
new tuple with its payload, its index entries, ~1.2 KB of WAL a row), which took ~33 ms
of each 2,000-row round trip when it shared the claim's statement, more than the claim
itself. The rows' payloads are the bytes to send,
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
import orjson

from jiaodui_runtime import metrics
from jiaodui_runtime.db import DbConnection, connect
from jiaodui_runtime.kafka import partitions_of
from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.outbox import NOTIFY_CHANNEL

_LEADER_LOCK = 0x6F7574_626F78  # "outbox"
_log = get_logger(__name__)

# The next rows in commit-sequence order, skipping those sent but not yet marked published
# ($2: in flight, acknowledged, being marked): at most $3 rows, and no more rows than make
# $4 bytes of payload (the first row always), so a batch of RecordsImported (up to ~96 KB
# each) holds as much memory as one of small events. Rows above the highest unmarked seq
# ($1) pass at once; the others are looked up in a hashed subplan (an ``= ANY(array)`` per
# row was a linear search: thousands of rows times thousands of seqs). The running sum reads
# each payload's stored size, not the payload, so rows past the budget cost little.
_CLAIM = """
SELECT seq, topic, key, payload, headers FROM (
    SELECT seq, topic, convert_to(key, 'UTF8') AS key, payload, headers::text AS headers,
           sum(octet_length(payload)) OVER (ORDER BY seq) - octet_length(payload) AS before
    FROM outbox
    WHERE published_at IS NULL AND (seq > $1 OR seq NOT IN (SELECT unnest($2::bigint[])))
    ORDER BY seq LIMIT $3
) AS next WHERE before < $4 ORDER BY seq
"""
# While a backlog streams (the last claim was full): only the rows after the last one handed
# over. The claim above walks past every row in flight or being marked to find the few that
# committed late below them (a transaction that took its seq before others and committed
# after them): thousands of index entries and heap visits, 25-40 % of a claim with 8,000
# rows in flight (docs/notes/issue-16-session8.md).
_CLAIM_AFTER = _CLAIM.replace(
    "(seq > $1 OR seq NOT IN (SELECT unnest($2::bigint[])))",
    "seq > $1 AND cardinality($2::bigint[]) >= 0",  # $2 unused: the same parameters
)
LATE_ROWS_EVERY_S = 1.0
"""How long rows that committed late wait at most while a backlog streams (a claim that is
not full looks for them every time)."""
_MARK = "UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[])"

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


def _count_published(rows: list[asyncpg.Record]) -> None:
    per_topic: dict[str, int] = {}
    for r in rows:
        per_topic[r["topic"]] = per_topic.get(r["topic"], 0) + 1
    for topic, n in per_topic.items():
        metrics.EVENTS_PUBLISHED.labels(topic).inc(n)


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
        batch_bytes: int = 4 << 20,
        max_in_flight: int = 4,
        poll_interval_s: float = 1.0,
        retention_s: float = 3600.0,
        topic_prefix: str = "",
    ) -> None:
        self._dsn = dsn
        self._publisher_factory = publisher_factory
        self._batch_size = batch_size
        self._batch_bytes = batch_bytes
        self._max_in_flight = max_in_flight
        self._poll_interval_s = poll_interval_s
        self._retention_s = retention_s
        self._topic_prefix = topic_prefix
        self._wake = asyncio.Event()
        self._acked: list[int] = []  # sent and acknowledged, not yet being marked
        self._streaming = False  # the last claim was full
        self._late_looked = 0.0  # when a claim last looked for rows that committed late
        self._stopping = False
        self.is_leader = False
        self._asker: asyncpg.Connection | None = None  # NOTIFYs the leader (another instance)
        self._asking: asyncio.Future[None] | None = None
        self._ask_again = False

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    def committed(self) -> None:
        """This process committed outbox rows without a NOTIFY in their transaction: publish
        them now. A NOTIFY takes a lock of the whole PostgreSQL cluster and holds it until its
        transaction's commit is flushed, so writers that NOTIFY commit one at a time, every
        service's included (the photo confirmation at 32 connections: 232/s with it in the
        statement, 578/s without, docs/notes/issue-16-session9.md). The leading relay is woken
        in this process; when another instance leads, it is sent a NOTIFY from a connection
        of its own whose commits do not wait for the flush (a lost one only waits for the
        leader's poll)."""
        if self.is_leader:
            self._wake.set()
            return
        self._ask_again = True
        if self._asking is None or self._asking.done():
            self._asking = asyncio.ensure_future(self._ask_leader())

    async def _ask_leader(self) -> None:
        try:
            while self._ask_again and not self._stopping:
                self._ask_again = False  # rows committed from here on ask once more
                if self._asker is None or self._asker.is_closed():
                    self._asker = await connect(self._dsn)
                    await self._asker.execute("SET synchronous_commit TO off")
                await self._asker.execute("SELECT pg_notify($1, '')", NOTIFY_CHANNEL)
        except Exception as exc:  # the leader's poll publishes them
            _log.info("outbox_relay_ask_failed", error=repr(exc))
            if self._asker is not None:
                self._asker.terminate()
                self._asker = None

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
        if self._asking is not None:
            self._asking.cancel()
        if self._asker is not None:
            with contextlib.suppress(Exception):
                await self._asker.close()

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
        commit-to-consumer latency) and a backlog streams with claims, broker round trips and
        marks overlapping. Batches are handed over in claim order, so per-partition order is
        kept (the idempotent producer sends one batch per partition at a time, in order); a
        batch is marked only once acknowledged, by a second connection, while the next ones
        are claimed. If an ack or a mark fails, the error ends this leadership and every
        unmarked row is sent again (consumers drop what they already applied)."""
        marks = await connect(self._dsn)
        # a mark lost in a crash only sends its rows again: no need to wait for the WAL flush
        await marks.execute("SET synchronous_commit TO off")
        last_purge = last_observed = 0.0
        in_flight: collections.deque[tuple[list[asyncpg.Record], asyncio.Future[Any]]] = (
            collections.deque()
        )
        marking: asyncio.Future[str] | None = None
        being_marked: list[int] = []
        ahead: asyncio.Future[list[asyncpg.Record]] | None = None  # the next claim, running

        def unmarked(being_marked: list[int]) -> list[int]:
            """Every row handed over and not yet marked published: in flight, acknowledged,
            being marked."""
            return [r["seq"] for b, _ in in_flight for r in b] + being_marked + self._acked

        try:
            while not self._stopping:
                self._wake.clear()
                while in_flight and in_flight[0][1].done():
                    self._acknowledged(*in_flight.popleft())
                if marking is not None and marking.done():
                    marking.result()
                    marking, being_marked = None, []
                if marking is None and self._acked:
                    being_marked, self._acked = self._acked, []
                    marking = asyncio.ensure_future(marks.execute(_MARK, being_marked))
                rows: list[asyncpg.Record] = []
                # marks falling behind hold the claims back (their seqs are skipped one by one)
                marks_keep_up = len(self._acked) < self._batch_size * self._max_in_flight
                if ahead is not None or (len(in_flight) < self._max_in_flight and marks_keep_up):
                    if ahead is not None:
                        rows, ahead = await ahead, None
                    else:
                        rows = await self._claim(conn, unmarked(being_marked))
                    if rows:
                        # a backlog: the next claim runs in PostgreSQL while these rows are
                        # put into record batches here (it skips them: they are in flight)
                        room = len(in_flight) + 1 < self._max_in_flight
                        if self._full(rows) and room and marks_keep_up:
                            skip = unmarked(being_marked) + [r["seq"] for r in rows]
                            ahead = asyncio.ensure_future(self._claim(conn, skip))
                        acked = asyncio.ensure_future(await self._hand_over(publisher, rows))
                        in_flight.append((rows, acked))
                if ahead is not None:
                    continue  # take the claim made ahead
                if time.monotonic() - last_purge > 60:
                    await self._purge(conn)
                    last_purge = time.monotonic()
                if self._full(rows) and len(in_flight) < self._max_in_flight:
                    continue  # a backlog: claim the next batch at once
                pending = [f for f in (in_flight[0][1] if in_flight else None, marking) if f]
                if pending:  # the oldest ack, a mark, or new rows, whichever comes first
                    await self._sleep(self._poll_interval_s, *pending)
                    continue
                if time.monotonic() - last_observed > 1.0:
                    await self._observe_backlog(conn)
                    last_observed = time.monotonic()
                await self._sleep(self._poll_interval_s)
            while in_flight:
                await in_flight[0][1]
                self._acknowledged(*in_flight.popleft())
        finally:
            if ahead is not None:  # claimed, never handed over: a later claim takes them
                ahead.cancel()
                with contextlib.suppress(BaseException):
                    await ahead
            for _, pending_ack in in_flight:  # leadership lost: their rows are sent again
                pending_ack.add_done_callback(_retrieved)
            with contextlib.suppress(Exception):
                if marking is not None:
                    await marking
                if self._acked and not marks.is_closed():  # mark what Kafka acknowledged
                    await marks.execute(_MARK, self._acked)
                    self._acked = []
            with contextlib.suppress(Exception):
                await marks.close()

    async def publish_batch(self, conn: DbConnection, publisher: Publisher) -> int:
        """One step without overlap: claim the next batch in seq order, send it, wait for
        every ack and mark it."""
        rows = await self._claim(conn, [])
        if rows:
            await (await self._hand_over(publisher, rows))
            await conn.execute(_MARK, [r["seq"] for r in rows])
            _count_published(rows)
        return len(rows)

    async def _claim(self, conn: DbConnection, unmarked: list[int]) -> list[asyncpg.Record]:
        """The next rows, skipping ``unmarked`` (sent, not yet marked published): while a
        backlog streams, those after the last row handed over, with a look for rows that
        committed late below it at least every :data:`LATE_ROWS_EVERY_S`."""
        now = time.monotonic()
        streaming = self._streaming and now - self._late_looked < LATE_ROWS_EVERY_S
        if not streaming:
            self._late_looked = now
        rows = await conn.fetch(
            _CLAIM_AFTER if streaming else _CLAIM,
            max(unmarked, default=0),
            unmarked,
            self._batch_size,
            self._batch_bytes,
        )
        self._streaming = self._full(rows)
        return rows

    def _full(self, rows: list[asyncpg.Record]) -> bool:
        """The claim stopped at a limit, not at the end of the backlog."""
        return len(rows) == self._batch_size or (
            bool(rows) and sum(len(r["payload"]) for r in rows) >= self._batch_bytes
        )

    async def _hand_over(self, publisher: Publisher, rows: list[asyncpg.Record]) -> Awaitable[Any]:
        prefix = self._topic_prefix
        headers: dict[str, list[tuple[str, bytes]]] = {}  # rows of one transaction share them
        for text in {r["headers"] for r in rows}:
            headers[text] = [(k, str(v).encode()) for k, v in orjson.loads(text).items()]
        return await queue_all(
            publisher,
            [(prefix + r["topic"], r["key"], r["payload"], headers[r["headers"]]) for r in rows],
        )

    def _acknowledged(self, rows: list[asyncpg.Record], acked: asyncio.Future[Any]) -> None:
        """Kafka has these rows (``acked`` raises if it failed them: the error ends the
        leadership); they wait to be marked."""
        acked.result()
        self._acked += [r["seq"] for r in rows]
        _count_published(rows)

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

    async def _sleep(self, seconds: float, *also: asyncio.Future[Any]) -> None:
        """Until woken (new rows committed), one of ``also`` completes, or ``seconds`` passed."""
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait([woken, *also], timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
