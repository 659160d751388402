"""Trimming after bursts: when the policy trims, and that a trim gives freed memory back."""

from __future__ import annotations

import asyncio
import contextlib
import sys

import pytest
from jiaodui_runtime import memory
from jiaodui_runtime.memory import TrimPolicy, resident_bytes, trim, trim_after_bursts

MB = 1 << 20
linux_glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or memory._malloc_trim() is None,
    reason="malloc_trim is glibc's",
)


def test_no_trim_until_the_process_grew_past_its_floor() -> None:
    policy = TrimPolicy(grow_bytes=16 * MB, floor=100 * MB)
    assert not policy.due(110 * MB)
    assert policy.due(117 * MB)


def test_an_effective_trim_sets_the_floor_where_it_ended() -> None:
    policy = TrimPolicy(grow_bytes=16 * MB, floor=100 * MB)
    assert policy.due(160 * MB)
    policy.trimmed(160 * MB, 105 * MB)
    assert policy.floor == 105 * MB and not policy.due(110 * MB)


def test_while_the_burst_holds_its_memory_trims_back_off_and_the_floor_stays() -> None:
    policy = TrimPolicy(grow_bytes=16 * MB, floor=100 * MB, max_wait=4)
    tries = []
    for check in range(20):
        if policy.due(150 * MB):
            tries.append(check)
            policy.trimmed(150 * MB, 149 * MB)  # in use: almost nothing comes back
    # at check 0, then 2, 4 and (at most) 4 checks later
    assert tries == [0, 2, 6, 10, 14, 18]
    assert policy.floor == 100 * MB


def test_after_the_burst_the_next_due_trim_lowers_the_floor_again() -> None:
    policy = TrimPolicy(grow_bytes=16 * MB, floor=100 * MB)
    assert policy.due(150 * MB)
    policy.trimmed(150 * MB, 149 * MB)  # during the burst
    assert not policy.due(150 * MB)  # waits one more check
    assert policy.due(150 * MB)  # the burst ended: its memory is free now
    policy.trimmed(150 * MB, 104 * MB)
    assert policy.floor == 104 * MB and policy.wait == 1


@linux_glibc
def test_a_trim_gives_back_what_a_burst_freed() -> None:
    trim()
    before = resident_bytes()
    burst = [bytearray(1000) for _ in range(60_000)]  # ~64 MB in small heap blocks
    del burst[1::2]  # every other block freed: no free block at the heap's end to shrink
    grown = resident_bytes()
    burst.clear()
    trim()
    assert grown - before > 30 * MB
    assert resident_bytes() - before < 10 * MB


@linux_glibc
async def test_the_loop_trims_in_the_background_and_stops_when_cancelled() -> None:
    task = asyncio.create_task(trim_after_bursts(interval_s=0.01, grow_bytes=1 * MB))
    burst = [bytearray(1000) for _ in range(30_000)]
    del burst[1::2]
    await asyncio.sleep(0.05)
    burst.clear()
    await asyncio.sleep(0.2)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert task.cancelled()
