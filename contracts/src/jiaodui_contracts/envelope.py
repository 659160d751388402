"""The CloudEvents 1.0 envelope every message travels in (JSON, structured mode)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from jiaodui_contracts._base import Contract

HEADER_CORRELATION_ID = "correlation_id"
HEADER_TRACEPARENT = "traceparent"
SCHEMA_BASE = "https://jiaodui.example/contracts/schemas/"


class UnknownEventType(LookupError):
    """The envelope's ``type`` names no contract this version of the package knows."""


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 envelope; ``subject`` is also the Kafka key."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    specversion: Literal["1.0"] = "1.0"
    id: str
    source: str
    type: str
    time: AwareDatetime
    subject: str
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str | None = None
    data: dict[str, Any]


def new_event(
    payload: Contract,
    *,
    source: str,
    subject: str | None = None,
    id: str | None = None,
    time: datetime | None = None,
) -> CloudEvent:
    """Wrap a contract in an envelope (a fresh id, now, and its key as subject)."""
    return CloudEvent(
        id=id or str(uuid.uuid4()),
        source=source,
        type=payload.TYPE,
        time=time or datetime.now(UTC),
        subject=subject or payload.key(),
        dataschema=f"{SCHEMA_BASE}{payload.TYPE}.json",
        data=payload.model_dump(mode="json"),
    )


def parse_data(event: CloudEvent) -> Contract:
    """Validate ``data`` into the contract named by ``type`` (unknown fields ignored)."""
    from jiaodui_contracts.registry import EVENT_TYPES

    model = EVENT_TYPES.get(event.type)
    if model is None:
        raise UnknownEventType(event.type)
    return model.model_validate(event.data)


def to_json_bytes(event: CloudEvent) -> bytes:
    return event.model_dump_json(exclude_none=True).encode()


def from_json_bytes(raw: bytes) -> CloudEvent:
    return CloudEvent.model_validate_json(raw)
