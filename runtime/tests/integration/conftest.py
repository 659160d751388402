"""A fresh database with the runtime's tables, for the relay's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest_asyncio
from jiaodui_runtime.db import connect
from jiaodui_runtime.migrations import apply_migrations, runtime_migrations


@pytest_asyncio.fixture
async def conn(fresh_database: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await connect(fresh_database)
    await apply_migrations(conn, runtime_migrations())
    yield conn
    await conn.close()
