"""A batch's outcomes are counted per topic and outcome, and each processed event's age is
observed, as counting event by event did (one counter update per outcome, not per event)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from jiaodui_contracts import from_json_bytes, new_event, to_json_bytes
from jiaodui_contracts.identity import AccountRegistered
from jiaodui_runtime.consumer import EventConsumer
from jiaodui_runtime.testing.events import consumer_record as record
from prometheus_client import REGISTRY

NAME = "metrics-test-consumer"


def value(age_s: float) -> bytes:
    payload = AccountRegistered(account_id=str(uuid.uuid4()), registered_at=datetime.now(UTC))
    at = datetime.now(UTC) - timedelta(seconds=age_s)
    return to_json_bytes(new_event(payload, source="/jiaodui/test", time=at))


def consumed(topic: str, outcome: str) -> float:
    labels = {"consumer": NAME, "topic": topic, "outcome": outcome}
    return REGISTRY.get_sample_value("consumer_events_total", labels) or 0.0


def latency(suffix: str, **extra: str) -> float:
    name = f"consumer_event_latency_seconds_{suffix}"
    return REGISTRY.get_sample_value(name, {"consumer": NAME, **extra}) or 0.0


def test_outcomes_are_counted_per_topic_and_each_processed_age_observed() -> None:
    consumer = EventConsumer(
        name=NAME,
        bootstrap="unused:9092",
        pool=cast(Any, None),
        handlers={},
        topics=["a.events", "b.events"],
        dead_letters=cast(Any, None),
    )
    plan = [
        ("a.events", "processed", 0.0),
        ("a.events", "duplicate", 0.0),
        ("b.events", "processed", 2.0),  # two seconds old: in the 5 s bucket, not the 1 s one
        ("a.events", "processed", 0.0),
        ("b.events", "ignored", 0.0),
    ]
    keys = {(topic, outcome) for topic, outcome, _ in plan}
    before = {key: consumed(*key) for key in keys}
    count, under_1s = latency("count"), latency("bucket", le="1.0")
    work = [(record(i, v := value(age), topic), from_json_bytes(v)) for i, (topic, _, age) in
            enumerate(plan)]  # fmt: skip
    consumer._observe(work, [outcome for _, outcome, _ in plan])
    expected = {("a.events", "processed"): 2, ("a.events", "duplicate"): 1,
                ("b.events", "processed"): 1, ("b.events", "ignored"): 1}  # fmt: skip
    assert {key: consumed(*key) - before[key] for key in keys} == expected
    assert latency("count") == count + 3
    assert latency("bucket", le="1.0") == under_1s + 2
