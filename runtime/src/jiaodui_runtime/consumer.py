"""The idempotent event consumer (inbox): each event takes effect once.

For every message the handler runs in a database transaction that also records
``(consumer, event_id)`` in the inbox; a redelivered event finds its row and is
dropped. Offsets are committed only after the database commit. A message that
keeps failing is retried with backoff, then sent with its error to
``<topic>.dlq`` so the partition moves on.

A poll's records (from every partition it returned) are applied in one transaction
with one inbox statement, and one offset commit follows. A :class:`Batched` handler
receives a run of consecutive events of its types at once,
so that it can apply them set-based (a few statements per run instead of a few per
event); other handlers get one event at a time. Either way the order within a
partition (so per key) is kept.

Memory stays bounded whatever the events' sizes (an import's ``RecordsImported`` carries up
to 100 records, ~32 KB): the fetcher buffers at most ``fetch_partition_bytes`` per partition,
a poll takes about ``poll_bytes`` of events (its record count follows the mean size of the
previous poll), a transaction parses at most ``batch_bytes`` of them, and an event of a type
no handler wants is dropped after reading only its ``type`` (its ``data`` is never built).

An event a handler takes is read in one pass, its ``data`` validated into the contract (or
the handler's view of it, :func:`jiaodui_contracts.views.view_of`) while the envelope is
read: no dict of the data is built in between (:func:`jiaodui_contracts.typed_reader`).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError
from jiaodui_contracts import (
    HEADER_CORRELATION_ID,
    CloudEvent,
    Contract,
    UnknownEventType,
    contract_for,
    dlq_topic,
    from_json_bytes,
    parse_data,
    typed_reader,
)
from pydantic import BaseModel, ConfigDict, ValidationError

from jiaodui_runtime import metrics
from jiaodui_runtime.context import bind_correlation_id
from jiaodui_runtime.db import DbConnection, database_away
from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.relay import Publisher
from jiaodui_runtime.wakes import Wakers

Handler = Callable[[DbConnection, CloudEvent, Contract], Awaitable[None]]
"""An event handler: applies the event's effects using the given transaction."""

Delivered = tuple[CloudEvent, Contract]
Received = tuple[CloudEvent, Contract, bytes]
"""An event, its data, and its Kafka value: the bytes as published."""


@dataclass(frozen=True)
class Batched:
    """A set-based handler: applies a run of consecutive events (offset order, duplicates
    already dropped) in the given transaction. Register the same instance for every event
    type it handles so that a run of mixed types stays one call."""

    apply: Callable[[DbConnection, Sequence[Delivered]], Awaitable[None]]
    reads: Mapping[str, type[Contract]] = field(default_factory=dict)
    """What the handler reads of an event type's data where not the whole contract: a view
    of it (:func:`jiaodui_contracts.views.view_of`), validated alone."""


@dataclass(frozen=True)
class BatchedRaw:
    """A :class:`Batched` handler that also gets each event's Kafka value (:data:`Received`):
    a log that keeps the events it receives stores those bytes, the envelope as published,
    instead of serialising the parsed envelope again."""

    apply: Callable[[DbConnection, Sequence[Received]], Awaitable[None]]
    reads: Mapping[str, type[Contract]] = field(default_factory=dict)
    """As :attr:`Batched.reads`."""


AnyHandler = Handler | Batched | BatchedRaw


_CLAIM = """
WITH claimed AS (
    INSERT INTO inbox (consumer, event_id, topic, partition, "offset")
    SELECT $1, e.event_id, e.topic, e.partition, e."offset"
    FROM unnest($2::uuid[], $3::text[], $4::integer[], $5::bigint[])
         AS e(event_id, topic, partition, "offset")
    ON CONFLICT DO NOTHING
    RETURNING event_id
)
SELECT event_id::text FROM claimed
"""

_log = get_logger(__name__)


def _models(handlers: Mapping[str, AnyHandler]) -> dict[str, type[Contract]]:
    """The model each event type's data is read into: the handler's view of it, or its
    contract (types the contracts package does not know are left out)."""
    models: dict[str, type[Contract]] = {}
    for event_type, handler in handlers.items():
        view = handler.reads.get(event_type) if isinstance(handler, Batched | BatchedRaw) else None
        if view is not None:
            models[event_type] = view
            continue
        with contextlib.suppress(UnknownEventType):
            models[event_type] = contract_for(event_type)
    return models


_TYPE_MEMBER = re.compile(rb'"type"\s*:\s*"([A-Za-z0-9_.-]{1,200})"')


def guess_type(value: bytes) -> str | None:
    """The first ``"type": "..."`` member in a Kafka value: the envelope's type in every
    envelope this system writes (pydantic and PostgreSQL both put it before ``data``), read
    in ~0.3 µs where :func:`peek_type` parses the whole JSON (~3 µs for an IdentityMatched).
    A guess only picks the typed reader to try: that reader checks the type itself, and a
    wrong guess costs a second reading, never a wrong one."""
    found = _TYPE_MEMBER.search(value)
    return found.group(1).decode() if found else None


def _bind(record: ConsumerRecord[Any, Any], event: CloudEvent) -> None:
    """The event's correlation id (from its Kafka header) for the logs and outbox rows its
    handler writes."""
    correlation = dict(record.headers or ()).get(HEADER_CORRELATION_ID)
    bind_correlation_id(correlation.decode() if correlation else event.id, event_id=event.id)


class _Head(BaseModel):
    """The one member of an envelope read before deciding to parse it: pydantic-core reads
    the JSON in Rust and builds no Python object for the members a model ignores, so an
    event nobody here handles never has its ``data`` built (a 32 KB RecordsImported: see
    docs/notes/issue-16-memory-2.md)."""

    model_config = ConfigDict(extra="ignore")

    type: str


def peek_type(value: bytes | None) -> str | None:
    """The ``type`` of the envelope in a Kafka value, reading nothing else; None when the
    value has none to read (it is then parsed whole, and dead-lettered as unreadable)."""
    if not value:
        return None
    try:
        return _Head.model_validate_json(value).type
    except ValidationError:
        return None


def poll_size(records: Sequence[ConsumerRecord[Any, Any]], *, budget: int, most: int) -> int:
    """How many records the next poll may take: ``budget`` bytes at the mean value size of
    ``records`` (the last poll), at least 1 and at most ``most``."""
    if not records:
        return most
    mean = max(1, sum(len(r.value or b"") for r in records) // len(records))
    return max(1, min(most, budget // mean))


def by_size(
    records: list[ConsumerRecord[Any, Any]], budget: int
) -> Iterator[list[ConsumerRecord[Any, Any]]]:
    """``records`` in order, cut into runs of at most ``budget`` bytes of values (a record
    larger than that is a run of its own)."""
    run: list[ConsumerRecord[Any, Any]] = []
    size = 0
    for record in records:
        n = len(record.value or b"")
        if run and size + n > budget:
            yield run
            run, size = [], 0
        run.append(record)
        size += n
    if run:
        yield run


class EventConsumer:
    """Consume ``topics`` as consumer group ``name``, dispatching by event type."""

    def __init__(
        self,
        *,
        name: str,
        bootstrap: str,
        pool: asyncpg.Pool,
        handlers: Mapping[str, AnyHandler],
        topics: list[str],
        dead_letters: Publisher,
        max_retries: int = 5,
        retry_backoff_s: float = 0.2,
        batch_size: int = 500,
        batch_bytes: int = 1 << 20,
        poll_bytes: int = 1 << 20,
        fetch_partition_bytes: int = 256 << 10,
        session_timeout_ms: int = 10000,
        batch_transactions: bool = True,
        offset_reset: str = "earliest",
        commit_interval_s: float = 0.2,
        wakers: Wakers | None = None,
    ) -> None:
        self.name = name
        self._wakers = wakers
        self._commit_interval_s = commit_interval_s
        self._session_timeout_ms = session_timeout_ms
        self._batch_transactions = batch_transactions
        self._offset_reset = offset_reset
        self._bootstrap = bootstrap
        self._pool = pool
        self._handlers = dict(handlers)
        self._models = _models(self._handlers)
        self._typed_readers = {t: typed_reader(m) for t, m in self._models.items()}
        self._topics = topics
        self._dead_letters = dead_letters
        self._max_retries = max_retries
        self._retry_backoff_s = retry_backoff_s
        self._batch_size = batch_size
        self._batch_bytes = batch_bytes
        self._poll_bytes = poll_bytes
        self._fetch_partition_bytes = fetch_partition_bytes
        self._stopping = False
        self._consumer: AIOKafkaConsumer | None = None
        self._lag_reported: set[TopicPartition] = set()

    def stop(self) -> None:
        self._stopping = True

    async def run(self) -> None:
        """Consume until stopped; broker outages are waited out, never fatal."""
        backoff = 0.5
        while not self._stopping:
            try:
                await self._run_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                _log.warning("consumer_error", consumer=self.name, error=repr(exc))
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)

    async def _run_once(self) -> None:
        consumer = AIOKafkaConsumer(
            *self._topics,
            bootstrap_servers=self._bootstrap,
            group_id=self.name,
            client_id=self.name,
            enable_auto_commit=False,
            auto_offset_reset=self._offset_reset,
            max_poll_records=self._batch_size,
            # what the fetcher buffers per partition until a poll takes it (default 1 MiB:
            # ~32 RecordsImported per partition held as raw bytes); a bigger batch still comes
            # whole, and the relay's batches are at most 256 KiB
            max_partition_fetch_bytes=self._fetch_partition_bytes,
            # a killed instance's partitions move on after this; shorter is faster recovery,
            # longer tolerates GC/CPU stalls (a 2-core box under load stalls for < 1 s)
            session_timeout_ms=self._session_timeout_ms,
            heartbeat_interval_ms=max(500, self._session_timeout_ms // 5),
            max_poll_interval_ms=300000,
        )
        await consumer.start()
        self._consumer = consumer
        last_lag = 0.0
        committing: asyncio.Task[None] | None = None
        # offsets handled and not yet committed; committed at most every commit_interval_s
        # while records flow, and as soon as a poll comes back empty
        handled: dict[TopicPartition, int] = {}
        last_commit = time.monotonic()
        max_records = self._batch_size
        try:
            while not self._stopping:
                if committing is not None and committing.done():
                    committing.result()  # an unexpected error ends this consumer like a crash
                wait_ms = 500
                if handled:  # an empty poll at the latest when the commit is due
                    due = last_commit + self._commit_interval_s - time.monotonic()
                    wait_ms = max(0, min(wait_ms, int(due * 1000)))
                batches = await consumer.getmany(timeout_ms=wait_ms, max_records=max_records)
                if batches:
                    # one transaction for the whole poll, whichever partitions it spans (each
                    # partition's records stay in offset order)
                    records = [r for rs in batches.values() for r in rs]
                    # ~poll_bytes of events per poll: 500 small events (IdentityMatched
                    # ~700 B), ~32 RecordsImported of ~32 KB
                    max_records = poll_size(records, budget=self._poll_bytes, most=self._batch_size)
                    # a transaction per ~batch_bytes of the events a handler wants: 500
                    # RecordsImported parsed at once held ~170 MB of objects in every consumer
                    # of the topic
                    for chunk in by_size(self._wanted(records), self._batch_bytes):
                        # the relay (and queue workers) woken once the chunk committed: a
                        # NOTIFY in its transaction would serialise commits cluster-wide
                        with self._after_commit():
                            await self._handle_batch(chunk)
                    handled.update({tp: rs[-1].offset + 1 for tp, rs in batches.items()})
                due = time.monotonic() - last_commit >= self._commit_interval_s
                if handled and (due or not batches):
                    # One commit per interval, not per poll: a commit is a broker round trip
                    # and a write to __consumer_offsets, and while events trickle in (a burst
                    # of confirmations: polls of one or two events) that was a commit for
                    # every event or two (docs/notes/issue-16-session10.md). What was handled
                    # and not committed when an instance dies comes again, and the inbox
                    # drops it. The commit overlaps the next poll; one at a time keeps the
                    # committed offsets increasing.
                    if committing is not None:
                        await committing
                    committing = asyncio.create_task(self._commit(consumer, handled))
                    handled, last_commit = {}, time.monotonic()
                if time.monotonic() - last_lag > 1.0:
                    await self._observe_lag(consumer)
                    last_lag = time.monotonic()
        finally:
            with contextlib.suppress(Exception):
                if committing is not None:
                    await committing
                if handled and self._stopping:  # a clean stop leaves nothing to repeat
                    await self._commit(consumer, handled)
            self._consumer = None
            with contextlib.suppress(Exception):
                await asyncio.wait_for(consumer.stop(), 10)

    def _after_commit(self) -> contextlib.AbstractContextManager[None]:
        return self._wakers.after_commit() if self._wakers else contextlib.nullcontext()

    async def _commit(self, consumer: AIOKafkaConsumer, offsets: dict[TopicPartition, int]) -> None:
        # a partition lost in a rebalance is resumed by its new owner; the inbox drops repeats
        mine = {tp: offset for tp, offset in offsets.items() if tp in consumer.assignment()}
        if not mine:
            return
        try:
            # during a broker outage commit() waits rather than fails: bound it; the records
            # of an offset that was not committed come again and the inbox drops them
            await asyncio.wait_for(consumer.commit(mine), 10)
        except (CommitFailedError, KafkaError, TimeoutError) as exc:
            _log.warning("offset_commit_failed", consumer=self.name, error=repr(exc))

    async def _observe_lag(self, consumer: AIOKafkaConsumer) -> None:
        assigned = set(consumer.assignment())
        # a partition that a rebalance gave to another instance is reported there now: its
        # last value here would linger and be counted twice by sum by (consumer, topic)
        for tp in self._lag_reported - assigned:
            with contextlib.suppress(KeyError):
                metrics.CONSUMER_LAG.remove(self.name, tp.topic, str(tp.partition))
        self._lag_reported &= assigned
        for tp in assigned:
            high = consumer.highwater(tp)
            if high is None:
                continue
            with contextlib.suppress(Exception):
                position = await asyncio.wait_for(consumer.position(tp), 1.0)
                metrics.CONSUMER_LAG.labels(self.name, tp.topic, str(tp.partition)).set(
                    max(0, high - position)
                )
                self._lag_reported.add(tp)

    def _wanted(self, records: list[ConsumerRecord[Any, Any]]) -> list[ConsumerRecord[Any, Any]]:
        """``records`` less those whose type no handler wants, counted as ignored without
        their ``data`` being parsed (notify read every RecordsImported only to drop it). Not
        claimed in the inbox, as before: ignoring one again is harmless. An envelope without
        a readable type stays, to be dead-lettered by :meth:`_handle`.

        The type is guessed first (:func:`guess_type`, ~0.3 µs); an event whose guess a
        handler takes is kept at once (a wrong guess only costs its parse: the typed reader
        checks the type, and :meth:`_apply_all` counts an unwanted one). Any other is peeked
        exactly (~2.5 µs), whatever its size: a small one used to be parsed whole and given
        a transaction only to be dropped — identity read each IdentityMatched of a matching
        burst that way, 33 µs of its CPU a match (docs/notes/issue-16-session11.md)."""
        wanted: list[ConsumerRecord[Any, Any]] = []
        ignored: dict[str, int] = {}
        for record in records:
            if guess_type(record.value or b"") in self._handlers:
                wanted.append(record)
                continue
            kind = peek_type(record.value)
            if kind is None or kind in self._handlers:
                wanted.append(record)
            else:
                ignored[record.topic] = ignored.get(record.topic, 0) + 1
        for topic, n in ignored.items():
            metrics.EVENTS_CONSUMED.labels(self.name, topic, "ignored").inc(n)
        return wanted

    async def _handle(self, record: ConsumerRecord[Any, Any]) -> None:
        try:
            event = from_json_bytes(record.value)
        except Exception as exc:
            await self._dead_letter(record, f"unreadable envelope: {exc!r}")
            return
        if event.type not in self._handlers:
            metrics.EVENTS_CONSUMED.labels(self.name, record.topic, "ignored").inc()
            return
        delay = self._retry_backoff_s
        attempt = 0
        while True:
            try:
                outcome = await self._apply(record, event)
            except Exception as exc:
                if database_away(exc):
                    # Not the event's fault: wait for the database however long it takes (the
                    # partition waits too, keeping order); dead-lettering here would park good
                    # events that then need a manual replay.
                    _log.warning("event_waits_for_database", consumer=self.name, error=repr(exc))
                    if self._stopping:
                        raise
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5.0)
                    continue
                attempt += 1
                _log.warning(
                    "event_handler_failed",
                    consumer=self.name,
                    type=event.type,
                    attempt=attempt,
                    error=repr(exc),
                )
                if attempt >= self._max_retries:
                    await self._dead_letter(record, repr(exc))
                    return
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
            else:
                metrics.EVENTS_CONSUMED.labels(self.name, record.topic, outcome).inc()
                if outcome == "processed":
                    age = time.time() - event.time.timestamp()
                    metrics.EVENT_LATENCY.labels(self.name).observe(max(age, 0.0))
                return

    async def _handle_batch(self, records: list[ConsumerRecord[Any, Any]]) -> None:
        """One transaction for a poll's records (one commit instead of hundreds).

        Order is kept (records are applied in offset order). If anything in the batch
        fails, the transaction rolls back and the records are handled one at a time,
        with retries and dead-lettering isolating the poison message.
        """
        if not self._batch_transactions or len(records) == 1:
            for record in records:
                await self._handle(record)
            return
        try:
            work = [(record, self._read(record.value)) for record in records]
        except Exception:
            work = []
        outcomes: list[str] = []
        if work:
            try:
                async with self._pool.acquire() as conn, conn.transaction():
                    outcomes = await self._apply_all(conn, work)
            except Exception as exc:
                _log.info("batch_rolled_back", consumer=self.name, error=repr(exc))
                outcomes = []
        if not outcomes:
            for record in records:
                await self._handle(record)
            return
        self._observe(work, outcomes)

    def _read(self, value: bytes) -> CloudEvent:
        """The envelope, with its data validated in the same pass where a handler here takes
        its type; read the general way (``data`` a dict) where not, or where the typed
        reader refused it (so an ignored type, or data that does not fit, is told apart as
        before: the batch's transaction fails on it and the one-at-a-time path retries and
        dead-letters it)."""
        kind = guess_type(value) if value else None
        read_typed = self._typed_readers.get(kind) if kind else None
        if read_typed is not None:
            with contextlib.suppress(ValidationError):
                return read_typed(value)
        return from_json_bytes(value)

    def _data_of(self, event: CloudEvent) -> Contract:
        """The event's data as its handler reads it: validated already by the typed reader,
        or now (an event read the general way)."""
        data: object = event.data
        if isinstance(data, Contract):
            return data
        model = self._models.get(event.type)
        return parse_data(event) if model is None else model.from_data(event.data)

    def _observe(
        self, work: list[tuple[ConsumerRecord[Any, Any], CloudEvent]], outcomes: list[str]
    ) -> None:
        """Count a batch's outcomes (one counter update per topic and outcome, not one per
        event: a label lookup is ~1 µs, ~5 % of an IdentityMatched's cost in a consumer) and
        observe each processed event's age."""
        now = time.time()
        latency = metrics.EVENT_LATENCY.labels(self.name)
        counts: dict[tuple[str, str], int] = {}
        for (record, event), outcome in zip(work, outcomes, strict=True):
            key = (record.topic, outcome)
            counts[key] = counts.get(key, 0) + 1
            if outcome == "processed":
                latency.observe(max(now - event.time.timestamp(), 0.0))
        for (topic, outcome), n in counts.items():
            metrics.EVENTS_CONSUMED.labels(self.name, topic, outcome).inc(n)

    async def _apply(self, record: ConsumerRecord[Any, Any], event: CloudEvent) -> str:
        async with self._pool.acquire() as conn, conn.transaction():
            return (await self._apply_all(conn, [(record, event)]))[0]

    async def _apply_all(
        self, conn: DbConnection, work: list[tuple[ConsumerRecord[Any, Any], CloudEvent]]
    ) -> list[str]:
        """Claim the events in the inbox (one statement), then apply the new ones in order;
        the outcome of each: processed, duplicate or ignored (no handler)."""
        wanted = [(r, e) for r, e in work if e.type in self._handlers]
        claimed = await self._claim(conn, wanted)
        outcomes: list[str] = []
        run: list[Any] = []  # Delivered, or Received for a BatchedRaw
        run_handler: Batched | BatchedRaw | None = None
        last: tuple[ConsumerRecord[Any, Any], CloudEvent] | None = None  # of the run

        async def apply_run() -> None:
            # a run is applied in the context of its last event (one binding per run, not
            # per event: binding cost ~4 % of a matching burst's consumer profile)
            assert run_handler is not None and last is not None
            _bind(*last)
            await run_handler.apply(conn, run)

        for record, event in work:
            handler = self._handlers.get(event.type)
            if handler is None:
                outcomes.append("ignored")
                continue
            if event.id not in claimed:
                outcomes.append("duplicate")
                continue
            claimed.discard(event.id)  # a second copy within the batch is a duplicate too
            outcomes.append("processed")
            if run_handler is not None and handler is not run_handler:
                await apply_run()
                run, run_handler = [], None
            if isinstance(handler, Batched):
                run.append((event, self._data_of(event)))
                run_handler, last = handler, (record, event)
            elif isinstance(handler, BatchedRaw):
                run.append((event, self._data_of(event), record.value))
                run_handler, last = handler, (record, event)
            else:
                _bind(record, event)
                await handler(conn, event, self._data_of(event))
        if run_handler is not None:
            await apply_run()
        duplicates = outcomes.count("duplicate")
        if duplicates:
            await conn.execute(
                "INSERT INTO inbox_duplicates (consumer, dropped) VALUES ($1, $2)"
                " ON CONFLICT (consumer) DO UPDATE"
                " SET dropped = inbox_duplicates.dropped + EXCLUDED.dropped",
                self.name,
                duplicates,
            )
        return outcomes

    async def _claim(
        self, conn: DbConnection, work: list[tuple[ConsumerRecord[Any, Any], CloudEvent]]
    ) -> set[str]:
        """Record the events in the inbox; the ids that were not there before."""
        if not work:
            return set()
        rows = await conn.fetch(
            _CLAIM,
            self.name,
            [e.id for _, e in work],
            [r.topic for r, _ in work],
            [r.partition for r, _ in work],
            [r.offset for r, _ in work],
        )
        return {row["event_id"] for row in rows}

    async def _dead_letter(self, record: ConsumerRecord[Any, Any], error: str) -> None:
        headers = [
            *(record.headers or ()),
            ("dlq_error", error[:2000].encode()),
            ("dlq_consumer", self.name.encode()),
            ("dlq_original_topic", record.topic.encode()),
            ("dlq_original_partition", str(record.partition).encode()),
            ("dlq_original_offset", str(record.offset).encode()),
            ("dlq_at", datetime.now(UTC).isoformat().encode()),
        ]
        ack = await self._dead_letters.send(
            dlq_topic(record.topic), value=record.value, key=record.key, headers=headers
        )
        await ack
        metrics.DLQ_MESSAGES.labels(self.name, record.topic).inc()
        metrics.EVENTS_CONSUMED.labels(self.name, record.topic, "dead_lettered").inc()
        _log.error("event_dead_lettered", consumer=self.name, topic=record.topic, error=error)
