"""Events of the notify service (topic ``notify.events``, key ``delivery_id``).

Keyed by delivery: the outcome of one delivery stays in order, and deliveries
without an account (staff, unknown addresses) still have a key. The recipient
travels only masked; ``account_id`` is set when the recipient has an account.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from jiaodui_contracts._base import Event, Masked, Timestamp, Uuid


class _DeliveryEvent(Event):
    TOPIC: ClassVar[str] = "notify.events"
    KEY_FIELD: ClassVar[str] = "delivery_id"
    delivery_id: Uuid
    channel: Literal["email", "sms"]
    template: str
    recipient_masked: Masked
    account_id: Uuid | None = None
    cause_event_id: Uuid
    """The ``id`` of the envelope (event or command) that asked for the message."""
    cause_type: str


class NotificationSent(_DeliveryEvent):
    """A mail or SMS was handed to the provider."""

    TYPE: ClassVar[str] = "jiaodui.notify.NotificationSent.v1"
    sent_at: Timestamp


class NotificationFailed(_DeliveryEvent):
    """A delivery failed for good (after bounded retries, or a permanent refusal)."""

    TYPE: ClassVar[str] = "jiaodui.notify.NotificationFailed.v1"
    error: str
    attempts: int
    failed_at: Timestamp
