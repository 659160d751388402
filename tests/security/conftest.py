"""Fixtures of the security suites (helpers live in modules beside this file)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from jiaodui_runtime.testing import StackEndpoints
from jiaodui_runtime.testing.fixtures import gateway_client

from tests.security.callers import Callers, make_callers


@pytest_asyncio.fixture(scope="session")
async def callers(stack: StackEndpoints) -> AsyncIterator[Callers]:
    """One account per role (student, staff of one fresh institution, admin)."""
    async with gateway_client(stack) as gateway:
        yield await make_callers(gateway, stack)
