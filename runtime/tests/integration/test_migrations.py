from __future__ import annotations

from importlib.resources.abc import Traversable
from pathlib import Path

import pytest
from jiaodui_runtime.db import connect
from jiaodui_runtime.migrations import apply_migrations, load_migrations, runtime_migrations

pytestmark = pytest.mark.integration


def write(folder: Path, name: str, sql: str) -> Traversable:
    (folder / name).write_text(sql)
    return folder  # a Path is a Traversable


async def test_migrations_run_once_in_order_and_edits_are_refused(
    fresh_database: str, tmp_path: Path
) -> None:
    write(tmp_path, "0002_more.sql", "ALTER TABLE things ADD COLUMN label text;")
    write(tmp_path, "0001_things.sql", "CREATE TABLE things (id int PRIMARY KEY);")
    write(tmp_path, "README.md", "not a migration")
    conn = await connect(fresh_database)
    try:
        migrations = [*runtime_migrations(), *load_migrations("demo", tmp_path)]
        assert [m.name for m in migrations[-2:]] == ["0001_things.sql", "0002_more.sql"]
        assert await apply_migrations(conn, migrations) == len(migrations)
        assert await apply_migrations(conn, migrations) == 0
        await conn.execute("INSERT INTO things (id, label) VALUES (1, 'x')")

        write(tmp_path, "0002_more.sql", "ALTER TABLE things ADD COLUMN other text;")
        with pytest.raises(RuntimeError, match="changed after it ran"):
            await apply_migrations(
                conn, [*runtime_migrations(), *load_migrations("demo", tmp_path)]
            )
    finally:
        await conn.close()


def test_duplicate_numbers_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "0001_a.sql", "SELECT 1;")
    write(tmp_path, "0001_b.sql", "SELECT 2;")
    with pytest.raises(RuntimeError, match="duplicate"):
        load_migrations("demo", tmp_path)


async def test_outbox_payloads_are_compressed_with_lz4(fresh_database: str) -> None:
    """An import's ~32 KB events are TOASTed; lz4 compresses them for a third of pglz's CPU
    (the local stack's PostgreSQL has it, as every Debian and official build since 14)."""
    conn = await connect(fresh_database)
    try:
        await apply_migrations(conn, runtime_migrations())
        method = await conn.fetchval(
            "SELECT attcompression FROM pg_attribute"
            " WHERE attrelid = 'outbox'::regclass AND attname = 'payload'"
        )
        assert method == b"l"  # "char": asyncpg reads it as bytes
        big = b"x" * 40_000 + bytes(range(256)) * 100
        await conn.execute(
            "INSERT INTO outbox (event_id, topic, key, event_type, payload, headers)"
            " VALUES (gen_random_uuid(), 't', 'k', 'e', $1, '{}')",
            big,
        )
        stored = await conn.fetchrow(
            "SELECT pg_column_compression(payload) AS method, payload FROM outbox"
        )
        assert stored is not None and stored["method"] == "lz4" and stored["payload"] == big
    finally:
        await conn.close()
