"""What the consumer reads of an event before it parses it, and how much a poll takes.

An event of a type no handler wants is dropped after its ``type`` alone was read, big or
small (notify parsed every 32 KB RecordsImported whole only to drop it, identity every
IdentityMatched of a matching burst); a poll's record count follows
the size of the events, so a poll of big events stays near ``poll_bytes``.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jiaodui_contracts import new_event, to_json_bytes
from jiaodui_contracts.identity import AccountRegistered
from jiaodui_runtime import consumer as consumer_module
from jiaodui_runtime.consumer import EventConsumer, peek_type, poll_size
from jiaodui_runtime.testing.events import consumer_record as record
from prometheus_client import REGISTRY

NAME = "peek-test-consumer"
HANDLED = AccountRegistered.TYPE
UNHANDLED = "jiaodui.records.RecordsImported.v1"


def registered() -> bytes:
    payload = AccountRegistered(account_id=str(uuid.uuid4()), registered_at=datetime.now(UTC))
    return to_json_bytes(new_event(payload, source="/jiaodui/test"))


def envelope(type_: str, data: Any) -> bytes:
    """An envelope as the database builds one (insert_built_events_sql: spaces and all)."""
    return json.dumps(
        {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": "/jiaodui/records",
            "type": type_,
            "time": "2026-12-01T10:00:00Z",
            "subject": "s",
            "data": data,
        },
        separators=(", ", " : "),
    ).encode()


def test_the_type_is_read_from_every_kind_of_envelope() -> None:
    assert peek_type(registered()) == HANDLED
    assert peek_type(envelope(UNHANDLED, {"records": [{"x": 1}] * 100})) == UNHANDLED


def test_a_value_without_a_readable_type_has_none() -> None:
    for value in (None, b"", b"not json", b"[1, 2]", b'{"id": "x"}', b'{"type": 3}', b"{"):
        assert peek_type(value) is None, value


def consumer() -> EventConsumer:
    async def handler(*_: Any) -> None:
        return None

    return EventConsumer(
        name=NAME,
        bootstrap="unused:9092",
        pool=cast(Any, None),
        handlers={HANDLED: handler},
        topics=["t.events"],
        dead_letters=cast(Any, None),
    )


def ignored(topic: str) -> float:
    labels = {"consumer": NAME, "topic": topic, "outcome": "ignored"}
    return REGISTRY.get_sample_value("consumer_events_total", labels) or 0.0


def test_unwanted_events_are_dropped_and_counted_before_their_data_is_parsed() -> None:
    before = ignored("t.events")
    # data that would not even parse as an envelope's: only its type was read
    broken = envelope(UNHANDLED, "not an object")
    big = {"records": [{"record_id": str(uuid.uuid4())}] * 60}
    records = [
        record(0, registered()),
        record(1, envelope(UNHANDLED, big)),
        record(2, b"not json" * 300),  # unreadable: kept, to be dead-lettered with its error
        record(3, broken),
        record(4, registered()),
        record(5, envelope(UNHANDLED, {"records": []})),  # small: dropped as well
        record(6, b"{"),  # small and unreadable: kept
    ]
    wanted = consumer()._wanted(records)
    assert [r.offset for r in wanted] == [0, 2, 4, 6]
    assert ignored("t.events") == before + 3


def test_a_poll_of_unwanted_events_only_is_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing of it reaches the reader (so no transaction is opened for it either)."""
    read: list[bytes] = []
    monkeypatch.setattr(consumer_module, "from_json_bytes", lambda v: read.append(v))
    records = [record(i, envelope(UNHANDLED, {"n": i})) for i in range(20)]
    assert consumer()._wanted(records) == []
    assert read == []


@given(
    st.lists(st.integers(min_value=0, max_value=100_000), min_size=1, max_size=50),
    st.integers(min_value=1, max_value=4 << 20),
    st.integers(min_value=1, max_value=1000),
)
def test_a_poll_takes_about_the_budget_at_the_last_polls_mean_size(
    sizes: list[int], budget: int, most: int
) -> None:
    records = [record(i, b"x" * n) for i, n in enumerate(sizes)]
    n = poll_size(records, budget=budget, most=most)
    assert 1 <= n <= most
    mean = max(1, sum(sizes) // len(sizes))
    assert n == most or n == 1 or n * mean <= budget < (n + 1) * mean


def test_small_events_come_500_to_a_poll_and_an_imports_batches_about_32() -> None:
    small = [record(i, b"x" * 700) for i in range(500)]  # IdentityMatched
    big = [record(i, b"x" * 32_000) for i in range(40)]  # RecordsImported, 100 records each
    assert poll_size(small, budget=1 << 20, most=500) == 500
    assert poll_size(big, budget=1 << 20, most=500) == 32
    assert poll_size([], budget=1 << 20, most=500) == 500


def test_an_event_whose_guessed_type_is_wanted_is_kept_without_the_exact_peek(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    peeked: list[bytes] = []
    monkeypatch.setattr(consumer_module, "peek_type", lambda v: peeked.append(v) or peek_type(v))
    big = {"records": [{"record_id": str(uuid.uuid4())}] * 60}
    wanted_big = envelope(HANDLED, big)
    # data first, naming a wanted type: the guess is wrong, the event kept and parsed (the
    # typed reader checks the type; _apply_all counts it as ignored)
    decoy_wanted = json.dumps({"data": {"type": HANDLED, **big}, "type": UNHANDLED}).encode()
    # data first, naming an unwanted type: the exact peek finds the wanted type
    decoy_unwanted = json.dumps({"data": {"type": UNHANDLED, **big}, "type": HANDLED}).encode()
    records = [record(0, wanted_big), record(1, decoy_wanted), record(2, decoy_unwanted)]
    assert [r.offset for r in consumer()._wanted(records)] == [0, 1, 2]
    assert peeked == [decoy_unwanted]
