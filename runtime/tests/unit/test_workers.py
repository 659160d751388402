"""Calls in a short-lived child process: run there, replaced, stopped when idle, survive a
killed child."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from jiaodui_runtime.workers import WorkerProcess


def _pid(_: int = 0) -> int:
    return os.getpid()


def _die_once(marker: str) -> int:
    if not Path(marker).exists():
        Path(marker).touch()
        os._exit(9)  # as a child killed by the OOM killer would
    return os.getpid()


async def test_calls_run_in_a_child_that_is_replaced_after_max_tasks() -> None:
    worker = WorkerProcess(name="test", max_tasks=2)
    try:
        pids = [await worker.run(_pid, i) for i in range(4)]
    finally:
        worker.close()
    assert os.getpid() not in pids
    assert pids[0] == pids[1] and pids[2] == pids[3] and pids[1] != pids[2]


async def test_the_child_stops_when_idle_and_the_next_call_starts_another() -> None:
    worker = WorkerProcess(name="test", idle_s=0.2)
    try:
        first = await worker.run(_pid)
        assert worker.started
        await asyncio.sleep(0.5)
        assert not worker.started
        assert await worker.run(_pid) != first
    finally:
        worker.close()


async def test_a_call_whose_child_died_is_made_once_more_in_a_new_child(tmp_path: Path) -> None:
    worker = WorkerProcess(name="test")
    try:
        first = await worker.run(_pid)
        again = await worker.run(_die_once, str(tmp_path / "died"))
    finally:
        worker.close()
    assert (tmp_path / "died").exists()
    assert again not in (first, os.getpid())
