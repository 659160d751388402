"""Give memory freed after a burst back to the system (glibc's ``malloc_trim``).

A burst (a poll of import batches, a run of logins, PDF renders) allocates tens of MB
that are freed right after, but glibc keeps freed heap pages mapped: the process stays at
its peak for good. The services run with ``PYTHONMALLOC=malloc`` (every Python object from
glibc, none from CPython's own arenas, which free an arena only when its last object dies,
so a few survivors of a burst held 60-70 MB), ``MALLOC_ARENA_MAX=2`` and a fixed
``MALLOC_MMAP_THRESHOLD_`` (blocks ≥ 128 KiB are mapped and unmapped on their own) —
see deploy/local/services.sh and deploy/docker/Dockerfile — and :func:`trim_after_bursts`
hands the free pages inside the heap back once the process grew.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import functools
import os
from dataclasses import dataclass

from jiaodui_runtime.logging import get_logger

_log = get_logger(__name__)
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@functools.cache
def _malloc_trim() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def trim() -> bool:
    """Return the free pages of every malloc arena to the system; False off glibc."""
    function = _malloc_trim()
    if function is None:
        return False
    function(0)
    return True


def resident_bytes() -> int:
    """This process's resident set (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


@dataclass
class TrimPolicy:
    """When to trim: the process holds ``grow_bytes`` more than after the last trim that
    gave memory back.

    A trim that gives back less than a quarter of ``grow_bytes`` (the memory is in use: the
    burst goes on) doubles the number of checks before the next try, up to ``max_wait``;
    the floor stays where the last useful trim left it, so the first try after the burst
    gives its memory back (a process that needs more for good pays one trim per
    ``max_wait`` checks)."""

    grow_bytes: int
    floor: int = 0
    max_wait: int = 16
    wait: int = 1
    _checks: int = 0

    def due(self, resident: int) -> bool:
        if resident < self.floor + self.grow_bytes:
            self.wait, self._checks = 1, 0
            return False
        self._checks += 1
        return self._checks >= self.wait

    def trimmed(self, before: int, after: int) -> None:
        self._checks = 0
        if before - after >= self.grow_bytes // 4:
            self.floor, self.wait = after, 1
        else:
            self.wait = min(self.wait * 2, self.max_wait)


async def trim_after_bursts(*, interval_s: float, grow_bytes: int) -> None:
    """Every ``interval_s``: trim (in a thread, off the event loop) when :class:`TrimPolicy`
    says so. Runs until cancelled; does nothing off glibc or without /proc."""
    if _malloc_trim() is None or resident_bytes() == 0:
        return
    policy = TrimPolicy(grow_bytes=grow_bytes, floor=resident_bytes())
    while True:
        await asyncio.sleep(interval_s)
        before = resident_bytes()
        if not policy.due(before):
            continue
        await asyncio.to_thread(trim)
        after = resident_bytes()
        policy.trimmed(before, after)
        _log.debug("memory_trimmed", before_mb=before >> 20, after_mb=after >> 20)
