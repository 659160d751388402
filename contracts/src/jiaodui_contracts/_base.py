"""Base classes and shared field types of every contract.

Producers build contracts with ``extra="forbid"``: a misspelt field fails at once
instead of silently vanishing. Consumers parse with :meth:`Contract.from_data`
(or :func:`jiaodui_contracts.parse_data`), lenient by default: fields this version
does not know are ignored at any depth (pydantic's validation-time ``extra``), so an
additive change never breaks a consumer.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, StringConstraints
from pydantic_core import core_schema

Uuid = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
]
"""A UUID in its canonical lower-case text form."""
IdentityHash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
"""HMAC-SHA256 (lower-case hex) over ``"<id_type>:<normalised number>"`` with the
services' shared secret; normalised = NFKC, whitespace removed, upper case."""
MaskedIdNumber = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"\*")]
"""A display form that hides the middle of the number, e.g. ``110101********123X``."""
Masked = Annotated[str, StringConstraints(min_length=1, max_length=254, pattern=r"\*")]
"""A masked e-mail address or phone number, e.g. ``s***@example.edu.cn``, ``138****5678``."""
IdType = Literal["resident_id", "passport", "hk_macao_permit", "taiwan_permit"]
Gender = Literal["male", "female"]
PhotoKind = Literal["graduation", "admission"]


def _as_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


class _UtcTimestamp:
    """Python values (a producer building a contract) are converted to UTC, so they go on
    the wire as ``...Z``; JSON is read by pydantic-core alone, its offset kept: every
    producer writes UTC, which reads as a time equal to ``datetime.UTC``'s. A Python
    validator on the JSON path was ~0.45 µs of each timestamp, a quarter of an
    IdentityMatched's parse in each of its five consumers
    (docs/notes/issue-16-session11.md)."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        aware = core_schema.datetime_schema(tz_constraint="aware")
        return core_schema.json_or_python_schema(
            json_schema=aware,
            python_schema=core_schema.no_info_after_validator_function(_as_utc, aware),
        )


Timestamp = Annotated[datetime, _UtcTimestamp]
"""An aware date-time, normalised to UTC (``...Z`` on the wire)."""
Day = date

FROZEN = ConfigDict(frozen=True, extra="forbid")
"""The configuration of every contract model (and of the models nested in them)."""

__all__ = [
    "FROZEN",
    "Command",
    "Contract",
    "Day",
    "Event",
    "Gender",
    "IdType",
    "IdentityHash",
    "Masked",
    "MaskedIdNumber",
    "PhotoKind",
    "Timestamp",
    "Uuid",
]


class Contract(BaseModel):
    """A message on Kafka: frozen, and strict about its own fields when built.

    Every concrete contract sets ``TYPE`` (``jiaodui.<service>.<Name>.v<major>``),
    ``TOPIC`` and ``KEY_FIELD`` (the field whose value is the Kafka key and the
    envelope's ``subject``).
    """

    model_config = FROZEN

    TYPE: ClassVar[str]
    TOPIC: ClassVar[str]
    KEY_FIELD: ClassVar[str]
    PRIVATE: ClassVar[bool] = False
    KEY_DESCRIPTION: ClassVar[str | None] = None
    """What the Kafka key is, when it is not simply ``subject`` (see :meth:`partition_key`)."""

    def key(self) -> str:
        """The envelope's ``subject``: the value of ``KEY_FIELD``."""
        value: Any = getattr(self, self.KEY_FIELD)
        return str(value)

    def partition_key(self) -> str:
        """The Kafka key: ``subject``, unless every event about one thing must share a key
        that its subject is not (record events: the record's bucket)."""
        return self.key()

    @classmethod
    def from_data(cls, data: dict[str, Any], *, strict: bool = False) -> Self:
        """Validate an envelope's ``data``.

        Lenient (the default, for consumers): fields unknown to this version are
        ignored, at any depth. ``strict=True`` (for a producer's own tests) refuses them;
        it is about unknown fields only, types are coerced from JSON either way.
        """
        # pydantic-core drops unknown members while it validates: a walk over the dict in
        # Python to drop them first was ~11 % of a consumer's profile in a matching burst
        return cls.model_validate(data, extra=None if strict else "ignore")


class Event(Contract):
    """A public event: other campus systems may subscribe. Never a plain ID, phone or secret."""


class Command(Contract):
    """A private command on ``notify.requests``: only identity writes, only notify reads."""

    PRIVATE: ClassVar[bool] = True
    TOPIC: ClassVar[str] = "notify.requests"
    KEY_FIELD: ClassVar[str] = "account_id"
