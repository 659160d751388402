"""Which event types a campus system may choose, and the scopes that go with them."""

from __future__ import annotations

from collections.abc import Iterable

from jiaodui_contracts import EVENT_TYPES, Contract

PUBLIC_TYPES: dict[str, type[Contract]] = {
    name: model for name, model in EVENT_TYPES.items() if not model.PRIVATE
}
"""The public events of the AsyncAPI catalogue (contracts/): what subscribers may choose."""
PING_TYPE = "jiaodui.subscriptions.Ping.v1"
"""The test event ``POST /v1/subscribers/{id}/ping`` sends; never on Kafka, never in the feed."""


def family_of(type_name: str) -> str:
    """``jiaodui.photos.PhotoConfirmed.v1`` → ``photos`` (the producing service)."""
    return type_name.split(".")[1]


def scope_of(type_name: str) -> str:
    return f"events:{family_of(type_name)}"


def scopes_for(types: Iterable[str]) -> list[str]:
    return sorted({scope_of(t) for t in types})


def unknown_types(types: Iterable[str]) -> list[str]:
    return sorted({t for t in types if t not in PUBLIC_TYPES})


def readable(types: Iterable[str], scopes: Iterable[str]) -> list[str]:
    """The types among ``types`` that a token with ``scopes`` may read."""
    allowed = set(scopes)
    return sorted({t for t in types if scope_of(t) in allowed})
