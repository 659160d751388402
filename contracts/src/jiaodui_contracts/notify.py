"""Events of the notify service (topic ``notify.events``, key ``delivery_id``)."""

from __future__ import annotations

from typing import ClassVar, Literal

from jiaodui_contracts._base import Event, Timestamp, Uuid


class _DeliveryEvent(Event):
    TOPIC: ClassVar[str] = "notify.events"
    KEY_FIELD: ClassVar[str] = "delivery_id"
    delivery_id: Uuid
    channel: Literal["email", "sms"]
    template: str
    recipient_masked: str
    account_id: Uuid | None = None
    cause_event_id: Uuid
    cause_type: str


class NotificationSent(_DeliveryEvent):
    TYPE: ClassVar[str] = "jiaodui.notify.NotificationSent.v1"
    sent_at: Timestamp


class NotificationFailed(_DeliveryEvent):
    """A delivery failed for good (after bounded retries, or a permanent refusal)."""

    TYPE: ClassVar[str] = "jiaodui.notify.NotificationFailed.v1"
    error: str
    attempts: int
    failed_at: Timestamp
