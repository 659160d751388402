"""Numbered SQL migrations, applied at start-up under an advisory lock.

A component (the runtime itself, then the service) keeps ``NNNN_name.sql`` files
in a package folder; each file runs once, in its own transaction, in order.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.logging import get_logger

_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_LOCK_KEY = 0x6A6961_6F647569  # "jiaodui": one lock for every instance of a service
_log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Migration:
    component: str
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def load_migrations(component: str, folder: Traversable) -> list[Migration]:
    found = [
        Migration(component, int(m.group(1)), entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if (m := _FILE.match(entry.name))
    ]
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration numbers in {component}")
    return found


def runtime_migrations() -> list[Migration]:
    return load_migrations("runtime", files("jiaodui_runtime") / "sql")


async def apply_migrations(conn: DbConnection, migrations: list[Migration]) -> int:
    """Apply what is new; refuse to start when an applied file was edited afterwards."""
    await conn.execute(
        """CREATE TABLE IF NOT EXISTS schema_migrations (
               component text NOT NULL, version integer NOT NULL, name text NOT NULL,
               checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),
               PRIMARY KEY (component, version))"""
    )
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
    try:
        rows = await conn.fetch("SELECT component, version, checksum FROM schema_migrations")
        applied = {(r["component"], r["version"]): r["checksum"] for r in rows}
        count = 0
        for m in migrations:
            known = applied.get((m.component, m.version))
            if known is not None:
                if known != m.checksum:
                    raise RuntimeError(f"migration {m.component}/{m.name} changed after it ran")
                continue
            async with conn.transaction():
                await conn.execute(m.sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (component, version, name, checksum)"
                    " VALUES ($1, $2, $3, $4)",
                    m.component,
                    m.version,
                    m.name,
                    m.checksum,
                )
            _log.info("migration_applied", component=m.component, migration=m.name)
            count += 1
        return count
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
