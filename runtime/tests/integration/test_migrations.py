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
