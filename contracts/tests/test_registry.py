"""The registry covers every event of the design, with sound types, topics and keys."""

from __future__ import annotations

import re

import pytest
from jiaodui_contracts import (
    EVENT_TYPES,
    TOPICS,
    Command,
    Contract,
    Event,
    UnknownEventType,
    dlq_topic,
    topic_of,
)
from jiaodui_contracts.identity import AccountRegistered
from jiaodui_contracts.registry import PRIVATE_TOPICS

DESIGN_EVENTS = {
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


def test_every_design_event_is_a_public_contract() -> None:
    public = {m.__name__ for m in EVENT_TYPES.values() if issubclass(m, Event)}
    assert public >= DESIGN_EVENTS


@pytest.mark.parametrize("model", EVENT_TYPES.values(), ids=lambda m: m.__name__)
def test_type_names_service_class_and_major_version(model: type[Contract]) -> None:
    service = model.__module__.rsplit(".", 1)[-1]
    expected_service = "notify" if service == "commands" else service
    assert re.fullmatch(rf"jiaodui\.{expected_service}\.{model.__name__}\.v1", model.TYPE)


@pytest.mark.parametrize("model", EVENT_TYPES.values(), ids=lambda m: m.__name__)
def test_topic_and_key_are_sound(model: type[Contract]) -> None:
    assert model.TOPIC in TOPICS
    assert topic_of(model) == topic_of(model.TYPE) == model.TOPIC
    key = model.model_fields[model.KEY_FIELD]
    assert key.is_required() and key.annotation is str, "the key must always be there"
    assert model.__doc__, "the catalogue and the AsyncAPI summary need a docstring"
    if issubclass(model, Command):
        assert model.TOPIC == "notify.requests"
    elif model.PRIVATE:  # a private topic of its producer (subscriptions.clients)
        assert model.TOPIC.split(".")[0] == model.TYPE.split(".")[1]
        assert model.TOPIC in PRIVATE_TOPICS
    else:
        assert f"{model.TYPE.split('.')[1]}.events" == model.TOPIC


def test_lookups_and_dead_letter_names() -> None:
    assert dlq_topic("identity.events") == "identity.events.dlq"
    assert topic_of(AccountRegistered) == "identity.events"
    assert "notify.requests" in TOPICS
    with pytest.raises(UnknownEventType, match="Nope"):
        topic_of("jiaodui.x.Nope.v1")
