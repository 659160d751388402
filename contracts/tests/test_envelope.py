from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from jiaodui_contracts import (
    EVENT_TYPES,
    TOPICS,
    CloudEvent,
    UnknownEventType,
    dlq_topic,
    from_json_bytes,
    key_of,
    new_event,
    parse_data,
    to_json_bytes,
    topic_of,
)
from jiaodui_contracts.identity import AccountRegistered
from jiaodui_contracts.photos import PhotoConfirmed


def confirmed() -> PhotoConfirmed:
    return PhotoConfirmed(
        record_id=str(uuid.uuid4()),
        institution_code="10001",
        branch="信息学院",
        photo_id=str(uuid.uuid4()),
        account_id=str(uuid.uuid4()),
        kind="graduation",
        confirmed_at=datetime.now(UTC),
    )


def test_round_trip_keeps_everything() -> None:
    payload = confirmed()
    event = new_event(payload, source="/jiaodui/photos")
    assert event.type == "jiaodui.photos.PhotoConfirmed.v1"
    assert event.subject == payload.record_id == key_of(payload)
    assert topic_of(payload) == "photos.events"
    again = from_json_bytes(to_json_bytes(event))
    assert again == event
    assert parse_data(again) == payload


def test_unknown_fields_are_ignored_so_additive_changes_never_break_consumers() -> None:
    event = new_event(confirmed(), source="/jiaodui/photos")
    newer = event.model_copy(update={"data": {**event.data, "added_in_v1_1": "x"}})
    assert parse_data(newer) == parse_data(event)


def test_unknown_types_are_a_clear_error() -> None:
    event = new_event(confirmed(), source="/x").model_copy(update={"type": "jiaodui.x.Nope.v1"})
    with pytest.raises(UnknownEventType, match="Nope"):
        parse_data(event)


def test_envelope_requires_aware_times() -> None:
    with pytest.raises(ValueError, match="timezone"):
        CloudEvent(id="1", source="/s", type="t", time=datetime(2026, 1, 1), subject="s", data={})


def test_registry_covers_every_design_event_with_a_versioned_type_and_topic() -> None:
    design = {
        "AccountRegistered",
        "AccountActivated",
        "AccountNameChanged",
        "AccountIdentityCorrected",
        "AccountIdentityReleased",
        "RecordImported",
        "RecordCorrected",
        "IdentityMatched",
        "IdentityUnmatched",
        "PhotoLinked",
        "PhotoConfirmed",
        "PhotoDisputed",
        "ErrataFiled",
        "ErrataApproved",
        "ErrataRejected",
        "IdentityCorrectionRequested",
        "IdentityCorrectionApproved",
        "IdentityDisputeFiled",
        "IdentityDisputeResolved",
        "NotificationSent",
        "NotificationFailed",
    }
    names = {m.__name__ for m in EVENT_TYPES.values()}
    assert design <= names
    for type_name, model in EVENT_TYPES.items():
        assert type_name.startswith("jiaodui.") and type_name.endswith(".v1")
        assert model.TOPIC in TOPICS
        assert model.KEY_FIELD in model.model_fields
    assert dlq_topic("identity.events") == "identity.events.dlq"
    assert AccountRegistered.TOPIC == "identity.events"
