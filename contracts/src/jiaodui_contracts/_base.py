"""Base classes and shared field types of every contract."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints

Uuid = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
]
IdentityHash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
"""HMAC-SHA256 (hex) over ``id_type:normalised number`` with the services' shared secret."""
MaskedIdNumber = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"\*")]
"""A display form that hides the middle of the number, e.g. ``110101********123X``."""
IdType = Literal["resident_id", "passport", "hk_macao_permit", "taiwan_permit"]
Gender = Literal["male", "female"]
PhotoKind = Literal["graduation", "admission"]
Timestamp = AwareDatetime
Day = date

__all__ = [
    "Command",
    "Day",
    "Event",
    "Gender",
    "IdType",
    "IdentityHash",
    "MaskedIdNumber",
    "PhotoKind",
    "Timestamp",
    "Uuid",
    "datetime",
]


class Contract(BaseModel):
    """A message on Kafka. Frozen; unknown fields are ignored when parsing, so that
    additive changes by a producer never break a consumer on the same major version."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    TYPE: ClassVar[str]
    TOPIC: ClassVar[str]
    KEY_FIELD: ClassVar[str]
    PRIVATE: ClassVar[bool] = False

    def key(self) -> str:
        value: Any = getattr(self, self.KEY_FIELD)
        return str(value)


class Event(Contract):
    """A public event: other campus systems may subscribe. Never a plain ID, phone or secret."""


class Command(Contract):
    """A private command on ``notify.requests``: only identity writes, only notify reads."""

    PRIVATE: ClassVar[bool] = True
    TOPIC: ClassVar[str] = "notify.requests"
    KEY_FIELD: ClassVar[str] = "account_id"
