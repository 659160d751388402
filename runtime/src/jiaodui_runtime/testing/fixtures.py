"""pytest fixtures over the real stack (loaded as a plugin by the root conftest)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import httpx
import pytest
import pytest_asyncio

from jiaodui_runtime.testing.stack import StackEndpoints, locate_stack


def random_ref(prefix: str = "t") -> str:
    """A unique, readable id so tests never clash and never need cleanup."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def stack() -> Iterator[StackEndpoints]:
    with locate_stack() as endpoints:
        yield endpoints


@pytest_asyncio.fixture
async def fresh_database(stack: StackEndpoints) -> AsyncIterator[str]:
    """A database of its own for one test; dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(stack.postgres_admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield stack.dsn_for(name)
    admin = await asyncpg.connect(stack.postgres_admin_dsn)
    try:
        # FORCE ends our own leftover sessions; it is refused (we are not superuser) while an
        # autovacuum worker is connected, which then leaves within moments
        for _ in range(50):
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except (asyncpg.InsufficientPrivilegeError, asyncpg.ObjectInUseError):
                await asyncio.sleep(0.1)
    finally:
        await admin.close()


@contextlib.asynccontextmanager
async def gateway_client(stack: StackEndpoints) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the gateway of the running system (the test skips without one);
    for fixtures of wider scope than :func:`gateway`."""
    if stack.gateway_url is None:
        pytest.skip("no gateway: the system is not running on this stack")
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as client:
        yield client


@pytest_asyncio.fixture
async def gateway(stack: StackEndpoints) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the gateway of the running system."""
    async with gateway_client(stack) as client:
        yield client
