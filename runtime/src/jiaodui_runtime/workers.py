"""Heavy calls in a short-lived child process: out of the service's memory and GIL.

A call that parses megabytes of pure-Python data structures (a CJK font for a PDF, an
image) holds the GIL for its whole run, stalling the event loop, and leaves the service
tens of MB bigger. :class:`WorkerProcess` runs such calls in a spawned child (not forked:
the service has threads and sockets), started on the first call, replaced after
``max_tasks`` calls and stopped after ``idle_s`` without one, so an idle service holds no
child at all. The function and its arguments must be picklable (module-level functions,
plain data).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from jiaodui_runtime.logging import get_logger

T = TypeVar("T")
_log = get_logger(__name__)


class WorkerProcess:
    def __init__(
        self, *, name: str, workers: int = 1, max_tasks: int = 100, idle_s: float = 60.0
    ) -> None:
        self._name = name
        self._workers = max(1, workers)
        self._max_tasks = max_tasks
        self._idle_s = idle_s
        self._executor: ProcessPoolExecutor | None = None
        self._running = 0
        self._last_call = 0.0
        self._idle_timer: asyncio.TimerHandle | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self._workers,
                mp_context=multiprocessing.get_context("spawn"),
                max_tasks_per_child=self._max_tasks,
            )
        return self._executor

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in the child; a child that died (killed, out of memory) is
        replaced and the call made once more."""
        loop = asyncio.get_running_loop()
        self._running += 1
        pool = self._pool()
        try:
            try:
                return await loop.run_in_executor(pool, function, *args)
            except BrokenProcessPool:
                _log.warning("worker_process_lost", worker=self._name)
                self._discard(pool)
                return await loop.run_in_executor(self._pool(), function, *args)
        finally:
            self._running -= 1
            self._last_call = time.monotonic()
            if self._idle_timer is not None:
                self._idle_timer.cancel()
            self._idle_timer = loop.call_later(self._idle_s, self._stop_if_idle)

    def _stop_if_idle(self) -> None:
        self._idle_timer = None
        if self._running == 0 and time.monotonic() - self._last_call >= self._idle_s * 0.99:
            self.close()

    @property
    def started(self) -> bool:
        """Whether a child may be running now (false once it was stopped for idleness)."""
        return self._executor is not None

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        # only the pool that broke: a concurrent call may already run on its successor
        if self._executor is pool:
            self._executor = None
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        if self._executor is not None:
            self._discard(self._executor)
