"""What the progress-count triggers (photos migration 0006) add to the writes they watch:
the same statements on a scratch photos database before and after the migration.

- an answer: ``UPDATE photo_slots SET status`` of one slot (what a confirm writes), each in
  its own transaction (commit included) and all in one transaction (the statement alone);
- a bulk COPY of records and of their slots (the benchmarks' and fault seeds' way).

    .venv/bin/python -m bench.stats_write_cost [--answers 3000]

Not a ``make bench`` scenario: a one-off comparison for docs/notes/issue-20-stats.md.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from importlib.resources import files

import asyncpg
from jiaodui_runtime.migrations import apply_migrations, load_migrations, runtime_migrations

from bench._db import scratch_database

MIGRATIONS = [
    *runtime_migrations(),
    *load_migrations("photos", files("jiaodui_photos") / "migrations"),
]
RECORD_COLUMNS = [
    "record_id", "institution_code", "branch", "class_name", "cohort", "name", "name_key",
    "id_type", "identity_hash", "student_number",
]  # fmt: skip


async def seed(conn: asyncpg.Connection, n: int) -> tuple[list[uuid.UUID], float, float]:
    records = [uuid.uuid4() for _ in range(n)]
    started = time.perf_counter()
    await conn.copy_records_to_table(
        "records",
        columns=RECORD_COLUMNS,
        records=[
            (r, "BENCH", "bench", f"{i % 40:02d}", "2026", "测", "测", "resident_id", r.hex * 2,
             str(i))
            for i, r in enumerate(records)
        ],
    )  # fmt: skip
    copy_records = time.perf_counter() - started
    started = time.perf_counter()
    await conn.copy_records_to_table(
        "photo_slots",
        columns=["record_id", "kind", "photo_id", "photo_seq", "status", "check_state"],
        records=[(r, "graduation", uuid.uuid4(), 1, "pending", "passed") for r in records],
    )
    return records, copy_records, time.perf_counter() - started


async def answers(
    conn: asyncpg.Connection, records: list[uuid.UUID], *, one_tx: bool
) -> list[float]:
    statement = await conn.prepare(
        "UPDATE photo_slots SET status = $2, answered_at = now()"
        " WHERE record_id = $1 AND kind = 'graduation'"
    )
    spent = []
    tx = conn.transaction() if one_tx else None
    if tx:
        await tx.start()
    for i, r in enumerate(records):
        started = time.perf_counter()
        await statement.fetch(r, "confirmed" if i % 2 else "disputed")
        spent.append((time.perf_counter() - started) * 1e6)
    if tx:
        await tx.commit()
    return spent


def summary(label: str, us: list[float]) -> str:
    ordered = sorted(us)
    return (
        f"| {label} | {len(us)} | {statistics.mean(us):,.0f} | {statistics.median(us):,.0f} |"
        f" {ordered[int(0.99 * len(ordered)) - 1]:,.0f} |"
    )


async def run(n_answers: int) -> None:
    print("| statement | n | mean µs | p50 µs | p99 µs |")
    print("|---|---|---|---|---|")
    for label, migrations in (
        ("before", [m for m in MIGRATIONS if m.component == "runtime" or m.version < 6]),
        ("after", MIGRATIONS),
    ):
        async with scratch_database("stats") as dsn:
            conn = await asyncpg.connect(dsn)
            try:
                await apply_migrations(conn, migrations)
                records, copy_records, copy_slots = await seed(conn, 3 * n_answers)
                print(
                    f"| {label}: COPY {len(records):,} records / slots | 1 |"
                    f" {copy_records * 1e3:,.0f} ms / {copy_slots * 1e3:,.0f} ms | | |"
                )
                own = await answers(conn, records[:n_answers], one_tx=False)
                print(summary(f"{label}: answer, own transaction", own))
                one = await answers(conn, records[n_answers : 2 * n_answers], one_tx=True)
                print(summary(f"{label}: answer, statement alone", one))
            finally:
                await conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=3000)
    asyncio.run(run(parser.parse_args().answers))
