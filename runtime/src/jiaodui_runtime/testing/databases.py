"""Databases for tests: the runtime's tables for relay and consumer tests, and transactions
that leave nothing behind."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import asyncpg

from jiaodui_runtime.db import connect, create_pool
from jiaodui_runtime.migrations import apply_migrations, runtime_migrations


@contextlib.asynccontextmanager
async def runtime_pool(dsn: str, *ddl: str, max_size: int = 5) -> AsyncIterator[asyncpg.Pool]:
    """A pool on ``dsn`` once the runtime's tables (outbox, inbox) and ``ddl`` (the test's own
    effect tables) exist; closed on exit."""
    conn = await connect(dsn)
    try:
        await apply_migrations(conn, runtime_migrations())
        for statement in ddl:
            await conn.execute(statement)
    finally:
        await conn.close()
    pool = await create_pool(dsn, min_size=1, max_size=max_size)
    try:
        yield pool
    finally:
        await pool.close()


@contextlib.asynccontextmanager
async def rolled_back(conn: asyncpg.Connection) -> AsyncIterator[None]:
    """A transaction on ``conn`` that is rolled back on exit, whatever happens in it: a test
    on a shared stack's database leaves nothing behind."""
    transaction = conn.transaction()
    await transaction.start()
    try:
        yield
    finally:
        await transaction.rollback()
