"""Scratch databases for benchmarks (created and dropped per scenario)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator

import asyncpg

ADMIN_DSN = "postgresql://jiaodui:jiaodui@127.0.0.1:5432/postgres"
UNPUBLISHED = "SELECT EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL)"
"""Whether the relay has outbox rows yet to publish (a scenario's events all in Kafka when
not): the first entry of the unpublished index, cheaper than counting a backlog every 50 ms
beside the relay being timed."""


@contextlib.asynccontextmanager
async def scratch_database(prefix: str) -> AsyncIterator[str]:
    name = f"bench_{prefix}_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin = await asyncpg.connect(ADMIN_DSN)
        try:
            for attempt in range(60):
                try:
                    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    break
                except asyncpg.InsufficientPrivilegeError:
                    # an autovacuum worker (a superuser's process, which FORCE may not end)
                    # is in it after a bulk write: it finishes within seconds
                    if attempt == 59:
                        raise
                    await asyncio.sleep(0.5)
        finally:
            await admin.close()


async def stack_size() -> str:
    """How much the stack's databases hold (the planner's estimates: free to read). The
    figures depend on it: a dev stack that kept every earlier run's rosters had 12 M
    records, indexes ten times shared_buffers, and an import ran at 72 % of its speed on a
    fresh stack."""
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        sizes = await admin.fetchval(
            "SELECT pg_size_pretty(sum(pg_database_size(datname))) FROM pg_database"
            " WHERE datname NOT LIKE 'template%'"
        )
    finally:
        await admin.close()
    records = await asyncpg.connect(ADMIN_DSN.rsplit("/", 1)[0] + "/records")
    try:
        rows = await records.fetchval(
            # no row while the stack is still being made (its migrations not yet run)
            "SELECT coalesce(max(greatest(reltuples, 0)), 0)::bigint FROM pg_class"
            " WHERE relname = 'records'"
        )
    finally:
        await records.close()
    return f"the stack's databases held {sizes}, records' roster ~{rows:,} rows, at the start"
