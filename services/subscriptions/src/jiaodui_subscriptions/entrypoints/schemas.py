"""What subscriptions accepts and answers: one model per request and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import asyncpg
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
EventType = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Url = Annotated[AnyHttpUrl, Field(description="http(s) endpoint; resolved and checked")]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]
DeliveryStatus = Literal["pending", "delivered", "failed"]


class Read(BaseModel):
    """An answer carries every field, null when empty: the schema marks them all required."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class SubscriberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    owner_email: Email
    url: Url
    event_types: list[EventType] = Field(min_length=1, max_length=50)
    institution_code: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)
    ]


class SubscriberUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: Url | None = None
    event_types: list[EventType] | None = Field(default=None, min_length=1, max_length=50)
    enabled: bool | None = None


class SubscriberRead(Read):
    subscriber_id: str
    name: str
    owner_email: str
    url: str
    event_types: list[str]
    institution_code: str
    enabled: bool
    disabled_reason: Literal["gone", "failing", "by_staff"] | None
    failing_since: datetime | None
    client_id: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: asyncpg.Record) -> SubscriberRead:
        return cls(
            subscriber_id=str(row["id"]),
            name=row["name"],
            owner_email=row["owner_email"],
            url=row["url"],
            event_types=list(row["event_types"]),
            institution_code=row["institution_code"],
            enabled=row["enabled"],
            disabled_reason=row["disabled_reason"],
            failing_since=row["failing_since"],
            client_id=row["client_id"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )


class SubscriberCreated(Read):
    """The two secrets are shown once: keep them now."""

    subscriber_id: str
    secret: str = Field(description="whsec_…: verifies webhook signatures (Standard Webhooks)")
    client_id: str
    client_secret: str = Field(description="for POST /api/identity/v1/oauth/token")


class SubscriberPage(Read):
    items: list[SubscriberRead]
    total: int


class SecretRotated(Read):
    secret: str
    previous_valid_until: datetime


class PingQueued(Read):
    delivery_id: str


class ReplayRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    since: datetime


class ReplayQueued(Read):
    queued: int


class ResendQueued(Read):
    delivery_id: str
    status: Literal["pending"] = "pending"


class AttemptRead(Read):
    attempt: int
    at: datetime
    status_code: int | None
    latency_ms: int
    error: str | None


class DeliveryRead(Read):
    delivery_id: str
    event_id: str
    event_type: str
    webhook_id: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    latency_ms: int | None
    last_error: str | None
    response_excerpt: str | None
    created_at: datetime
    delivered_at: datetime | None
    next_attempt_at: datetime | None
    tries: list[AttemptRead]

    @classmethod
    def of(cls, row: asyncpg.Record) -> DeliveryRead:
        return cls(
            delivery_id=str(row["id"]),
            event_id=str(row["event_id"]),
            event_type=row["event_type"],
            webhook_id=row["webhook_id"],
            status=row["status"],
            attempts=row["attempts"],
            last_status_code=row["last_status_code"],
            latency_ms=row["last_latency_ms"],
            last_error=row["last_error"],
            response_excerpt=row["response_excerpt"],
            created_at=row["created_at"],
            delivered_at=row["delivered_at"],
            next_attempt_at=row["next_attempt_at"],
            tries=[AttemptRead.model_validate(t) for t in row["tries"]],
        )


class DeliveryPage(Read):
    items: list[DeliveryRead]
    next: str | None = Field(description="pass as `after` for the next (older) page")


class FeedPage(Read):
    items: list[dict[str, Any]] = Field(description="CloudEvents (structured JSON), in order")
    next: str = Field(description="pass as `after` next time (the same when nothing was new)")


class CatalogueEvent(Read):
    type: str = Field(description="CloudEvents `type`, e.g. jiaodui.photos.PhotoConfirmed.v1")
    name: str
    version: int
    producer: str = Field(description="the emitting service")
    topic: str
    key: str
    summary: str
    schema_url: str
    schema_: dict[str, Any] = Field(alias="schema", description="JSON Schema of `data`")
    example: dict[str, Any] = Field(description="an example CloudEvent as delivered")

    model_config = ConfigDict(
        json_schema_serialization_defaults_required=True, populate_by_name=True
    )


class CataloguePing(Read):
    type: str
    schema_: dict[str, Any] = Field(alias="schema")

    model_config = ConfigDict(
        json_schema_serialization_defaults_required=True, populate_by_name=True
    )


class CatalogueWebhooks(Read):
    content_type: str
    headers: list[str]
    signature: str
    retries_s: list[int]
    verify_python: str
    verify_java: str


class Catalogue(Read):
    """The public event catalogue (built from contracts/)."""

    contracts_version: str
    events: list[CatalogueEvent]
    ping: CataloguePing
    webhooks: CatalogueWebhooks
