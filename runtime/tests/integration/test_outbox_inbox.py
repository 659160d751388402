"""The outbox relay and the inbox consumer against the real Kafka and Postgres.

Each test has its own database and its own topic prefix, so counts are exact and
the suite can run beside a running ``make run`` stack.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from aiokafka import AIOKafkaConsumer, TopicPartition
from jiaodui_contracts import CloudEvent, new_event, to_json_bytes
from jiaodui_contracts.identity import AccountRegistered
from jiaodui_runtime.consumer import AnyHandler, Batched, BatchedRaw, EventConsumer
from jiaodui_runtime.db import DbConnection, connect, create_pool
from jiaodui_runtime.dlq import dlq_size, replay
from jiaodui_runtime.kafka import all_topics, ensure_topics, new_producer
from jiaodui_runtime.migrations import apply_migrations, runtime_migrations
from jiaodui_runtime.outbox import NOTIFY_CHANNEL, add_many_to_outbox, add_to_outbox
from jiaodui_runtime.relay import OutboxRelay, Publisher
from jiaodui_runtime.testing import eventually
from jiaodui_runtime.testing.stack import StackEndpoints
from jiaodui_runtime.wakes import Wakers
from pydantic import BaseModel

from .test_relay_wake import asleep_relay, outbox_listener

pytestmark = pytest.mark.integration
TOPIC = "identity.events"


class CrashingPublisher:
    """A real producer that 'crashes' after ``fail_after`` sends, before the relay marks."""

    def __init__(self, inner: Publisher, fail_after: int) -> None:
        self._inner = inner
        self._left = fail_after

    async def start(self) -> None:
        await self._inner.start()

    async def stop(self) -> None:
        await self._inner.stop()  # flushes: what was sent really reaches Kafka

    async def send(self, topic: str, **kwargs: Any) -> Awaitable[Any]:
        if self._left == 0:
            raise ConnectionError("relay killed between send and mark")
        self._left -= 1
        return await self._inner.send(topic, **kwargs)


@pytest_asyncio.fixture
async def db(fresh_database: str) -> AsyncIterator[asyncpg.Pool]:
    conn = await connect(fresh_database)
    await apply_migrations(conn, runtime_migrations())
    await conn.execute(
        "CREATE TABLE effects (seq bigserial PRIMARY KEY, account_id text NOT NULL,"
        " registered_at timestamptz NOT NULL)"
    )
    await conn.close()
    pool = await create_pool(fresh_database, min_size=1, max_size=5)
    yield pool
    await pool.close()


@pytest_asyncio.fixture
async def prefix(stack: StackEndpoints) -> str:
    prefix = f"t{uuid.uuid4().hex[:10]}."
    await ensure_topics(
        stack.kafka_bootstrap,
        partitions=3,
        replication=1,
        topics=all_topics([TOPIC], prefix=prefix),
    )
    return prefix


async def write_events(pool: asyncpg.Pool, account_ids: list[str]) -> None:
    start = datetime.now(UTC)
    for i, account_id in enumerate(account_ids):
        async with pool.acquire() as conn, conn.transaction():
            await add_to_outbox(
                conn,
                AccountRegistered(
                    account_id=account_id, registered_at=start + timedelta(microseconds=i)
                ),
                source="/jiaodui/test",
            )


async def record_effect(conn: DbConnection, event: CloudEvent, data: BaseModel) -> None:
    assert isinstance(data, AccountRegistered)
    await conn.execute(
        "INSERT INTO effects (account_id, registered_at) VALUES ($1, $2)",
        data.account_id,
        data.registered_at,
    )


def relay_for(
    stack: StackEndpoints, dsn: str, prefix: str, *, poll_interval_s: float = 0.2, **kwargs: Any
) -> OutboxRelay:
    return OutboxRelay(
        dsn=dsn,
        topic_prefix=prefix,
        poll_interval_s=poll_interval_s,
        publisher_factory=lambda: new_producer(stack.kafka_bootstrap, client_id="test-relay"),
        **kwargs,
    )


def consumer_for(
    stack: StackEndpoints,
    pool: asyncpg.Pool,
    prefix: str,
    handler: AnyHandler = record_effect,
    cls: type[EventConsumer] = EventConsumer,
    **kwargs: Any,
) -> EventConsumer:
    return cls(
        name=f"{prefix}test-consumer",
        bootstrap=stack.kafka_bootstrap,
        pool=pool,
        handlers={AccountRegistered.TYPE: handler},
        topics=[prefix + TOPIC],
        dead_letters=new_producer(stack.kafka_bootstrap, client_id="test-dlq"),
        **kwargs,
    )


async def run_until(
    tasks: list[Callable[[], Awaitable[None]]],
    condition: Callable[[], Awaitable[Any]],
    what: str,
    stoppers: list[Callable[[], None]],
) -> Any:
    running = [asyncio.create_task(t()) for t in tasks]
    try:
        return await eventually(condition, timeout_s=60, what=what)
    finally:
        for stop in stoppers:
            stop()
        await asyncio.wait(running, timeout=15)
        for t in running:
            t.cancel()


async def test_relay_killed_between_send_and_mark_loses_nothing_and_applies_once(
    db: asyncpg.Pool, fresh_database: str, prefix: str, stack: StackEndpoints
) -> None:
    ids = [str(uuid.uuid4()) for _ in range(200)]
    await write_events(db, ids)

    crashed_relay = relay_for(stack, fresh_database, prefix, batch_size=500)
    conn = await connect(fresh_database)
    publisher = CrashingPublisher(new_producer(stack.kafka_bootstrap, client_id="crash"), 120)
    await publisher.start()
    with pytest.raises(ConnectionError):
        await crashed_relay.publish_batch(conn, publisher)
    await publisher.stop()
    await conn.close()
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 200

    relay = relay_for(stack, fresh_database, prefix)
    consumer = consumer_for(stack, db, prefix)
    await consumer._dead_letters.start()

    async def all_applied_and_duplicates_dropped() -> bool:
        effects = await db.fetchval("SELECT count(*) FROM effects")
        dropped = await db.fetchval("SELECT coalesce(sum(dropped), 0) FROM inbox_duplicates")
        return effects == 200 and dropped == 120

    await run_until(
        [relay.run, consumer.run],
        all_applied_and_duplicates_dropped,
        "200 effects and 120 dropped duplicates",
        [relay.stop, consumer.stop],
    )
    await consumer._dead_letters.stop()
    rows = await db.fetch("SELECT account_id, count(*) AS n FROM effects GROUP BY account_id")
    assert sorted(r["account_id"] for r in rows) == sorted(ids)
    assert all(r["n"] == 1 for r in rows)
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0


async def test_events_of_one_key_take_effect_in_commit_order(
    db: asyncpg.Pool, fresh_database: str, prefix: str, stack: StackEndpoints
) -> None:
    account_id = str(uuid.uuid4())
    await write_events(db, [account_id] * 50)
    relay = relay_for(stack, fresh_database, prefix, batch_size=7)
    consumer = consumer_for(stack, db, prefix, batch_size=5)
    await consumer._dead_letters.start()

    async def fifty() -> bool:
        return await db.fetchval("SELECT count(*) FROM effects") == 50

    await run_until([relay.run, consumer.run], fifty, "50 effects", [relay.stop, consumer.stop])
    await consumer._dead_letters.stop()
    times = [
        r["registered_at"] for r in await db.fetch("SELECT registered_at FROM effects ORDER BY seq")
    ]
    assert times == sorted(times)


async def test_a_poison_event_goes_to_the_dlq_with_its_error_and_the_rest_go_on(
    db: asyncpg.Pool, fresh_database: str, prefix: str, stack: StackEndpoints
) -> None:
    ids = [str(uuid.uuid4()) for _ in range(5)]
    poison = ids[2]
    await write_events(db, ids)

    async def picky(conn: DbConnection, event: CloudEvent, data: BaseModel) -> None:
        assert isinstance(data, AccountRegistered)
        if data.account_id == poison:
            raise ValueError("cannot apply this one")
        await record_effect(conn, event, data)

    relay = relay_for(stack, fresh_database, prefix)
    consumer = consumer_for(stack, db, prefix, picky, max_retries=3, retry_backoff_s=0.01)
    await consumer._dead_letters.start()

    async def four() -> bool:
        return await db.fetchval("SELECT count(*) FROM effects") == 4

    await run_until([relay.run, consumer.run], four, "4 effects", [relay.stop, consumer.stop])
    await consumer._dead_letters.stop()

    dlq = AIOKafkaConsumer(
        f"{prefix}{TOPIC}.dlq",
        bootstrap_servers=stack.kafka_bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=f"{prefix}dlq-reader",
    )
    await dlq.start()
    try:
        batches = await eventually(
            lambda: dlq.getmany(timeout_ms=500), timeout_s=30, what="a DLQ message"
        )
    finally:
        await dlq.stop()
    messages = [m for ms in batches.values() for m in ms]
    assert len(messages) == 1
    headers = dict(messages[0].headers)
    assert b"cannot apply this one" in headers["dlq_error"]
    assert headers["dlq_original_topic"] == f"{prefix}{TOPIC}".encode()
    assert poison.encode() in messages[0].value
    assert await db.fetchval("SELECT count(*) FROM inbox") == 4

    # the cause is fixed: the replay command brings the poison event back, and it applies
    assert await dlq_size(stack.kafka_bootstrap, prefix + TOPIC) == 1
    assert await replay(stack.kafka_bootstrap, prefix + TOPIC, idle_ms=500) == 1
    assert await dlq_size(stack.kafka_bootstrap, prefix + TOPIC) == 0
    fixed = consumer_for(stack, db, prefix)
    await fixed._dead_letters.start()

    async def five() -> bool:
        return await db.fetchval("SELECT count(*) FROM effects") == 5

    await run_until([fixed.run], five, "the replayed event applied", [fixed.stop])
    await fixed._dead_letters.stop()


async def test_bulk_outbox_writes_keep_order_keys_and_headers(db: asyncpg.Pool) -> None:
    now = datetime.now(UTC)
    payloads = [
        AccountRegistered(account_id=str(uuid.uuid4()), registered_at=now) for _ in range(3)
    ]
    async with db.acquire() as conn, conn.transaction():
        events = await add_many_to_outbox(conn, payloads, source="/jiaodui/test")  # type: ignore[arg-type]
    rows = await db.fetch("SELECT event_id, key, headers FROM outbox ORDER BY seq")
    assert [str(r["event_id"]) for r in rows] == [e.id for e in events]
    assert [r["key"] for r in rows] == [p.account_id for p in payloads]
    assert all("correlation_id" in r["headers"] for r in rows)


class CrashBeforeOffsetCommit(EventConsumer):
    """Dies (once) after its database commits and before it commits the Kafka offset."""

    crashed = False

    async def _commit(self, consumer: Any, offsets: Any) -> None:
        if not self.crashed:
            self.crashed = True
            raise RuntimeError("consumer killed between database commit and offset commit")
        await super()._commit(consumer, offsets)


async def test_consumer_crash_between_db_commit_and_offset_commit_applies_once(
    db: asyncpg.Pool, fresh_database: str, prefix: str, stack: StackEndpoints
) -> None:
    ids = [str(uuid.uuid4()) for _ in range(30)]
    await write_events(db, ids)
    relay = relay_for(stack, fresh_database, prefix)
    consumer = consumer_for(stack, db, prefix, cls=CrashBeforeOffsetCommit)
    assert isinstance(consumer, CrashBeforeOffsetCommit)
    await consumer._dead_letters.start()

    async def applied_once_with_redelivery() -> bool:
        effects = await db.fetchval("SELECT count(*) FROM effects")
        dropped = await db.fetchval("SELECT coalesce(sum(dropped), 0) FROM inbox_duplicates")
        return effects == 30 and dropped > 0

    await run_until(
        [relay.run, consumer.run],
        applied_once_with_redelivery,
        "30 effects and redelivered duplicates dropped",
        [relay.stop, consumer.stop],
    )
    await consumer._dead_letters.stop()
    assert consumer.crashed
    counts = await db.fetch("SELECT account_id, count(*) AS n FROM effects GROUP BY account_id")
    assert len(counts) == 30 and all(r["n"] == 1 for r in counts)


class RecordingBatched:
    """A set-based handler: one INSERT per run; remembers the size of every run."""

    def __init__(self) -> None:
        self.runs: list[int] = []
        self.handler = Batched(self.apply)

    async def apply(self, conn: DbConnection, run: Sequence[tuple[CloudEvent, Any]]) -> None:
        self.runs.append(len(run))
        await conn.execute(
            "INSERT INTO effects (account_id, registered_at)"
            " SELECT * FROM unnest($1::text[], $2::timestamptz[])",
            [data.account_id for _, data in run],
            [data.registered_at for _, data in run],
        )


async def test_a_batched_handler_applies_runs_in_order_and_duplicates_once(
    db: asyncpg.Pool, prefix: str, stack: StackEndpoints
) -> None:
    account_id = str(uuid.uuid4())
    start = datetime.now(UTC)
    events = [
        new_event(
            AccountRegistered(account_id=account_id, registered_at=start + timedelta(seconds=i)),
            source="/jiaodui/test",
        )
        for i in range(40)
    ]
    producer = new_producer(stack.kafka_bootstrap, client_id="test-producer")
    await producer.start()
    try:
        for event in [*events, *events[:15]]:  # the first 15 delivered twice
            await producer.send_and_wait(
                prefix + TOPIC, value=to_json_bytes(event), key=account_id.encode()
            )
    finally:
        await producer.stop()
    batched = RecordingBatched()
    consumer = consumer_for(stack, db, prefix, handler=batched.handler, batch_size=20)
    await consumer._dead_letters.start()

    async def applied() -> bool:
        dropped = await db.fetchval("SELECT coalesce(sum(dropped), 0) FROM inbox_duplicates")
        return await db.fetchval("SELECT count(*) FROM effects") == 40 and dropped == 15

    await run_until([consumer.run], applied, "40 effects, 15 duplicates dropped", [consumer.stop])
    await consumer._dead_letters.stop()
    times = [
        r["registered_at"] for r in await db.fetch("SELECT registered_at FROM effects ORDER BY seq")
    ]
    assert times == [start + timedelta(seconds=i) for i in range(40)]
    assert sum(batched.runs) == 40 and len(batched.runs) < 40  # runs, not one call per event


async def test_a_database_outage_longer_than_the_retries_parks_nothing_in_the_dlq(
    db: asyncpg.Pool, fresh_database: str, prefix: str, stack: StackEndpoints
) -> None:
    ids = [str(uuid.uuid4()) for _ in range(3)]
    await write_events(db, ids)
    outage = {"left": 12}  # failures in a row, far beyond max_retries

    async def database_away(conn: DbConnection, event: CloudEvent, data: BaseModel) -> None:
        if outage["left"] > 0:
            outage["left"] -= 1
            raise asyncpg.CannotConnectNowError("the database system is starting up")
        await record_effect(conn, event, data)

    relay = relay_for(stack, fresh_database, prefix)
    consumer = consumer_for(stack, db, prefix, database_away, max_retries=3, retry_backoff_s=0.01)
    await consumer._dead_letters.start()

    async def three() -> bool:
        return await db.fetchval("SELECT count(*) FROM effects") == 3

    await run_until([relay.run, consumer.run], three, "3 effects", [relay.stop, consumer.stop])
    await consumer._dead_letters.stop()
    assert outage["left"] == 0
    assert await dlq_size(stack.kafka_bootstrap, prefix + TOPIC) == 0


async def test_a_raw_batched_handler_gets_each_events_kafka_value_as_sent(
    db: asyncpg.Pool, prefix: str, stack: StackEndpoints
) -> None:
    account_id = str(uuid.uuid4())
    start = datetime.now(UTC)
    sent = [
        # spacing and member order as a producer chose them (SQL-built events differ from
        # to_json_bytes): a log keeps these bytes, not a re-serialisation
        to_json_bytes(
            new_event(
                AccountRegistered(account_id=account_id, registered_at=start),
                source="/jiaodui/test",
            )
        ).replace(b'","', b'", "')
        for _ in range(5)
    ]
    producer = new_producer(stack.kafka_bootstrap, client_id="test-producer")
    await producer.start()
    try:
        for value in [*sent, sent[0]]:  # the first one delivered twice
            await producer.send_and_wait(prefix + TOPIC, value=value, key=account_id.encode())
    finally:
        await producer.stop()
    received: list[tuple[str, bytes]] = []

    async def keep(conn: DbConnection, run: Sequence[tuple[CloudEvent, Any, bytes]]) -> None:
        for event, data, value in run:
            assert isinstance(data, AccountRegistered) and data.account_id == account_id
            received.append((event.id, value))

    consumer = consumer_for(stack, db, prefix, handler=BatchedRaw(keep))
    await consumer._dead_letters.start()

    async def all_five() -> bool:
        return len(received) >= 5

    await run_until([consumer.run], all_five, "5 events kept", [consumer.stop])
    await consumer._dead_letters.stop()
    assert [value for _, value in received] == sent  # once each, in order, byte for byte


async def produce(stack: StackEndpoints, prefix: str, n: int) -> list[str]:
    """``n`` AccountRegistered straight onto the test's topic; their account ids."""
    ids = [str(uuid.uuid4()) for _ in range(n)]
    producer = new_producer(stack.kafka_bootstrap, client_id="test-producer")
    await producer.start()
    try:
        for account_id in ids:
            event = new_event(
                AccountRegistered(account_id=account_id, registered_at=datetime.now(UTC)),
                source="/jiaodui/test",
            )
            await producer.send_and_wait(
                prefix + TOPIC, value=to_json_bytes(event), key=account_id.encode()
            )
    finally:
        await producer.stop()
    return ids


async def test_a_consumers_outbox_rows_wake_the_relay_once_its_batch_committed(
    db: asyncpg.Pool, fresh_database: str, prefix: str, stack: StackEndpoints
) -> None:
    """A handler's outbox row is published by a relay that polls every five minutes: the
    consumer woke it after the batch's commit, not a NOTIFY (jiaodui_runtime.wakes)."""
    relay, asleep = asleep_relay(fresh_database, poll_interval_s=300)
    wakers = Wakers()
    wakers.register(NOTIFY_CHANNEL, relay.committed)

    async def forward(conn: DbConnection, event: CloudEvent, data: BaseModel) -> None:
        await record_effect(conn, event, data)
        assert isinstance(data, AccountRegistered)
        await add_to_outbox(conn, data, source="/jiaodui/test")

    consumer = consumer_for(stack, db, prefix, handler=forward, wakers=wakers)
    await consumer._dead_letters.start()
    listener, heard = await outbox_listener(fresh_database)
    relaying = asyncio.create_task(relay.run())
    try:
        await asyncio.wait_for(asleep.wait(), 10)
        heard.clear()  # the relay's own start-up is not the consumer's
        await produce(stack, prefix, 5)

        async def published() -> bool:
            return bool(
                await db.fetchval(
                    "SELECT count(*) = 5 AND bool_and(published_at IS NOT NULL) FROM outbox"
                )
            )

        await run_until([consumer.run], published, "5 forwarded rows published", [consumer.stop])
        await listener.execute("SELECT 1")  # a NOTIFY of a commit would have arrived by now
        assert heard == []
    finally:
        relay.stop()
        await asyncio.wait_for(relaying, 10)
        await consumer._dead_letters.stop()
        await listener.close()


class CountingCommits(EventConsumer):
    commits = 0

    async def _commit(self, consumer: Any, offsets: Any) -> None:
        self.commits += 1
        await super()._commit(consumer, offsets)


async def committed_offsets(stack: StackEndpoints, group: str, topic: str) -> int:
    reader = AIOKafkaConsumer(
        bootstrap_servers=stack.kafka_bootstrap, group_id=group, enable_auto_commit=False
    )
    await reader.start()
    try:
        partitions = reader.partitions_for_topic(topic) or set()
        if not partitions:
            await reader._client.force_metadata_update()
            partitions = reader.partitions_for_topic(topic) or set()
        offsets = [await reader.committed(TopicPartition(topic, p)) for p in partitions]
        return sum(o or 0 for o in offsets)
    finally:
        await reader.stop()


async def test_offsets_are_committed_per_interval_and_once_the_events_stop(
    db: asyncpg.Pool, prefix: str, stack: StackEndpoints
) -> None:
    """Six polls of five events, one offset commit: the interval has not passed, and the
    commit comes with the first empty poll, so a consumer that is caught up shows no lag."""
    await produce(stack, prefix, 30)
    consumer = consumer_for(
        stack, db, prefix, cls=CountingCommits, batch_size=5, commit_interval_s=120
    )
    assert isinstance(consumer, CountingCommits)
    await consumer._dead_letters.start()

    async def caught_up() -> bool:
        return await committed_offsets(stack, consumer.name, prefix + TOPIC) == 30

    await run_until([consumer.run], caught_up, "30 offsets committed", [consumer.stop])
    await consumer._dead_letters.stop()
    assert await db.fetchval("SELECT count(*) FROM effects") == 30
    assert consumer.commits == 1
