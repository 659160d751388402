"""The progress counts kept by triggers (migration 0006) equal the aggregate they replace,
at every snapshot: after each kind of write, with concurrent answers and record moves, and
after the migration's backfill of existing data."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from importlib.resources import files
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from jiaodui_contracts.records import RecordImported
from jiaodui_photos.metrics import slot_rows, slot_values
from jiaodui_photos.store import progress, records
from jiaodui_runtime.db import connect
from jiaodui_runtime.migrations import apply_migrations, load_migrations, runtime_migrations

pytestmark = pytest.mark.integration

MIGRATIONS = [
    *runtime_migrations(),
    *load_migrations("photos", files("jiaodui_photos") / "migrations"),
]
KINDS = ("graduation", "admission")
STATUSES = ("pending", "confirmed", "disputed")
COLLEGES = ("信息学院", "经济学院")
CLASSES = ("1401", "1402", None, "")

# What GET /v1/stats computed before the counts: the aggregate over records and slots.
TRUTH = """
SELECT r.institution_code, r.branch AS college, coalesce(r.class_name, '') AS class_name,
       k.kind, count(*) FILTER (WHERE s.status IS NULL) AS missing,
       count(*) FILTER (WHERE s.status = 'pending') AS pending,
       count(*) FILTER (WHERE s.status = 'confirmed') AS confirmed,
       count(*) FILTER (WHERE s.status = 'disputed') AS disputed
FROM records r CROSS JOIN (VALUES ('graduation'), ('admission')) AS k (kind)
LEFT JOIN photo_slots s ON s.record_id = r.record_id AND s.kind = k.kind
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
"""
# ...and what the photos_slots gauge read.
GAUGE_TRUTH = """
SELECT r.institution_code, r.branch, k.kind, coalesce(s.status, 'missing') AS status,
       count(*) AS n
FROM records r CROSS JOIN (VALUES ('graduation'), ('admission')) AS k (kind)
LEFT JOIN photo_slots s ON s.record_id = r.record_id AND s.kind = k.kind
GROUP BY 1, 2, 3, 4
"""


@pytest_asyncio.fixture
async def dsn(fresh_database: str) -> AsyncIterator[str]:
    conn = await connect(fresh_database)
    try:
        await apply_migrations(conn, MIGRATIONS)
    finally:
        await conn.close()
    yield fresh_database


async def same_as_truth(conn: asyncpg.Connection, *, scopes: bool = False) -> list[dict[str, Any]]:
    """Both readings under one snapshot; they must agree whatever is in flight. With
    ``scopes``, every scope shape too (an institution, a college in it, a college alone)."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        truth = [dict(r) for r in await conn.fetch(TRUTH)]
        kept = [dict(r) for r in await progress.progress(conn, institution_code=None, college=None)]
        assert kept == truth
        if scopes:
            for institution, college in {
                *((r["institution_code"], None) for r in truth),
                *((r["institution_code"], r["college"]) for r in truth),
                *((None, r["college"]) for r in truth),
            }:
                expected = [
                    r
                    for r in truth
                    if institution in (None, r["institution_code"])
                    and college in (None, r["college"])
                ]
                got = await progress.progress(conn, institution_code=institution, college=college)
                assert [dict(r) for r in got] == expected, (institution, college)
    return kept


async def add_record(
    conn: asyncpg.Connection, institution: str, branch: str, class_name: str | None
) -> uuid.UUID:
    record_id = uuid.uuid4()
    await conn.execute(
        "INSERT INTO records (record_id, institution_code, branch, class_name, cohort, name,"
        " name_key, id_type, identity_hash, student_number)"
        " VALUES ($1, $2, $3, $4, '2026', '张三', '张三', 'resident_id', $5, $6)",
        record_id,
        institution,
        branch,
        class_name,
        uuid.uuid4().hex * 2,
        uuid.uuid4().hex[:10],
    )
    return record_id


async def add_slot(conn: asyncpg.Connection, record_id: uuid.UUID, kind: str, status: str) -> None:
    await conn.execute(
        "INSERT INTO photo_slots (record_id, kind, photo_id, photo_seq, status)"
        " VALUES ($1, $2, $3, 1, $4)",
        record_id,
        kind,
        uuid.uuid4(),
        status,
    )


def imported(record_id: uuid.UUID, institution: str, branch: str, class_name: str | None) -> Any:
    return RecordImported(
        record_id=str(record_id),
        institution_code=institution,
        institution_name="测试大学",
        student_number=record_id.hex[:10],
        name="张三",
        gender="male",
        birth_date=date(2002, 6, 1),
        id_type="resident_id",
        identity_hash=record_id.hex * 2,
        id_number_masked="110101********123X",
        branch=branch,
        major="软件工程",
        class_name=class_name,
        level="本科",
        education_type="普通高等教育",
        study_form="全日制",
        status="在籍",
        cohort="2026",
        import_id=str(uuid.uuid4()),
        change="changed",
        imported_at=datetime.now(UTC),
    )


async def test_every_kind_of_write_keeps_the_counts_exact(dsn: str) -> None:
    rng = random.Random(20)
    conn = await connect(dsn)
    try:
        ids: list[uuid.UUID] = []
        for _ in range(12):
            ids.append(await add_record(conn, "10001", rng.choice(COLLEGES), rng.choice(CLASSES)))
        # a bulk COPY, as the benchmarks and fault seeds write: statement triggers count it
        bulk = [uuid.uuid4() for _ in range(30)]
        await conn.copy_records_to_table(
            "records",
            columns=["record_id", "institution_code", "branch", "class_name", "cohort", "name",
                     "name_key", "id_type", "identity_hash", "student_number"],
            records=[(r, "10002", "理学院", "1501", "2026", "李", "李", "resident_id",
                      r.hex * 2, r.hex[:10]) for r in bulk],
        )  # fmt: skip
        await conn.copy_records_to_table(
            "photo_slots",
            columns=["record_id", "kind", "photo_id", "photo_seq", "status"],
            records=[(r, "graduation", uuid.uuid4(), 1, "pending") for r in bulk[:20]],
        )
        ids += bulk
        await same_as_truth(conn)

        for step in range(160):
            record_id = rng.choice(ids)
            kind = rng.choice(KINDS)
            slot = await conn.fetchrow(
                "SELECT status FROM photo_slots WHERE record_id = $1 AND kind = $2",
                record_id,
                kind,
            )
            action = rng.randrange(7)
            if action == 0 and slot is None:  # a photo links
                await add_slot(conn, record_id, kind, "pending")
            elif action == 1 and slot is not None:  # an answer, or an erratum reopening it
                await conn.execute(
                    "UPDATE photo_slots SET status = $3 WHERE record_id = $1 AND kind = $2",
                    record_id,
                    kind,
                    rng.choice(STATUSES),
                )
            elif action == 2 and slot is not None:  # a replacement: pending again
                await conn.execute(
                    "UPDATE photo_slots SET photo_id = $3, status = 'pending', photo_seq = 2"
                    " WHERE record_id = $1 AND kind = $2",
                    record_id,
                    kind,
                    uuid.uuid4(),
                )
            elif action == 3:  # a check finishing: no status change, nothing to count
                await conn.execute(
                    "UPDATE photo_slots SET check_state = 'passed' WHERE record_id = $1",
                    record_id,
                )
            elif action == 4:  # an import or a correction: maybe another college or class
                moved = rng.sample(ids, 3)
                institutions = dict(
                    await conn.fetch(
                        "SELECT record_id, institution_code FROM records"
                        " WHERE record_id = ANY($1::uuid[])",
                        moved,
                    )
                )
                await records.upsert_records(
                    conn,
                    [
                        imported(r, institutions[r], rng.choice(COLLEGES), rng.choice(CLASSES))
                        for r in moved
                    ],
                )
            elif action == 5 and step % 5 == 0:  # rows deleted by hand
                if rng.random() < 0.5:
                    await conn.execute(
                        "DELETE FROM photo_slots WHERE record_id = $1 AND kind = $2",
                        record_id,
                        kind,
                    )
                else:
                    await conn.execute("DELETE FROM records WHERE record_id = $1", record_id)
                    ids.remove(record_id)
            elif action == 6:
                await progress.fold(conn)
            await same_as_truth(conn)
        await progress.fold(conn)
        assert await conn.fetchval("SELECT count(*) FROM progress_deltas") == 0
        kept = await same_as_truth(conn, scopes=True)
        assert {row["institution_code"] for row in kept} == {"10001", "10002"}
        everything = await progress.progress(conn, institution_code=None, college=None)
        gauge = slot_values(slot_rows(everything))
        assert gauge == slot_values(await conn.fetch(GAUGE_TRUTH)) and gauge
    finally:
        await conn.close()


async def test_counts_stay_exact_under_concurrent_answers_moves_and_folds(dsn: str) -> None:
    conn = await connect(dsn)
    try:
        ids = [await add_record(conn, "10001", "信息学院", f"14{i % 4:02d}") for i in range(120)]
        for r in ids:
            await add_slot(conn, r, "graduation", "pending")
    finally:
        await conn.close()
    stop = asyncio.Event()

    async def answers(seed: int) -> None:
        rng = random.Random(seed)
        c = await connect(dsn)
        try:
            while not stop.is_set():
                await c.execute(
                    "UPDATE photo_slots SET status = $2 WHERE record_id = $1"
                    " AND kind = 'graduation'",
                    rng.choice(ids),
                    rng.choice(STATUSES),
                )
        finally:
            await c.close()

    async def links() -> None:
        c = await connect(dsn)
        try:
            for r in ids:
                await add_slot(c, r, "admission", "pending")
                await asyncio.sleep(0)
        finally:
            await c.close()

    async def moves() -> None:
        rng = random.Random(7)
        c = await connect(dsn)
        try:
            while not stop.is_set():
                chosen = sorted(rng.sample(ids, 5))  # one mover: no lock order to keep
                await records.upsert_records(
                    c,
                    [
                        imported(r, "10001", rng.choice(COLLEGES), f"14{rng.randrange(4):02d}")
                        for r in chosen
                    ],
                )
        finally:
            await c.close()

    async def folds() -> None:
        c = await connect(dsn)
        try:
            while not stop.is_set():
                await progress.fold(c)
                await asyncio.sleep(0.01)
        finally:
            await c.close()

    async def reads() -> int:
        c = await connect(dsn)
        checked = 0
        try:
            while not stop.is_set():
                await same_as_truth(c)
                checked += 1
        finally:
            await c.close()
        return checked

    tasks = [
        asyncio.create_task(t)
        for t in (*(answers(s) for s in range(4)), moves(), folds(), folds(), reads())
    ]
    await links()
    await asyncio.sleep(2)
    stop.set()
    done = await asyncio.gather(*tasks)
    assert done[-1] > 0  # snapshots compared while everything ran
    conn = await connect(dsn)
    try:
        await progress.fold(conn)
        kept = await same_as_truth(conn)
        assert sum(r["missing"] for r in kept) == 0
        assert sum(r["pending"] + r["confirmed"] + r["disputed"] for r in kept) == 240
    finally:
        await conn.close()


async def test_the_migration_counts_what_was_there_before_it(fresh_database: str) -> None:
    before = [m for m in MIGRATIONS if m.component == "runtime" or m.version < 6]
    conn = await connect(fresh_database)
    try:
        await apply_migrations(conn, before)
        for i in range(20):
            r = await add_record(conn, "10003", COLLEGES[i % 2], CLASSES[i % 4])
            if i % 3:
                await add_slot(conn, r, "graduation", STATUSES[i % 3])
        await apply_migrations(conn, MIGRATIONS)
        assert await conn.fetchval("SELECT count(*) FROM progress_counts") > 0
        await same_as_truth(conn, scopes=True)
    finally:
        await conn.close()
