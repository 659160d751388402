"""Fixtures of the security suites (helpers live in modules beside this file)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from jiaodui_runtime.testing import StackEndpoints

from tests.security.callers import Callers, make_callers


@pytest_asyncio.fixture(scope="session")
async def callers(stack: StackEndpoints) -> AsyncIterator[Callers]:
    """One account per role (student, staff of one fresh institution, admin)."""
    if stack.gateway_url is None:
        pytest.skip("no gateway: the system is not running on this stack")
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as gateway:
        yield await make_callers(gateway, stack)
