"""Every contract by type string, the topics, keys and dead-letter names."""

from __future__ import annotations

from types import ModuleType

from jiaodui_contracts import (
    commands,
    corrections,
    identity,
    notify,
    photos,
    records,
    reports,
    subscriptions,
)
from jiaodui_contracts._base import Contract

__all__ = [
    "EVENT_TYPES",
    "PRIVATE_TOPICS",
    "TOPICS",
    "UnknownEventType",
    "contract_for",
    "dlq_topic",
    "key_of",
    "topic_of",
]

TOPICS: tuple[str, ...] = (
    "identity.events",
    "records.events",
    "photos.events",
    "corrections.events",
    "notify.events",
    "notify.requests",
    "reports.events",
    "subscriptions.clients",
)
"""Every topic; each has a ``<topic>.dlq`` beside it."""

PRIVATE_TOPICS: frozenset[str] = frozenset({"notify.requests", "subscriptions.clients"})
"""Topics other campus systems must not read (links with tokens, codes, addresses, client
credentials)."""

_MODULES: tuple[ModuleType, ...] = (
    identity,
    records,
    photos,
    corrections,
    notify,
    commands,
    reports,
    subscriptions,
)


class UnknownEventType(LookupError):
    """A ``type`` that names no contract this version of the package knows."""


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
"""Contract type string → model (public events and private commands), sorted by type."""


def contract_for(type_name: str) -> type[Contract]:
    """The model of a type string; :class:`UnknownEventType` if this package has none."""
    try:
        return EVENT_TYPES[type_name]
    except KeyError:
        raise UnknownEventType(
            f"unknown event type {type_name!r}: not in jiaodui-contracts "
            f"({len(EVENT_TYPES)} known); a newer producer, or a typo"
        ) from None


def dlq_topic(topic: str) -> str:
    """The dead-letter topic beside ``topic``: ``<topic>.dlq``."""
    return f"{topic}.dlq"


def topic_of(contract: Contract | type[Contract] | str) -> str:
    """The topic of a contract, given an instance, its class or its type string."""
    if isinstance(contract, str):
        return contract_for(contract).TOPIC
    return contract.TOPIC


def key_of(contract: Contract) -> str:
    """The Kafka key: all events of one account (or one record) share a partition, in order."""
    return contract.partition_key()
