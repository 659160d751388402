"""How the consumer reads the events its handlers take: envelope and data in one pass.

The typed reader validates ``data`` into its contract while it reads the envelope (no dict of
the data built first); any event the typed reader refuses is read the general way, so that an
ignored type and data that does not fit are told apart as before.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, cast

import orjson
import pytest
from jiaodui_contracts import Contract, from_json_bytes, new_event, to_json_bytes
from jiaodui_contracts.examples import example_of
from jiaodui_contracts.identity import AccountActivated, AccountRegistered
from jiaodui_contracts.records import RecordsImported
from jiaodui_contracts.views import view_of
from jiaodui_runtime.consumer import Batched, EventConsumer, guess_type
from pydantic import ValidationError


async def _one(*_: Any) -> None:
    return None


async def _run(*_: Any) -> None:
    return None


def consumer() -> EventConsumer:
    return EventConsumer(
        name="typed-read-test",
        bootstrap="unused:9092",
        pool=cast(Any, None),
        handlers={
            AccountRegistered.TYPE: _one,
            RecordsImported.TYPE: Batched(_run),
        },
        topics=["t.events"],
        dead_letters=cast(Any, None),
    )


def value(payload: Contract) -> bytes:
    return to_json_bytes(new_event(payload, source="/jiaodui/test"))


def registered() -> AccountRegistered:
    return AccountRegistered(account_id=str(uuid.uuid4()), registered_at=datetime.now(UTC))


def test_a_handled_type_arrives_with_its_contract_read_in_the_same_pass() -> None:
    payload = registered()
    reader = consumer()
    event = reader._read(value(payload))
    assert isinstance(event.data, AccountRegistered) and event.data == payload
    assert reader._data_of(event) is event.data


def test_a_batched_handler_gets_its_events_read_in_one_pass_too() -> None:
    payload = example_of(RecordsImported)
    reader = consumer()
    event = reader._read(value(payload))
    assert isinstance(event.data, RecordsImported) and event.data == payload
    assert reader._data_of(event) is event.data


def test_types_no_handler_takes_are_read_the_general_way() -> None:
    event = consumer()._read(value(example_of(AccountActivated)))
    assert event.type == AccountActivated.TYPE and isinstance(event.data, dict)


def test_data_that_does_not_fit_fails_where_it_failed_before_when_applied() -> None:
    unfit = orjson.loads(value(registered()))
    unfit["data"]["registered_at"] = "yesterday"
    reader = consumer()
    event = reader._read(orjson.dumps(unfit))  # the envelope reads: kept for the handler
    assert isinstance(event.data, dict)
    with pytest.raises(ValidationError, match="registered_at"):
        reader._data_of(event)  # in the batch's transaction: rolled back, then retried one by one


def test_the_type_is_guessed_from_envelopes_as_pydantic_and_postgresql_write_them() -> None:
    assert guess_type(value(registered())) == AccountRegistered.TYPE
    spaced = b'{"specversion" : "1.0", "type" : "jiaodui.records.RecordsImported.v1", "data" : {}}'
    assert guess_type(spaced) == RecordsImported.TYPE
    assert guess_type(b'{"id": "x"}') is None


def test_a_wrong_guess_costs_a_second_reading_not_a_wrong_one() -> None:
    envelope = orjson.loads(value(example_of(AccountActivated)))
    # data first, with a member "type" naming a type the typed reader takes
    decoy = {"data": {"type": AccountRegistered.TYPE, **envelope.pop("data")}, **envelope}
    raw = orjson.dumps(decoy)
    assert guess_type(raw) == AccountRegistered.TYPE
    event = consumer()._read(raw)
    assert event.type == AccountActivated.TYPE and isinstance(event.data, dict)


ROSTER = view_of(RecordsImported, {"records": ["record_id", "identity_hash"]})


def test_a_handler_reading_a_view_gets_only_its_fields_both_ways() -> None:
    reader = EventConsumer(
        name="typed-read-view-test",
        bootstrap="unused:9092",
        pool=cast(Any, None),
        handlers={RecordsImported.TYPE: Batched(_run, reads={RecordsImported.TYPE: ROSTER})},
        topics=["t.events"],
        dead_letters=cast(Any, None),
    )
    payload = example_of(RecordsImported)
    assert isinstance(payload, RecordsImported)
    raw = value(payload)
    typed = reader._data_of(reader._read(raw))
    general = reader._data_of(from_json_bytes(raw))  # the one-at-a-time path after a failure
    for data in (typed, general):
        assert isinstance(data, ROSTER)
        record = data.records[0]  # type: ignore[attr-defined]
        assert record.record_id == payload.records[0].record_id
        assert record.identity_hash == payload.records[0].identity_hash
        assert not hasattr(record, "name")
