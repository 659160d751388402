"""Outbox relay throughput vs Kafka's ProducerPerformance; commit → effect latency at 200/s."""

from __future__ import annotations

import asyncio
import re
import statistics
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from jiaodui_contracts import CloudEvent, Contract
from jiaodui_contracts.identity import AccountRegistered
from jiaodui_contracts.records import IdentityMatched
from jiaodui_runtime.consumer import EventConsumer
from jiaodui_runtime.db import DbConnection, connect, create_pool
from jiaodui_runtime.kafka import BATCHING, all_topics, ensure_topics, new_producer
from jiaodui_runtime.migrations import apply_migrations, runtime_migrations
from jiaodui_runtime.outbox import add_many_to_outbox, add_to_outbox
from jiaodui_runtime.relay import OutboxRelay
from jiaodui_runtime.settings import ServiceSettings

from bench._db import UNPUBLISHED, scratch_database
from bench.report import Row

BOOTSTRAP = "127.0.0.1:9092"
# the relay as the services run it
RELAY_BATCH: int = ServiceSettings.model_fields["outbox_batch_size"].default
KAFKA = Path(__file__).resolve().parents[1] / ".stack" / "kafka"


async def _prepared(dsn: str) -> None:
    conn = await connect(dsn)
    await apply_migrations(conn, runtime_migrations())
    await conn.execute("CREATE TABLE effects (account_id text PRIMARY KEY, latency_ms float8)")
    await conn.close()


async def relay_throughput(n: int = 100_000, rounds: int = 3) -> list[Row]:
    """The relay publishing a backlog of IdentityMatched (the matching cascade's event, the
    project's typical record: ~610 B CloudEvent + 36 B key + 2 headers) against Kafka's own
    producer sending records of the same size with the same acks and idempotence.

    ``rounds`` rounds, each side in turn, medians reported: one side is a few seconds on two
    cores it shares with the whole stack, and a single short pair swung by ±30 % (four
    50,000-event pairs on a quiet machine: 53 %, 68 %, 92 %, 109 %)."""
    prefix = f"bench{uuid.uuid4().hex[:6]}."
    await ensure_topics(
        BOOTSTRAP,
        partitions=6,
        replication=1,
        topics=all_topics(["records.events"], prefix=prefix),
    )
    ours: list[float] = []
    theirs: list[float | None] = []
    for _ in range(rounds):
        rate, size = await _relay_once(prefix, n)
        ours.append(rate)
        theirs.append(await producer_performance(prefix + "records.events", n, size))
    measured = [b for b in theirs if b is not None]
    return [
        Row(
            "event relay",
            f"max events/s ({n:,} × {size} B, acks=all, idempotent; median of {rounds})",
            statistics.median(ours),
            statistics.median(measured) if measured else None,
            "events/s",
            "≥ 80 % of ProducerPerformance",
            "Kafka ProducerPerformance, same broker, record size, acks, batch size, compression",
            notes="rounds, ours vs ProducerPerformance: "
            + ", ".join(f"{a:,.0f} vs {b or 0:,.0f}" for a, b in zip(ours, theirs, strict=True)),
        )
    ]


async def _relay_once(prefix: str, n: int) -> tuple[float, int]:
    """Events/s of the relay draining ``n`` outbox rows, and the bytes Kafka carries per
    record (value, key and headers)."""
    async with scratch_database("relay") as dsn:
        await _prepared(dsn)
        pool = await create_pool(dsn, min_size=1, max_size=2)
        now = datetime.now(UTC)
        payloads: list[Contract] = [
            IdentityMatched(
                account_id=str(uuid.uuid4()),
                record_id=str(uuid.uuid4()),
                institution_code="10001",
                branch="computer-science",
                cohort="2026",
                student_number=f"2022{i:08d}",
                matched_at=now,
            )
            for i in range(n)
        ]
        async with pool.acquire() as conn, conn.transaction():
            await add_many_to_outbox(conn, payloads, source="/jiaodui/records")
        size = int(
            await pool.fetchval(
                "SELECT avg(length(payload) + length(key)"
                " + (SELECT sum(length(k) + length(v)) FROM jsonb_each_text(headers) AS h(k, v)))"
                " FROM outbox"
            )
        )
        relay = OutboxRelay(
            dsn=dsn,
            topic_prefix=prefix,
            batch_size=RELAY_BATCH,
            batch_bytes=ServiceSettings.model_fields["outbox_batch_bytes"].default,
            poll_interval_s=0.05,
            publisher_factory=lambda: new_producer(BOOTSTRAP, client_id="bench-relay"),
        )
        started = time.perf_counter()
        task = asyncio.create_task(relay.run())
        while await pool.fetchval(UNPUBLISHED):
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
        relay.stop()
        await task
        await pool.close()
    return n / elapsed, size


def producer_settings() -> dict[str, str]:
    """The relay producer's batching in the Java client's words, so the baseline batches alike."""
    return {
        "batch.size": str(BATCHING["max_batch_size"]),
        "linger.ms": str(BATCHING["linger_ms"]),
        "compression.type": BATCHING["compression_type"] or "none",
    }


async def producer_performance(topic: str, n: int, size: int) -> float | None:
    classpath = f"{KAFKA / 'lib'}/*:{KAFKA / 'tools'}/*"
    process = await asyncio.create_subprocess_exec(
        "java",
        "-Xmx512m",
        "-cp",
        classpath,
        "org.apache.kafka.tools.ProducerPerformance",
        "--topic",
        topic,
        "--num-records",
        str(n),
        "--record-size",
        str(size),
        "--throughput",
        "-1",
        "--producer-props",
        f"bootstrap.servers={BOOTSTRAP}",
        "acks=all",
        "enable.idempotence=true",
        *(f"{k}={v}" for k, v in producer_settings().items()),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 300)
    match = re.search(rb"records sent, ([\d.]+) records/sec", out.splitlines()[-1] if out else b"")
    return float(match.group(1)) if match else None


async def event_latency(rate: int = 200, seconds: int = 20) -> list[Row]:
    prefix = f"bench{uuid.uuid4().hex[:6]}."
    await ensure_topics(
        BOOTSTRAP,
        partitions=6,
        replication=1,
        topics=all_topics(["identity.events"], prefix=prefix),
    )
    async with scratch_database("latency") as dsn:
        await _prepared(dsn)
        pool = await create_pool(dsn, min_size=2, max_size=6)

        async def effect(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
            assert isinstance(data, AccountRegistered)
            latency = (datetime.now(UTC) - data.registered_at).total_seconds() * 1000
            await conn.execute("INSERT INTO effects VALUES ($1, $2)", data.account_id, latency)

        relay = OutboxRelay(
            dsn=dsn,
            topic_prefix=prefix,
            poll_interval_s=1.0,
            publisher_factory=lambda: new_producer(BOOTSTRAP, client_id="bench-relay"),
        )
        consumer = EventConsumer(
            name=f"{prefix}latency",
            bootstrap=BOOTSTRAP,
            pool=pool,
            handlers={AccountRegistered.TYPE: effect},
            topics=[prefix + "identity.events"],
            dead_letters=new_producer(BOOTSTRAP, client_id="bench-dlq"),
        )
        await consumer._dead_letters.start()
        tasks = [asyncio.create_task(relay.run()), asyncio.create_task(consumer.run())]
        await asyncio.sleep(3)  # group join and first fetch; not part of the measurement
        total = rate * seconds
        started = time.perf_counter()
        for i in range(total):
            async with pool.acquire() as conn, conn.transaction():
                # registered_at = the moment just before commit: latency = commit → effect
                await add_to_outbox(
                    conn,
                    AccountRegistered(
                        account_id=str(uuid.uuid4()), registered_at=datetime.now(UTC)
                    ),
                    source="/bench",
                )
            await asyncio.sleep(max(0.0, started + (i + 1) / rate - time.perf_counter()))
        deadline = time.monotonic() + 60
        while (
            await pool.fetchval("SELECT count(*) FROM effects") < total
            and time.monotonic() < deadline
        ):
            await asyncio.sleep(0.1)
        latencies = sorted(
            r["latency_ms"] for r in await pool.fetch("SELECT latency_ms FROM effects")
        )
        relay.stop()
        consumer.stop()
        await asyncio.gather(*tasks, return_exceptions=True)
        await consumer._dead_letters.stop()
        await pool.close()
    p50 = statistics.median(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    return [
        Row(
            "event latency", f"commit → consumer effect p50 at {rate}/s", p50, None, "ms", "≤ 10 ms"
        ),
        Row(
            "event latency",
            f"commit → consumer effect p99 at {rate}/s",
            p99,
            None,
            "ms",
            "≤ 50 ms",
            notes=f"{len(latencies):,} of {total:,} events applied",
        ),
    ]
