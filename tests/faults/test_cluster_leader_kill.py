"""Failover test: kill -9 a partition leader, or the active KRaft controller, of a 3-node
cluster under outbox/inbox load.

The runtime's own outbox relay and inbox consumer run against the local 3-node cluster
(deploy/local/kafka-cluster.sh: combined broker+controller nodes, a 3-voter quorum,
replication factor 3, min.insync.replicas 2) while rows are written at a steady rate. Mid-load
the victim is killed with SIGKILL: the leader of partition 0, or the quorum's leader (the
active controller, found with kafka-metadata-quorum describe --status); once the others lead
(a new controller elected too) and the relay publishes again, it is started again. Afterwards
every row is published and took effect exactly once, and the relay and consumer never had to
be restarted.

Starting three brokers takes a while on a small machine: `make test-cluster` runs it
(JIAODUI_KAFKA_CLUSTER=1); the numbers go to .stack/logs/cluster-<victim>-kill.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from aiokafka.admin import AIOKafkaAdminClient
from jiaodui_contracts import CloudEvent
from jiaodui_contracts.identity import AccountRegistered
from jiaodui_runtime.consumer import EventConsumer
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.kafka import all_topics, ensure_topics, new_producer
from jiaodui_runtime.outbox import add_to_outbox
from jiaodui_runtime.relay import OutboxRelay, Publisher
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.databases import runtime_pool
from pydantic import BaseModel

pytestmark = [pytest.mark.integration, pytest.mark.faults, pytest.mark.timeout(600)]
ROOT = Path(__file__).resolve().parents[2]
TOPIC = "identity.events"
EVENTS = int(os.environ.get("JIAODUI_CLUSTER_EVENTS", "1500"))
RATE = 50.0  # outbox rows per second


async def cluster(*args: str) -> str:
    """deploy/local/kafka-cluster.sh ARGS; its stdout."""
    process = await asyncio.create_subprocess_exec(
        "bash",
        str(ROOT / "deploy/local/kafka-cluster.sh"),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, f"kafka-cluster.sh {' '.join(args)}: {err.decode()[-3000:]}"
    return out.decode().strip()


@pytest_asyncio.fixture
async def bootstrap() -> str:
    if os.environ.get("JIAODUI_KAFKA_CLUSTER") != "1":
        pytest.skip("needs the 3-broker cluster: run it with make test-cluster")
    await cluster("up")  # finds it running, or starts it (and any node left down)
    return await cluster("bootstrap")


LEDGER = (
    "CREATE TABLE ledger (seq bigserial PRIMARY KEY, account_id text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT clock_timestamp())"
)


@pytest_asyncio.fixture
async def db(fresh_database: str) -> AsyncIterator[asyncpg.Pool]:
    async with runtime_pool(fresh_database, LEDGER) as pool:
        yield pool


async def partitions(bootstrap: str, topic: str) -> list[dict[str, Any]] | None:
    """The topic's partitions as the cluster's metadata describes them; None when unreachable."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
    try:
        await asyncio.wait_for(admin.start(), 5)
        described = await asyncio.wait_for(admin.describe_topics([topic]), 5)
    except Exception:
        return None
    finally:
        await admin.close()
    found: list[dict[str, Any]] = described[0]["partitions"]
    return sorted(found, key=lambda p: p["partition"]) or None


async def apply_to_ledger(conn: DbConnection, event: CloudEvent, data: BaseModel) -> None:
    assert isinstance(data, AccountRegistered)
    await conn.execute("INSERT INTO ledger (account_id) VALUES ($1)", data.account_id)


async def controller() -> int | None:
    """The active controller's node id (the KRaft quorum's leader); None while unknown."""
    try:
        return int(await cluster("controller"))
    except (AssertionError, ValueError):
        return None


async def kill_and_restart(
    bootstrap: str, topic: str, db: asyncpg.Pool, load: Load, victim: str
) -> dict[str, Any]:
    """Kill -9 the victim (partition 0's leader, or the active controller) once the load runs;
    start it again once the cluster and the relay have moved on without it; return when it is
    back in every partition's ISR."""

    async def under_way() -> bool:
        published = await db.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL")
        return published > 0 and len(load.acknowledged) >= EVENTS // 10

    await eventually(under_way, timeout_s=60, what="the load under way")
    layout = await eventually(lambda: partitions(bootstrap, topic), what="the partition leaders")
    if victim == "active-controller":
        leader: int = await eventually(controller, timeout_s=60, what="the active controller")
    else:
        leader = layout[0]["leader"]
    led = [p["partition"] for p in layout if p["leader"] == leader]
    killed_after = len(load.acknowledged)
    killed_at = await db.fetchval("SELECT clock_timestamp()")
    start = time.monotonic()
    await cluster("kill", str(leader))

    async def led_by_survivors() -> bool:
        now = await partitions(bootstrap, topic)
        return now is not None and all(p["leader"] not in (leader, -1) for p in now)

    await eventually(led_by_survivors, timeout_s=90, interval_s=0.1, what="new leaders")
    failover_s = time.monotonic() - start
    elected: dict[str, Any] = {}
    if victim == "active-controller":

        async def new_controller() -> int | None:
            found = await controller()
            return found if found not in (None, leader) else None

        elected["new_controller"] = await eventually(
            new_controller, timeout_s=90, interval_s=0.1, what="a new active controller"
        )
        elected["controller_known_after_s"] = round(time.monotonic() - start, 2)

    async def published_since_kill() -> bool:
        return bool(
            await db.fetchval(
                "SELECT count(*) > 0 FROM outbox"
                " WHERE created_at > $1 AND published_at IS NOT NULL",
                killed_at,
            )
        )

    await eventually(published_since_kill, timeout_s=90, what="the relay publishing again")
    await cluster("start", str(leader))
    restarted_s = time.monotonic() - start

    async def back_in_sync() -> bool:
        now = await partitions(bootstrap, topic)
        return now is not None and all(len(p["isr"]) == 3 for p in now)

    await eventually(back_in_sync, timeout_s=120, what=f"node {leader} back in the ISR")
    return {
        "victim": victim,
        "killed_node": leader,
        "it_led_partitions": led,
        **elected,
        "killed_after_acknowledged": killed_after,
        "killed_at": killed_at,
        "leader_failover_s": round(failover_s, 2),
        "node_restarted_after_s": round(restarted_s, 2),
        "isr_complete_after_s": round(time.monotonic() - start, 2),
    }


async def drained(db: asyncpg.Pool, acknowledged: int) -> bool:
    return bool(
        await db.fetchval(
            "SELECT (SELECT count(*) FROM ledger) >= $1"
            " AND NOT EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL)",
            acknowledged,
        )
    )


async def resumption(db: asyncpg.Pool, killed_at: datetime) -> dict[str, float]:
    """Seconds from the kill until the first row written after it was published, and applied."""
    row = await db.fetchrow(
        "SELECT extract(epoch FROM min(o.published_at) - $1) AS published,"
        " extract(epoch FROM min(l.applied_at) - $1) AS applied"
        " FROM outbox o LEFT JOIN ledger l ON l.account_id = o.key WHERE o.created_at > $1",
        killed_at,
    )
    assert row is not None
    return {
        "first_row_after_kill_published_s": round(float(row["published"]), 2),
        "first_row_after_kill_applied_s": round(float(row["applied"]), 2),
    }


def report(stack: StackEndpoints, numbers: dict[str, Any]) -> None:
    text = json.dumps(numbers, indent=2)
    victim = numbers["victim"]
    print(f"\ncluster {victim} kill:\n{text}")
    if stack.stack_dir is not None:
        (stack.stack_dir / "logs" / f"cluster-{victim}-kill.json").write_text(text + "\n")


class Load:
    """Writes outbox rows at a steady rate, one transaction each, as a service would."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.submitted = 0
        self.acknowledged: list[str] = []

    async def run(self) -> None:
        next_at = time.monotonic()
        for _ in range(EVENTS):
            account_id = str(uuid.uuid4())
            self.submitted += 1
            async with self.pool.acquire() as conn, conn.transaction():
                payload = AccountRegistered(account_id=account_id, registered_at=datetime.now(UTC))
                await add_to_outbox(conn, payload, source="/jiaodui/test")
            self.acknowledged.append(account_id)
            next_at += 1 / RATE
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))  # pacing, not waiting


@pytest_asyncio.fixture
async def prefix(bootstrap: str) -> AsyncIterator[str]:
    """This test's topics (replication factor 3), deleted afterwards: every topic a node holds
    makes its restart slower, and this test restarts nodes."""
    prefix = f"t{uuid.uuid4().hex[:10]}."
    topics = all_topics([TOPIC], prefix=prefix)
    await ensure_topics(bootstrap, partitions=3, replication=3, topics=topics)
    yield prefix
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.delete_topics(topics)
    finally:
        await admin.close()


@pytest.mark.parametrize("victim", ["partition-leader", "active-controller"])
async def test_leader_killed_mid_load_every_row_published_and_applied_once(
    victim: str,
    bootstrap: str,
    prefix: str,
    db: asyncpg.Pool,
    fresh_database: str,
    stack: StackEndpoints,
) -> None:
    topic = prefix + TOPIC
    layout = await eventually(
        lambda: partitions(bootstrap, topic), timeout_s=60, what=f"{topic} in the metadata"
    )
    assert all(len(p["replicas"]) == 3 for p in layout)

    producers: list[Publisher] = []

    def new_relay_producer() -> Publisher:
        producers.append(new_producer(bootstrap, client_id="cluster-test-relay"))
        return producers[-1]

    relay = OutboxRelay(
        dsn=fresh_database,
        topic_prefix=prefix,
        poll_interval_s=0.2,
        publisher_factory=new_relay_producer,
    )
    dead_letters = new_producer(bootstrap, client_id="cluster-test-dlq")
    consumer = EventConsumer(
        name=f"{prefix}ledger",
        bootstrap=bootstrap,
        pool=db,
        handlers={AccountRegistered.TYPE: apply_to_ledger},
        topics=[topic],
        dead_letters=dead_letters,
    )
    await dead_letters.start()
    load = Load(db)
    tasks = [asyncio.create_task(t()) for t in (relay.run, consumer.run, load.run)]
    try:
        numbers = await kill_and_restart(bootstrap, topic, db, load, victim)
        await tasks[2]
        await eventually(
            lambda: drained(db, len(load.acknowledged)),
            timeout_s=180,
            what="the ledger to catch up",
        )
        # recovered on their own: neither the relay nor the consumer task ever ended
        assert not tasks[0].done() and not tasks[1].done()
    finally:
        relay.stop()
        consumer.stop()
        await asyncio.wait(tasks[:2], timeout=15)
        for task in tasks:
            task.cancel()
        await dead_letters.stop()

    counts = await db.fetch("SELECT account_id, count(*) AS n FROM ledger GROUP BY account_id")
    applied = {r["account_id"]: r["n"] for r in counts}
    lost = set(load.acknowledged) - set(applied)
    numbers |= {
        "submitted": load.submitted,
        "acknowledged": len(load.acknowledged),
        "published": await db.fetchval(
            "SELECT count(*) FROM outbox WHERE published_at IS NOT NULL"
        ),
        "effected": len(applied),
        "applied_twice": sum(1 for n in applied.values() if n > 1),
        "duplicates_dropped": await db.fetchval(
            "SELECT coalesce(sum(dropped), 0)::bigint FROM inbox_duplicates"
        ),
        "lost": len(lost),
        "relay_producers_created": len(producers),
        "load_average_1m": round(os.getloadavg()[0], 1),
        **await resumption(db, numbers.pop("killed_at")),
    }
    report(stack, numbers)
    assert numbers["acknowledged"] == numbers["submitted"] == EVENTS
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
    assert not lost and set(applied) == set(load.acknowledged)
    assert numbers["applied_twice"] == 0
    assert await db.fetchval("SELECT count(*) FROM inbox") == EVENTS
