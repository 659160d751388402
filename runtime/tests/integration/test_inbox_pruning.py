"""Inbox rows older than the retention go, in batches, and no recent row with them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
import pytest_asyncio
from jiaodui_runtime.db import connect, create_pool
from jiaodui_runtime.inbox_pruning import prune_inbox
from jiaodui_runtime.migrations import apply_migrations, runtime_migrations

pytestmark = pytest.mark.integration
DAY = 86400.0


@pytest_asyncio.fixture
async def db(fresh_database: str) -> AsyncIterator[asyncpg.Pool]:
    conn = await connect(fresh_database)
    await apply_migrations(conn, runtime_migrations())
    await conn.close()
    pool = await create_pool(fresh_database, min_size=1, max_size=4)
    yield pool
    await pool.close()


async def _processed(pool: asyncpg.Pool, days_ago: float, n: int) -> set[uuid.UUID]:
    ids = [uuid.uuid4() for _ in range(n)]
    await pool.executemany(
        'INSERT INTO inbox (consumer, event_id, topic, partition, "offset", processed_at)'
        " VALUES ('photos', $1, 'records.events', 0, $2, now() - make_interval(secs => $3))",
        [(event_id, i, days_ago * DAY) for i, event_id in enumerate(ids)],
    )
    return set(ids)


async def _left(pool: asyncpg.Pool) -> set[uuid.UUID]:
    return {r["event_id"] for r in await pool.fetch("SELECT event_id FROM inbox")}


async def test_rows_past_the_retention_go_in_batches_the_rest_stays(db: asyncpg.Pool) -> None:
    old = await _processed(db, 20, 23)
    at_the_edge = await _processed(db, 14.9, 5)
    recent = await _processed(db, 0, 7)

    pruned = await prune_inbox(db, older_than_s=15 * DAY, batch=4)

    assert pruned == len(old)
    assert await _left(db) == at_the_edge | recent
    assert await prune_inbox(db, older_than_s=15 * DAY, batch=4) == 0


async def test_instances_pruning_side_by_side_delete_each_row_once(db: asyncpg.Pool) -> None:
    old = await _processed(db, 30, 200)
    recent = await _processed(db, 1, 10)

    counts = await asyncio.gather(
        prune_inbox(db, older_than_s=15 * DAY, batch=16),
        prune_inbox(db, older_than_s=15 * DAY, batch=16),
    )

    assert sum(counts) == len(old)
    assert await _left(db) == recent


async def test_a_large_inbox_is_pruned_through_its_brin_index(db: asyncpg.Pool) -> None:
    # a month of events in the order they were applied, as a consumer writes them
    await db.execute(
        'INSERT INTO inbox (consumer, event_id, topic, partition, "offset", processed_at)'
        " SELECT 'photos', gen_random_uuid(), 'records.events', 0, i,"
        "        now() - make_interval(secs => (100000 - i) * 26.0)"
        " FROM generate_series(1, 100000) AS i"
    )
    await db.execute("ANALYZE inbox")
    plan = "\n".join(
        r[0]
        for r in await db.fetch(
            "EXPLAIN SELECT ctid FROM inbox"
            " WHERE processed_at < now() - make_interval(secs => $1) LIMIT 10000",
            15 * DAY,
        )
    )
    assert "inbox_processed_at" in plan, plan
