"""Headless Chromium (Debian's package) for the browser tests, and screenshots."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import pytest_asyncio
from jiaodui_runtime.testing import StackEndpoints
from playwright.async_api import Browser, Page, async_playwright

CHROMIUM = shutil.which("chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[Browser]:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        await launched.close()


Shot = Callable[[Page, str], Awaitable[None]]


@pytest.fixture
def shot(stack: StackEndpoints) -> Shot:
    """Save a full-page screenshot under .stack/screenshots/ (git-ignored)."""
    assert stack.stack_dir is not None
    folder = stack.stack_dir / "screenshots"
    folder.mkdir(exist_ok=True)

    async def take(page: Page, name: str) -> None:
        await page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return take
