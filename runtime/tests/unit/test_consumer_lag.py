"""consumer_lag follows the partitions an instance owns: after a rebalance the partitions
that moved away leave its gauge (their new owner reports them), so sums are not doubled."""

from __future__ import annotations

from typing import Any, cast

from aiokafka import TopicPartition
from jiaodui_runtime.consumer import EventConsumer
from prometheus_client import REGISTRY

NAME = "lag-test-consumer"


class FakeKafkaConsumer:
    """What _observe_lag asks of aiokafka's consumer: the assignment and two offsets each."""

    def __init__(self, positions: dict[TopicPartition, tuple[int, int]]) -> None:
        self.positions = positions  # partition → (position, high watermark)

    def assignment(self) -> set[TopicPartition]:
        return set(self.positions)

    def highwater(self, tp: TopicPartition) -> int:
        return self.positions[tp][1]

    async def position(self, tp: TopicPartition) -> int:
        return self.positions[tp][0]


def lag(partition: int) -> float | None:
    labels = {"consumer": NAME, "topic": "t.events", "partition": str(partition)}
    return REGISTRY.get_sample_value("consumer_lag", labels)


async def test_partitions_lost_in_a_rebalance_leave_the_gauge() -> None:
    consumer = EventConsumer(
        name=NAME,
        bootstrap="unused:9092",
        pool=cast(Any, None),
        handlers={},
        topics=["t.events"],
        dead_letters=cast(Any, None),
    )
    p0, p1 = TopicPartition("t.events", 0), TopicPartition("t.events", 1)
    before = FakeKafkaConsumer({p0: (5, 12), p1: (3, 3)})
    await consumer._observe_lag(cast(Any, before))
    assert (lag(0), lag(1)) == (7.0, 0.0)

    after = FakeKafkaConsumer({p0: (10, 12)})  # p1 went to another instance
    await consumer._observe_lag(cast(Any, after))
    assert (lag(0), lag(1)) == (2.0, None)
