"""What notify answers: one model per answer, so the OpenAPI document names every field."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from jiaodui_notify.domain.delivery import Channel, Status
from jiaodui_notify.domain.notices import Template


class Read(BaseModel):
    """An answer carries every field, null when empty: the schema marks them all required."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class DeliveryRead(Read):
    delivery_id: str
    channel: Channel
    template: Template
    recipient_masked: str
    account_id: str | None
    status: Status
    attempts: int
    error: str | None
    cause_type: str | None
    cause_event_id: str
    subject: str | None
    created_at: datetime
    sent_at: datetime | None
    failed_at: datetime | None
    next_attempt_at: datetime | None


class DeliveryPage(Read):
    items: list[DeliveryRead]
    next_before: datetime | None = Field(
        description="Pass as `before` for the next (older) page; null on the last page."
    )


class MessageRead(Read):
    message_id: str
    template: Template = Field(description="The kind of message (the template it was made from).")
    channel: Literal["email", "sms", "inbox"] = Field(
        description="`inbox`: notify knows no address for the account, so it is only shown here."
    )
    subject: str
    excerpt: str = Field(description="The start of the text on one line, for a list.")
    body: str = Field(description="The whole text (plain; links that carry tokens redacted).")
    delivery_status: Status | None = Field(
        description="How the mail or SMS fared; null for an inbox-only message."
    )
    created_at: datetime


class MessagePage(Read):
    items: list[MessageRead]
