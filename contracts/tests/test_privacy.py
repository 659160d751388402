"""No public event can carry a plain ID number, phone number, e-mail or secret."""

from __future__ import annotations

from typing import Any

import pytest
from jiaodui_contracts import EVENT_TYPES

FORBIDDEN_NAMES = {"id_number", "phone", "email", "token", "password", "code", "secret"}
FORBIDDEN_SUFFIXES = (
    "_id_number",
    "_phone",
    "_email",
    "_token",
    "_password",
    "_secret",
    "sms_code",
)


def property_names(schema: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for node in [schema, *schema.get("$defs", {}).values()]:
        names |= set(node.get("properties", {}))
    return names


def offending(names: set[str]) -> set[str]:
    return {n for n in names if n in FORBIDDEN_NAMES or n.endswith(FORBIDDEN_SUFFIXES)}


@pytest.mark.parametrize(
    "model", [m for m in EVENT_TYPES.values() if not m.PRIVATE], ids=lambda m: m.__name__
)
def test_public_events_carry_no_plain_identifier_or_secret(model: type) -> None:
    names = property_names(model.model_json_schema())  # type: ignore[attr-defined]
    assert not offending(names), f"{model.__name__} exposes {offending(names)}"


def test_the_check_catches_offenders_and_allows_masked_and_hashed_forms() -> None:
    names = {
        "contact_phone",
        "id_number",
        "reset_token",
        "phone_masked",
        "identity_hash",
        "id_number_masked",
        "institution_code",
        "sms_code",
        "email",
    }
    assert offending(names) == {"contact_phone", "id_number", "reset_token", "sms_code", "email"}


def test_commands_are_the_only_carriers_of_secrets() -> None:
    private = [m for m in EVENT_TYPES.values() if m.PRIVATE]
    assert private and all(m.TOPIC == "notify.requests" for m in private)
