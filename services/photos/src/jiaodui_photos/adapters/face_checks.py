"""The machine checks off the event loop: a small pool of worker processes, each loading
the dlib models once (a process per worker: dlib holds the GIL, and a crash or a kill -9
of one costs that photo's check only, which is then made again)."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jiaodui_photos.checks.settings import CheckSettings

if TYPE_CHECKING:
    from jiaodui_photos.checks import FaceAnalyser

# dlib and its models are loaded in the worker processes only, never in the service's
_analyser: FaceAnalyser | None = None
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _die_with_parent(parent: int) -> None:
    """A worker outlives a service killed with SIGKILL (an orphan holding ~300 MB was seen):
    Linux kills it when its parent goes."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent went before the request took effect
        os._exit(1)


def _start_worker(settings: CheckSettings, niceness: int, parent: int) -> None:
    global _analyser  # one analyser per worker process, by design
    from jiaodui_photos.checks import FaceAnalyser

    _die_with_parent(parent)
    with contextlib.suppress(OSError):
        os.nice(niceness)  # requests (confirm) come before photo checks on a shared core
    _analyser = FaceAnalyser(settings)


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the checker keeps of one photo's analysis (picklable)."""

    findings: list[dict[str, float | str | None]]
    measurements: dict[str, float]
    embedding: bytes | None
    blocking: bool
    timings_ms: dict[str, float] = field(default_factory=dict)


def _analyse(jpeg: bytes) -> Analysis:
    from jiaodui_photos.checks import check_photo

    assert _analyser is not None, "worker started without its analyser"
    result = check_photo(_analyser, jpeg)
    return Analysis(
        findings=[f.as_dict() for f in result.findings],
        measurements=result.measurements,
        embedding=result.embedding,
        blocking=result.blocking,
        timings_ms=result.timings_ms,
    )


class FaceCheckPool:
    """``workers`` processes (spawned, not forked: the service has threads and sockets)."""

    def __init__(self, settings: CheckSettings, *, workers: int, niceness: int = 5) -> None:
        self._settings = settings
        self._workers = max(1, workers)
        self._niceness = niceness
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self._workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self._settings, self._niceness, os.getpid()),
            )
        return self._executor

    async def analyse(self, jpeg: bytes) -> Analysis:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool(), _analyse, jpeg)
        except BrokenProcessPool:
            self.close()  # a worker died (killed, out of memory): the next call starts anew
            raise

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
