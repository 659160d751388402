"""Every contract by type string, the topics, keys and dead-letter names."""

from __future__ import annotations

from types import ModuleType

from jiaodui_contracts import commands, corrections, identity, notify, photos, records
from jiaodui_contracts._base import Contract

TOPICS: tuple[str, ...] = (
    "identity.events",
    "records.events",
    "photos.events",
    "corrections.events",
    "notify.events",
    "notify.requests",
)
"""Every topic; each has a ``<topic>.dlq`` beside it."""

_MODULES: tuple[ModuleType, ...] = (identity, records, photos, corrections, notify, commands)


def _collect() -> dict[str, type[Contract]]:
    found: dict[str, type[Contract]] = {}
    for module in _MODULES:
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Contract)
                and "TYPE" in value.__dict__
                and value.__module__ == module.__name__
            ):
                if value.TYPE in found:
                    raise RuntimeError(f"duplicate contract type {value.TYPE}")
                found[value.TYPE] = value
    return dict(sorted(found.items()))


EVENT_TYPES: dict[str, type[Contract]] = _collect()
"""Contract type string → model (public events and private commands)."""


def dlq_topic(topic: str) -> str:
    return f"{topic}.dlq"


def topic_of(contract: Contract | type[Contract]) -> str:
    return contract.TOPIC


def key_of(contract: Contract) -> str:
    """The Kafka key: all events of one account (or one record) share a partition."""
    return contract.key()
