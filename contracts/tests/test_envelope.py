"""Envelopes round-trip, parsing is lenient for consumers and strict for producers."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import orjson
import pytest
from jiaodui_contracts import (
    EVENT_TYPES,
    CloudEvent,
    Contract,
    UnknownEventType,
    from_json_bytes,
    key_of,
    new_event,
    new_event_id,
    new_event_ids,
    parse_data,
    to_json_bytes,
    typed_reader,
)
from jiaodui_contracts.corrections import ErrataApproved, FieldChange
from jiaodui_contracts.examples import EXAMPLE_NOW, example_of
from jiaodui_contracts.photos import PhotoConfirmed
from pydantic import ValidationError

NOW = EXAMPLE_NOW


def sample(model: type[Contract]) -> Contract:
    return example_of(model)


@pytest.mark.parametrize("model", EVENT_TYPES.values(), ids=lambda m: m.__name__)
def test_every_contract_round_trips_through_an_envelope(model: type[Contract]) -> None:
    payload = sample(model)
    event = new_event(payload, source="/jiaodui/test")
    assert event.type == model.TYPE and event.subject == payload.key()
    assert key_of(payload) == payload.partition_key()  # = subject, or a record's bucket
    assert event.dataschema is not None and event.dataschema.endswith(f"{model.TYPE}.json")
    again = from_json_bytes(to_json_bytes(event))
    assert again == event
    assert parse_data(again) == payload == parse_data(again, strict=True)


def confirmed() -> PhotoConfirmed:
    return PhotoConfirmed(
        record_id=str(uuid.uuid4()),
        institution_code="10001",
        branch="信息学院",
        photo_id=str(uuid.uuid4()),
        account_id=str(uuid.uuid4()),
        kind="graduation",
        confirmed_at=NOW,
    )


def test_unknown_fields_are_ignored_by_default_and_refused_when_strict() -> None:
    event = new_event(confirmed(), source="/jiaodui/photos")
    newer = event.model_copy(update={"data": {**event.data, "added_in_v1_1": "x"}})
    assert parse_data(newer) == parse_data(event)
    with pytest.raises(ValidationError, match="added_in_v1_1"):
        parse_data(newer, strict=True)


def test_unknown_fields_are_ignored_inside_nested_models_too() -> None:
    approved = sample(ErrataApproved)
    assert isinstance(approved, ErrataApproved)
    data = approved.model_dump(mode="json")
    data["changes"] = [{**c, "reviewer_note": "new in 1.1"} for c in data["changes"]]
    assert ErrataApproved.from_data(data) == approved
    with pytest.raises(ValidationError, match="reviewer_note"):
        ErrataApproved.from_data(data, strict=True)


def _with_unknown_members(value: object) -> object:
    """``value`` with a member no version declares in every object, at every depth."""
    if isinstance(value, dict):
        return {**{k: _with_unknown_members(v) for k, v in value.items()}, "added_in_v1_9": 1}
    if isinstance(value, list):
        return [_with_unknown_members(v) for v in value]
    return value


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_every_contract_reads_past_members_it_does_not_know(event_type: str) -> None:
    model = EVENT_TYPES[event_type]
    known = sample(model)
    newer = _with_unknown_members(known.model_dump(mode="json"))
    assert isinstance(newer, dict)
    assert model.from_data(newer) == known
    with pytest.raises(ValidationError, match="added_in_v1_9"):
        model.from_data(newer, strict=True)


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_the_typed_reader_reads_what_the_general_way_reads(event_type: str) -> None:
    model = EVENT_TYPES[event_type]
    payload = sample(model)
    raw = to_json_bytes(new_event(payload, source="/jiaodui/test"))
    event = typed_reader(model)(raw)
    general = from_json_bytes(raw)
    assert event.data == payload == parse_data(general)
    assert isinstance(event.data, model)
    assert event.model_dump(exclude={"data"}) == general.model_dump(exclude={"data"})


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_the_typed_reader_reads_past_members_it_does_not_know(event_type: str) -> None:
    model = EVENT_TYPES[event_type]
    payload = sample(model)
    envelope = new_event(payload, source="/jiaodui/test").model_dump(mode="json")
    newer = _with_unknown_members(envelope)  # the envelope's extension attribute too
    assert typed_reader(model)(orjson.dumps(newer)).data == payload


def test_the_typed_reader_refuses_other_types_and_data_that_does_not_fit() -> None:
    raw = to_json_bytes(new_event(confirmed(), source="/jiaodui/photos"))
    with pytest.raises(ValidationError, match="type"):
        typed_reader(ErrataApproved)(raw)  # another type: the general way tells which
    unfit = orjson.loads(raw)
    unfit["data"]["kind"] = "passport"
    with pytest.raises(ValidationError, match="kind"):
        typed_reader(PhotoConfirmed)(orjson.dumps(unfit))


def test_producers_cannot_misspell_a_field() -> None:
    fields = confirmed().model_dump()
    with pytest.raises(ValidationError, match="confirmd_at"):
        PhotoConfirmed(**{**fields, "confirmd_at": NOW})


def test_unknown_types_are_a_clear_error() -> None:
    event = new_event(confirmed(), source="/x").model_copy(update={"type": "jiaodui.x.Nope.v1"})
    with pytest.raises(UnknownEventType, match=r"jiaodui\.x\.Nope\.v1"):
        parse_data(event)


def test_times_must_be_aware_and_travel_in_utc() -> None:
    fields = {"id": str(uuid.uuid4()), "source": "/s", "type": "t.v1", "subject": "s", "data": {}}
    with pytest.raises(ValidationError, match="timezone"):
        CloudEvent(**fields, time=datetime(2026, 1, 1))
    beijing = datetime(2026, 3, 17, 17, 30, tzinfo=timezone(timedelta(hours=8)))
    event = CloudEvent(**fields, time=beijing)
    assert event.time == NOW and event.time.tzinfo == UTC
    assert b'"time":"2026-03-17T09:30:00Z"' in to_json_bytes(event)
    shifted = PhotoConfirmed(**{**confirmed().model_dump(), "confirmed_at": beijing})
    assert shifted.confirmed_at.tzinfo == UTC


def test_times_read_from_json_keep_their_instant_and_utc_stays_utc() -> None:
    raw = to_json_bytes(new_event(confirmed(), source="/jiaodui/photos"))
    event = from_json_bytes(raw)
    assert event.time.tzinfo == UTC and event.time.utcoffset() == timedelta(0)
    assert b'"time":"' + event.time.strftime("%Y-%m-%dT%H:%M:%S").encode() in to_json_bytes(event)
    assert to_json_bytes(event) == raw  # read and written again: the same bytes, ...Z kept
    at = event.time.astimezone(timezone(timedelta(hours=8)))
    beijing = raw.replace(
        event.time.isoformat().replace("+00:00", "Z").encode(),
        at.isoformat().encode(),
    )
    assert beijing != raw and b"+08:00" in beijing
    assert from_json_bytes(beijing).time == event.time  # another offset: the same instant
    naive = raw.replace(
        event.time.isoformat().replace("+00:00", "Z").encode(), b"2026-01-01T00:00:00"
    )
    assert naive != raw
    with pytest.raises(ValidationError, match="timezone"):
        from_json_bytes(naive)


def test_envelope_ids_are_uuids_and_extension_attributes_survive() -> None:
    raw = to_json_bytes(new_event(confirmed(), source="/jiaodui/photos"))
    extended = raw[:-1] + b',"partitionkey":"abc"}'
    assert from_json_bytes(extended).model_dump()["partitionkey"] == "abc"
    assert b'"partitionkey":"abc"' in to_json_bytes(from_json_bytes(extended))
    with pytest.raises(ValidationError, match="id"):
        from_json_bytes(raw.replace(b'"id":"', b'"id":"not-a-uuid-'))


def test_an_id_number_change_never_carries_the_plain_number() -> None:
    with pytest.raises(ValidationError, match="masked"):
        FieldChange(field="id_number", correct_value="11010119900307123X")
    FieldChange(field="id_number", correct_value_masked="110101********123X")
    FieldChange(field="birth_date", old_value="2000-01-31", correct_value=str(date(2000, 1, 30)))


def test_event_ids_are_uuids_of_version_7_that_sort_by_creation_time() -> None:
    before = time.time_ns() // 1_000_000
    ids = [new_event_id() for _ in range(2000)]
    after = time.time_ns() // 1_000_000
    assert len(set(ids)) == len(ids)
    for event_id in ids:
        parsed = uuid.UUID(event_id)
        assert str(parsed) == event_id and parsed.version == 7
        assert parsed.variant == uuid.RFC_4122
    millis = [int(event_id.replace("-", "")[:12], 16) for event_id in ids]
    assert millis == sorted(millis) and before <= millis[0] and millis[-1] <= after
    assert uuid.UUID(new_event(confirmed(), source="/jiaodui/photos").id).version == 7


def test_ids_made_together_are_distinct_version_7_and_sort_by_time() -> None:
    before = new_event_id()
    ids = new_event_ids(10_000)
    assert len(set(ids)) == 10_000 and new_event_ids(0) == []
    assert all(uuid.UUID(i).version == 7 and uuid.UUID(i).variant == uuid.RFC_4122 for i in ids)
    assert all(str(uuid.UUID(i)) == i for i in ids)
    assert all(i[:13] == ids[0][:13] for i in ids)  # one millisecond, one prefix
    assert before[:13] <= ids[0][:13]
