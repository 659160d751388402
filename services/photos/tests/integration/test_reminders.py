"""Deadline reminders: once per (record, stage), even with two instances at the same time."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from importlib.resources import files

import asyncpg
import orjson
import pytest
import pytest_asyncio
from jiaodui_photos.jobs import send_due_reminders
from jiaodui_runtime.db import create_pool
from jiaodui_runtime.migrations import apply_migrations, load_migrations, runtime_migrations

pytestmark = pytest.mark.integration
DEADLINE = datetime(2026, 3, 17, 15, 59, 59, tzinfo=UTC)  # 17 March, 23:59:59 in Beijing


@pytest_asyncio.fixture
async def pools(fresh_database: str) -> AsyncIterator[tuple[asyncpg.Pool, asyncpg.Pool]]:
    """Two instances' pools on one database with the photos schema."""
    first = await create_pool(fresh_database, min_size=1, max_size=4)
    second = await create_pool(fresh_database, min_size=1, max_size=4)
    async with first.acquire() as conn:
        migrations = load_migrations("photos", files("jiaodui_photos") / "migrations")
        await apply_migrations(conn, [*runtime_migrations(), *migrations])
    yield first, second
    await first.close()
    await second.close()


async def add_student(conn: asyncpg.Connection, *, statuses: dict[str, str], owned: bool) -> str:
    record_id = uuid.uuid4()
    await conn.execute(
        "INSERT INTO records (record_id, institution_code, branch, cohort, name, name_key,"
        " id_type, identity_hash, student_number) VALUES ($1, '10001', '理学院', '2026', '张三',"
        " '张三', 'resident_id', $2, $3)",
        record_id,
        uuid.uuid4().hex * 2,
        uuid.uuid4().hex[:10],
    )
    if owned:
        await conn.execute(
            "INSERT INTO record_owners VALUES ($1, $2, '10001', '理学院', '2026', now())",
            record_id,
            uuid.uuid4(),
        )
    for kind, status in statuses.items():
        await conn.execute(
            "INSERT INTO photo_slots (record_id, kind, photo_id, photo_seq, status)"
            " VALUES ($1, $2, $3, 1, $4)",
            record_id,
            kind,
            uuid.uuid4(),
            status,
        )
    return str(record_id)


async def test_each_stage_is_sent_once_across_instances(
    pools: tuple[asyncpg.Pool, asyncpg.Pool],
) -> None:
    first, second = pools
    async with first.acquire() as conn:
        await conn.execute(
            "INSERT INTO windows VALUES ('10001', '2026', $1, $2, $3, $4)",
            DEADLINE,
            DEADLINE + timedelta(days=7),
            DEADLINE + timedelta(days=8),
            uuid.uuid4(),
        )
        owed = await add_student(
            conn, statuses={"graduation": "pending", "admission": "pending"}, owned=True
        )
        partly = await add_student(
            conn, statuses={"graduation": "confirmed", "admission": "pending"}, owned=True
        )
        await add_student(conn, statuses={"graduation": "confirmed"}, owned=True)
        await add_student(conn, statuses={"graduation": "pending"}, owned=False)

    async def run_both(now: datetime) -> int:
        counts = await asyncio.gather(
            *(
                send_due_reminders(pool, now=now, first_days=3, last_days=1)
                for pool in (first, second, first, second)
            )
        )
        return sum(counts)

    assert await run_both(DEADLINE - timedelta(days=4)) == 0
    assert await run_both(DEADLINE - timedelta(days=2, hours=23)) == 2
    assert await run_both(DEADLINE - timedelta(days=2)) == 0
    assert await run_both(DEADLINE - timedelta(hours=20)) == 2
    assert await run_both(DEADLINE - timedelta(hours=1)) == 0
    assert await run_both(DEADLINE + timedelta(hours=1)) == 0

    async with first.acquire() as conn:
        rows = await conn.fetch("SELECT key, payload FROM outbox ORDER BY seq")
    sent = [(r["key"], orjson.loads(r["payload"])["data"]) for r in rows]
    assert sorted((key, data["stage"]) for key, data in sent) == sorted(
        [(owed, "first"), (owed, "last"), (partly, "first"), (partly, "last")]
    )
    by_record = {key: data for key, data in sent if data["stage"] == "last"}
    assert by_record[owed]["pending_kinds"] == ["admission", "graduation"]
    assert by_record[partly]["pending_kinds"] == ["admission"]
    assert by_record[owed]["confirm_until"].startswith("2026-03-17T15:59:59")
