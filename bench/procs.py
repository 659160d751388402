"""Peak RSS of the stack's processes while a scenario runs."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

STACK = Path(__file__).resolve().parents[1] / ".stack"


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def stack_pids() -> dict[str, int]:
    pids = {}
    for pid_file in (STACK / "run").glob("*.pid"):
        with contextlib.suppress(ValueError, OSError):
            pids[pid_file.stem.removeprefix("svc-")] = int(pid_file.read_text().strip())
    return pids


@contextlib.asynccontextmanager
async def peak_rss(into: dict[str, float]) -> AsyncIterator[None]:
    """Sample every 200 ms; keep the maximum per process in ``into``."""
    stop = asyncio.Event()

    async def sample() -> None:
        while not stop.is_set():
            for name, pid in stack_pids().items():
                into[name] = max(into.get(name, 0.0), _rss_mb(pid))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.2)

    task = asyncio.create_task(sample())
    try:
        yield
    finally:
        stop.set()
        await task
