"""A poll is applied in runs bounded by the bytes of its values, in order."""

from __future__ import annotations

from typing import Any

from aiokafka.structs import ConsumerRecord
from hypothesis import given
from hypothesis import strategies as st
from jiaodui_runtime.consumer import by_size


def record(offset: int, size: int) -> ConsumerRecord[Any, Any]:
    return ConsumerRecord(
        topic="t",
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=None,
        value=b"x" * size,
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=size,
        headers=(),
    )


@given(st.lists(st.integers(min_value=0, max_value=5000), max_size=60), st.integers(1, 8000))
def test_runs_keep_order_and_stay_within_the_budget(sizes: list[int], budget: int) -> None:
    records = [record(i, n) for i, n in enumerate(sizes)]
    runs = list(by_size(records, budget))
    assert [r for run in runs for r in run] == records
    for run in runs:
        assert run, "no empty run"
        total = sum(len(r.value) for r in run)
        assert total <= budget or len(run) == 1


def test_small_events_stay_in_one_run() -> None:
    records = [record(i, 700) for i in range(500)]
    assert [len(run) for run in by_size(records, 1 << 20)] == [500]
