"""compat really detects each kind of breaking change (and accepts additive ones)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from jiaodui_contracts import Event
from jiaodui_contracts.compat import breaking_changes


def schema(model: type[Event]) -> dict[str, Any]:
    return model.model_json_schema(mode="serialization")


class V1(Event):
    TYPE: ClassVar[str] = "t.V1"
    TOPIC: ClassVar[str] = "t"
    KEY_FIELD: ClassVar[str] = "a"
    a: str
    b: int
    c: Literal["x", "y"]
    d: str | None = None


def test_identical_and_additive_changes_are_compatible() -> None:
    class Added(V1):
        e: str | None = None

    class Widened(V1):
        c: Literal["x", "y", "z"]  # type: ignore[assignment]

    assert breaking_changes(schema(V1), schema(V1)) == []
    assert breaking_changes(schema(V1), schema(Added)) == []
    assert breaking_changes(schema(V1), schema(Widened)) == []


def test_removed_field() -> None:
    class Removed(Event):
        TYPE: ClassVar[str] = "t.V1"
        TOPIC: ClassVar[str] = "t"
        KEY_FIELD: ClassVar[str] = "a"
        a: str
        c: Literal["x", "y"]
        d: str | None = None

    assert breaking_changes(schema(V1), schema(Removed)) == ["field removed: b"]


def test_type_changed() -> None:
    class Retyped(V1):
        b: str  # type: ignore[assignment]

    assert breaking_changes(schema(V1), schema(Retyped))[0].startswith("type changed: b")


def test_enum_narrowed() -> None:
    class Narrowed(V1):
        c: Literal["x"]  # type: ignore[assignment]

    assert breaking_changes(schema(V1), schema(Narrowed)) == ["values narrowed or changed: c"]


def test_became_required_and_new_required() -> None:
    class Required(V1):
        d: str  # type: ignore[assignment]
        e: str

    problems = breaking_changes(schema(V1), schema(Required))
    # d also lost null: old events carrying d=null would no longer parse
    assert {"field became required: d", "new required field: e"} <= set(problems)
    assert any(p.startswith("type changed: d") for p in problems)


def test_nested_fields_are_compared() -> None:
    from jiaodui_contracts.corrections import ErrataApproved

    old = schema(ErrataApproved)
    new = schema(ErrataApproved)
    del new["$defs"]["FieldChange"]["properties"]["old_value"]
    assert breaking_changes(old, new) == ["field removed: changes.old_value"]
