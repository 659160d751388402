"""PostgreSQL failover: kill -9 the primary mid-burst, promote its synchronous standby, count.

The stack runs with the failover option (deploy/local/postgres-ha.sh up: node a on :5432 the
primary, node b on :5433 its synchronous standby) and the services connect with multi-host DSNs
(``target_session_attrs=read-write``). Registrations and photo confirmations go through the
gateway while the primary is killed (postmaster and backends at once, as when its host dies);
the test then promotes the standby, as an operator or CloudNativePG would, and the services must
find the new primary by themselves (same processes). The books, read from the new primary and
from Kafka:

- every acknowledged registration is one account, one AccountRegistered and one activation
  command published, one activation delivery; every acknowledged confirmation one confirmed
  photo and one PhotoConfirmed; an unacknowledged one is all of that or nothing (``ledger``);
- no outbox row lost: every outbox row written since the test began (every database) is
  published and in its Kafka topic, and every event in Kafka since then is a row of some
  database's outbox (no event of a transaction that the failover lost);
- no 500: while no primary answers, requests get 503 ``database_unavailable`` with Retry-After.

Run it with ``make test-failover`` (JIAODUI_PG_FAILOVER=1), which starts the option first and
puts the plain stack back afterwards; it kills the stack's PostgreSQL, so on a machine whose
stack others use, run it in a network namespace of its own (docs/notes/issue-20-failover.md).
Numbers go to .stack/logs/postgres-failover.json.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import json
import os
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import asyncpg
import httpx
import orjson
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from jiaodui_contracts import TOPICS
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import Account

from .ledger import ROOT, Burst, assert_clean, emails, registration_tally, services_not_ready
from .photos_seed import confirmation_tally, student_with_photos

pytestmark = [pytest.mark.integration, pytest.mark.faults, pytest.mark.timeout(900)]
HA = ROOT / "deploy/local/postgres-ha.sh"
SERVICES = {
    "identity": 8001,
    "records": 8002,
    "photos": 8003,
    "notify": 8004,
    "corrections": 8005,
    "subscriptions": 8006,
    "reports": 8007,
}
Census = collections.Counter[str]


async def ha(*args: str) -> str:
    """deploy/local/postgres-ha.sh ARGS; its stdout (fails the test when it fails); what it
    logs is printed."""
    process = await asyncio.create_subprocess_exec(
        "bash", str(HA), *args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = await process.communicate()
    assert process.returncode == 0, f"postgres-ha.sh {' '.join(args)}: {err.decode()[-3000:]}"
    print(err.decode().strip())
    return out.decode()


@pytest.fixture
def ha_stack(stack: StackEndpoints) -> StackEndpoints:
    """The stack's endpoints with the failover pair's multi-host DSN."""
    if os.environ.get("JIAODUI_PG_FAILOVER") != "1" or stack.stack_dir is None:
        pytest.skip("needs the failover option on the local stack: run it with make test-failover")
    env = stack.stack_dir / "postgres-ha.env"
    assert env.exists(), "postgres-ha.sh up has not run"
    hosts = next(
        line.split("=", 1)[1].strip()
        for line in env.read_text().splitlines()
        if line.startswith("JIAODUI_PG_HOSTS=")
    )
    return replace(
        stack,
        postgres_admin_dsn=f"postgresql://jiaodui:jiaodui@{hosts}/postgres"
        "?target_session_attrs=read-write",
    )


def service_pids(stack: StackEndpoints) -> dict[str, str]:
    assert stack.stack_dir is not None
    return {s: (stack.stack_dir / "run" / f"svc-{s}.pid").read_text().strip() for s in SERVICES}


def database_url_of(pid: str) -> str:
    """The DSN a running service was started with (its environment)."""
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    found = [v for v in environ if v.startswith(b"JIAODUI_DATABASE_URL=")]
    return found[0].decode().split("=", 1)[1] if found else ""


async def not_ready() -> dict[str, str]:
    return await services_not_ready(SERVICES)


async def all_ready() -> bool:
    return not await not_ready()


async def watch_readiness(unready: dict[str, list[tuple[float, int]]]) -> None:
    """Note each /readyz answer other than 200 (when, status; 0: no answer) until cancelled."""
    async with httpx.AsyncClient(timeout=5) as client:

        async def probe(service: str, port: int) -> None:
            try:
                status = (await client.get(f"http://127.0.0.1:{port}/readyz")).status_code
            except httpx.HTTPError:
                status = 0
            if status != 200:
                unready.setdefault(service, []).append((time.monotonic(), status))

        while True:
            await asyncio.gather(*(probe(s, p) for s, p in SERVICES.items()))
            await asyncio.sleep(0.25)


def noted(census: Census, answer: httpx.Response) -> None:
    """Count an answer: its status, and for a problem its code (and Retry-After)."""
    label = str(answer.status_code)
    if answer.status_code >= 400:
        try:
            label += " " + str(answer.json().get("code"))
        except ValueError:
            label += " (no problem document)"
        if answer.status_code == 503 and "retry-after" not in answer.headers:
            label += " without Retry-After"
    census[label] += 1


async def register(gateway: httpx.AsyncClient, census: Census, email: str) -> bool:
    form = {
        "email": email,
        "password": "Fault-pass-1",
        "password_confirm": "Fault-pass-1",
        "accept_terms": True,
    }
    try:
        answer = await gateway.post("/api/identity/v1/accounts", json=form, timeout=10)
    except httpx.HTTPError as exc:
        census[f"no answer ({type(exc).__name__})"] += 1
        return False
    noted(census, answer)
    if answer.status_code == 503:
        await asyncio.sleep(0.2)  # a client that honours Retry-After would wait longer
    return answer.status_code == 202


async def confirm(gateway: httpx.AsyncClient, census: Census, student: Account, photo: str) -> bool:
    try:
        answer = await gateway.post(
            f"/api/photos/v1/photos/{photo}/confirm", headers=student.headers, timeout=10
        )
    except httpx.HTTPError as exc:
        census[f"no answer ({type(exc).__name__})"] += 1
        return False
    noted(census, answer)
    # a load generator's pace (about 60 confirmations/s), not a wait for a condition
    await asyncio.sleep(0.03)
    return answer.status_code == 200


def timed(
    submit: Callable[[str], Awaitable[bool]], acknowledged: list[tuple[float, float]]
) -> Callable[[str], Awaitable[bool]]:
    """``submit`` that also notes when each acknowledged request was sent and answered."""

    async def submit_timed(subject: str) -> bool:
        sent = time.monotonic()
        ok = await submit(subject)
        if ok:
            acknowledged.append((sent, time.monotonic()))
        return ok

    return submit_timed


def first_after(acknowledged: list[tuple[float, float]], moment: float) -> float:
    """Seconds from ``moment`` to the first acknowledgement of a request sent after it (one
    sent before may have committed before it and been answered just after)."""
    return min(answered for sent, answered in acknowledged if sent > moment) - moment


async def kafka_marks(bootstrap: str) -> dict[TopicPartition, int]:
    """The end offset of every partition of the main topics (not the DLQs), now."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(list(TOPICS))
    finally:
        await admin.close()
    partitions = [
        TopicPartition(topic["topic"], p["partition"])
        for topic in described
        for p in topic["partitions"]
    ]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        ends: dict[TopicPartition, int] = await consumer.end_offsets(partitions)
        return ends
    finally:
        await consumer.stop()


async def kafka_events_since(
    bootstrap: str, marks: dict[TopicPartition, int]
) -> tuple[dict[str, set[str]], int]:
    """Every event id in each main topic from ``marks`` to the end, and how many messages
    carried them (an event sent again after the failover counts twice)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    found: dict[str, set[str]] = {topic: set() for topic in TOPICS}
    messages = 0
    try:
        partitions = list(marks)
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        for tp in partitions:
            consumer.seek(tp, marks[tp])
        left = {tp for tp in partitions if ends[tp] > marks[tp]}
        deadline = time.monotonic() + 120
        while left:
            assert time.monotonic() < deadline, f"could not read to the end of {sorted(left)}"
            batches = await consumer.getmany(*left, timeout_ms=1000, max_records=5000)
            for tp, records in batches.items():
                for record in records:
                    assert record.value is not None
                    found[tp.topic].add(str(orjson.loads(record.value)["id"]))
                    messages += 1
                    if record.offset + 1 >= ends[tp]:
                        left.discard(tp)
        return found, messages
    finally:
        await consumer.stop()


async def outbox_since(stack: StackEndpoints, since: float) -> dict[str, dict[str, bool]]:
    """Per topic: the event ids of every database's outbox rows written since ``since``
    (epoch seconds), and whether each is marked published."""
    rows: dict[str, dict[str, bool]] = collections.defaultdict(dict)
    for database in SERVICES:
        conn = await asyncpg.connect(stack.dsn_for(database))
        try:
            for r in await conn.fetch(
                "SELECT topic, event_id::text, published_at IS NOT NULL AS published FROM outbox"
                " WHERE created_at >= to_timestamp($1)",
                since,
            ):
                rows[r["topic"]][r["event_id"]] = r["published"]
        finally:
            await conn.close()
    return rows


async def in_any_outbox(stack: StackEndpoints, event_ids: set[str]) -> set[str]:
    found: set[str] = set()
    for database in SERVICES:
        conn = await asyncpg.connect(stack.dsn_for(database))
        try:
            found |= {
                str(r[0])
                for r in await conn.fetch(
                    "SELECT event_id FROM outbox WHERE event_id = ANY($1::uuid[])",
                    [uuid.UUID(e) for e in event_ids],
                )
            }
        finally:
            await conn.close()
    return found


async def outbox_drained(stack: StackEndpoints, since: float) -> bool:
    rows = await outbox_since(stack, since)
    return all(all(per_topic.values()) for per_topic in rows.values())


async def primary_of(stack: StackEndpoints) -> int:
    conn = await asyncpg.connect(stack.dsn_for("postgres"))
    try:
        return int(await conn.fetchval("SELECT current_setting('port')"))
    finally:
        await conn.close()


async def test_primary_killed_mid_burst_standby_promoted_books_balance(
    gateway: httpx.AsyncClient, ha_stack: StackEndpoints
) -> None:
    status = await ha("status")  # fails without a synchronous standby
    assert "streaming sync" in status, status
    pids = service_pids(ha_stack)
    urls = {s: database_url_of(pid) for s, pid in pids.items()}
    assert all("," in u and "target_session_attrs=read-write" in u for u in urls.values()), (
        f"services without the multi-host DSN (restart them after postgres-ha.sh up): {urls}"
    )
    await eventually(all_ready, timeout_s=60, what="a ready system before the fault")
    old_primary = await primary_of(ha_stack)
    since = time.time() - 1.0
    marks = await kafka_marks(ha_stack.kafka_bootstrap)
    student, seeded = await student_with_photos(gateway, ha_stack, 3000)
    pattern, addresses = emails("failover")
    census: Census = collections.Counter()
    registered_at: list[tuple[float, float]] = []
    confirmed_at: list[tuple[float, float]] = []
    registrations = Burst(
        timed(functools.partial(register, gateway, census), registered_at), addresses, 6
    ).start()
    photos = [s.photos["graduation"] for s in seeded]
    confirmations = Burst(
        timed(functools.partial(confirm, gateway, census, student), confirmed_at), photos, 2
    ).start()
    unready: dict[str, list[tuple[float, int]]] = {}
    watcher = asyncio.create_task(watch_readiness(unready))
    try:
        await registrations.acknowledged_at_least(40)
        await confirmations.acknowledged_at_least(40)
        killed_epoch = float((await ha("kill")).split()[-1])
        killed = time.monotonic() - (time.time() - killed_epoch)
        # the operator (or CloudNativePG) sees the primary gone, then promotes the standby
        promoted_epoch = float((await ha("promote")).split()[-1])
        promoted = time.monotonic() - (time.time() - promoted_epoch)
        before = len(registrations.acknowledged), len(confirmations.acknowledged)
        await registrations.acknowledged_at_least(before[0] + 30, timeout_s=180)
        await confirmations.acknowledged_at_least(before[1] + 30, timeout_s=180)
        try:
            await eventually(all_ready, timeout_s=90, what="every service ready again")
        except AssertionError as exc:
            raise AssertionError(f"{exc}: {await not_ready()}") from None
    finally:
        watcher.cancel()
        await registrations.finish(stop=True)
        await confirmations.finish(stop=True)
    new_primary = await primary_of(ha_stack)
    first = {
        "registration": first_after(registered_at, killed),
        "confirmation": first_after(confirmed_at, killed),
    }
    assert service_pids(ha_stack) == pids, "a service was restarted"

    accounts = await registration_tally(ha_stack, pattern, registrations.answers)
    answers = await confirmation_tally(ha_stack, seeded, confirmations.answers)
    # the outbox: every row since the start published and in Kafka; nothing in Kafka that
    # the new primary's databases do not have
    with contextlib.suppress(AssertionError):  # what is not published is counted below
        await eventually(
            lambda: outbox_drained(ha_stack, since), timeout_s=120, what="the outboxes drained"
        )
    outbox = await outbox_since(ha_stack, since)
    kafka, messages = await kafka_events_since(ha_stack.kafka_bootstrap, marks)
    in_kafka = set().union(*kafka.values())
    rows = {e for per_topic in outbox.values() for e in per_topic}
    unpublished = sum(1 for t in outbox.values() for ok in t.values() if not ok)
    missing = {e for t, per_topic in outbox.items() for e in per_topic if e not in kafka.get(t, ())}
    phantoms = in_kafka - rows
    phantoms -= await in_any_outbox(ha_stack, phantoms)  # written just before `since`
    report = {
        "old_primary_port": old_primary,
        "new_primary_port": new_primary,
        "kill_to_promoted_s": round(promoted - killed, 2),
        "kill_to_first_acknowledged_s": {k: round(v, 2) for k, v in first.items()},
        "promoted_to_first_acknowledged_s": {
            k: round(v - (promoted - killed), 2) for k, v in first.items()
        },
        "kill_to_last_not_ready_s": max(
            (round(t - killed, 2) for seen in unready.values() for t, _ in seen if t >= killed),
            default=0.0,
        ),
        "readyz_not_200_after_kill": {
            service: {
                "answers": dict(collections.Counter(str(status) for _, status in seen)),
                "last_s": round(max(t for t, _ in seen) - killed, 2),
            }
            for service, seen in sorted(
                (s, [(t, st) for t, st in seen if t >= killed]) for s, seen in unready.items()
            )
            if seen
        },
        "registrations": str(accounts),
        "confirmations": str(answers),
        "answers": dict(sorted(census.items())),
        "outbox_rows_since_start": len(rows),
        "outbox_rows_unpublished": unpublished,
        "outbox_rows_missing_from_kafka": len(missing),
        "kafka_events_since_start": len(in_kafka),
        "kafka_messages_since_start": messages,  # more than events: some sent twice
        "kafka_events_without_outbox_row": len(phantoms),
    }
    assert ha_stack.stack_dir is not None
    numbers = ha_stack.stack_dir / "logs" / "postgres-failover.json"
    numbers.write_text(json.dumps(report, indent=2))
    print("\npostgres failover:", json.dumps(report, indent=2))

    assert new_primary != old_primary
    assert_clean(accounts)
    assert_clean(answers)
    assert (unpublished, len(missing), len(phantoms)) == (0, 0, 0), report
    unexpected = {
        k: n for k, n in census.items() if k not in ("200", "202", "503 database_unavailable")
    }
    assert not unexpected, f"answers other than 2xx or 503 database_unavailable: {unexpected}"
