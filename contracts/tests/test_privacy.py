"""No public event can carry a plain ID number, phone number, e-mail address or secret."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from jiaodui_contracts import EVENT_TYPES, Contract
from jiaodui_contracts.registry import PRIVATE_TOPICS

PUBLIC = [m for m in EVENT_TYPES.values() if not m.PRIVATE]
PERSONAL = ("id_number", "id_card", "phone", "mobile", "email", "e_mail")
"""Allowed only as ``<name>_masked`` or ``<name>_hash``."""
SECRET = (
    "password",
    "passwd",
    "token",
    "secret",
    "sms_code",
    "verification_code",
    "activation",
    "reset_url",
    "scan",
)
"""Never allowed, in any form."""
SNAKE_CASE = r"^[a-z][a-z0-9_]{0,63}$"
"""A ``code`` held to this pattern names a kind of thing (a photo finding such as
``no_face``); it cannot carry a report or collection code (upper case, digits first)."""


def properties(node: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (name, schema) of every property at any depth, ``$defs`` included."""
    if isinstance(node, dict):
        yield from node.get("properties", {}).items()
        for value in node.values():
            yield from properties(value)
    elif isinstance(node, list):
        for value in node:
            yield from properties(value)


def offending(names: set[str]) -> set[str]:
    def bad(name: str) -> bool:
        if name == "code" or any(part in name for part in SECRET):
            return True
        masked = name.endswith(("_masked", "_hash"))
        return any(part in name for part in PERSONAL) and not masked

    return {n for n in names if bad(n)}


@pytest.mark.parametrize("model", PUBLIC, ids=lambda m: m.__name__)
def test_public_events_carry_no_plain_identifier_or_secret(model: type[Contract]) -> None:
    names = {
        name
        for name, node in properties(model.model_json_schema())
        if not (name == "code" and node.get("pattern") == SNAKE_CASE)
    }
    assert not offending(names), f"{model.__name__} exposes {offending(names)}"


@pytest.mark.parametrize("model", PUBLIC, ids=lambda m: m.__name__)
def test_masked_fields_must_look_masked(model: type[Contract]) -> None:
    for name, node in properties(model.model_json_schema()):
        if name.endswith("_masked"):
            options = node.get("anyOf", [node])
            strings = [o for o in options if o.get("type") == "string"]
            assert strings and all(o.get("pattern") == r"\*" for o in strings), name


def test_the_check_catches_offenders_and_allows_masked_and_hashed_forms() -> None:
    allowed = {
        "phone_masked",
        "identity_hash",
        "id_number_masked",
        "previous_identity_hash",
        "recipient_masked",
        "institution_code",
        "cohort",
        "account_id",
    }
    forbidden = {
        "contact_phone",
        "id_number",
        "new_id_number",
        "reset_token",
        "sms_code",
        "email",
        "reply_email",
        "code",
        "activation_url",
        "password_hash",
        "scan_key",
    }
    assert offending(allowed | forbidden) == forbidden


def test_commands_are_the_only_carriers_of_secrets_and_stay_on_the_private_topic() -> None:
    private = [m for m in EVENT_TYPES.values() if m.PRIVATE]
    assert private and all(m.TOPIC in PRIVATE_TOPICS for m in private)
    assert all(m.TOPIC not in PRIVATE_TOPICS for m in PUBLIC)
