"""compat really detects each kind of breaking change, and accepts additive ones."""

from __future__ import annotations

import copy
from typing import Annotated, Any, ClassVar, Literal

from jiaodui_contracts import Event
from jiaodui_contracts.compat import breaking_changes, breaking_changes_between
from jiaodui_contracts.corrections import ErrataApproved
from jiaodui_contracts.generate import schemas
from pydantic import BaseModel, StringConstraints


def schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(mode="serialization")


class Item(BaseModel):
    field: str
    note: str | None = None


class V1(Event):
    """The published version every test changes one thing of."""

    TYPE: ClassVar[str] = "t.V1.v1"
    TOPIC: ClassVar[str] = "t"
    KEY_FIELD: ClassVar[str] = "a"
    a: str
    b: int
    c: Literal["x", "y"]
    d: str | None = None
    e: Annotated[str, StringConstraints(max_length=10)]
    kinds: list[Literal["graduation", "admission"]]
    tags: list[str]
    items: list[Item]


OLD = schema(V1)


def test_identical_and_additive_changes_are_compatible() -> None:
    class Added(V1):
        f: str | None = None

    class Widened(V1):
        c: Literal["x", "y", "z"]  # type: ignore[assignment]
        kinds: list[Literal["graduation", "admission", "diploma"]]  # type: ignore[assignment]
        e: Annotated[str, StringConstraints(max_length=20)]

    assert breaking_changes(OLD, OLD) == []
    assert breaking_changes(OLD, schema(Added)) == []
    assert breaking_changes(OLD, schema(Widened)) == []


def test_removed_field() -> None:
    new = copy.deepcopy(OLD)
    del new["properties"]["b"]
    new["required"].remove("b")
    assert breaking_changes(OLD, new) == ["field removed: b"]


def test_type_changed() -> None:
    class Retyped(V1):
        b: str  # type: ignore[assignment]

    assert breaking_changes(OLD, schema(Retyped)) == ["type changed: b ['integer'] -> ['string']"]


def test_a_value_becoming_nullable_or_free_text_is_a_type_change() -> None:
    class Looser(V1):
        b: int | None  # type: ignore[assignment]
        c: str  # type: ignore[assignment]

    problems = breaking_changes(OLD, schema(Looser))
    assert [p.split(" [")[0] for p in problems] == ["type changed: b", "type changed: c"]


def test_types_inside_arrays_are_compared() -> None:
    class Retyped(V1):
        tags: list[int]  # type: ignore[assignment]
        kinds: list[Literal["graduation"]]  # type: ignore[assignment]

    assert breaking_changes(OLD, schema(Retyped)) == [
        'values narrowed or changed: kinds[] (gone: "admission")',
        "type changed: tags[] ['string'] -> ['integer']",
    ]


def test_enum_narrowed_and_constant_changed() -> None:
    class Narrowed(V1):
        c: Literal["x"]

    assert breaking_changes(OLD, schema(Narrowed)) == ['values narrowed or changed: c (gone: "y")']

    class Const(V1):
        status: Literal["active"] = "active"

    class OtherConst(V1):
        status: Literal["email_verified"] = "email_verified"

    assert breaking_changes(schema(Const), schema(OtherConst)) == [
        'values narrowed or changed: status (gone: "active")'
    ]


def test_became_required_new_required_and_no_longer_required() -> None:
    class Required(V1):
        d: str
        f: str

    class Relaxed(V1):
        a: str | None = None  # type: ignore[assignment]

    problems = breaking_changes(OLD, schema(Required))
    assert {"field became required: d", "new required field: f"} <= set(problems)
    assert any(p.startswith("type changed: d") for p in problems), "d also lost null"
    assert "field no longer required: a" in breaking_changes(OLD, schema(Relaxed))


def test_constraint_tightened() -> None:
    class Tighter(V1):
        e: Annotated[str, StringConstraints(max_length=5)]
        a: Annotated[str, StringConstraints(pattern=r"^\d+$")]

    assert breaking_changes(OLD, schema(Tighter)) == [
        "constraint tightened: a pattern None -> ^\\d+$",
        "constraint tightened: e maxLength 10 -> 5",
    ]


def test_nested_fields_are_compared() -> None:
    new = copy.deepcopy(OLD)
    del new["$defs"]["Item"]["properties"]["note"]
    new["$defs"]["Item"]["properties"]["field"]["type"] = "integer"
    assert breaking_changes(OLD, new) == [
        "type changed: items[].field ['string'] -> ['integer']",
        "field removed: items[].note",
    ]
    old = schema(ErrataApproved)
    assert breaking_changes(old, old) == []


def test_type_string_topic_and_key_are_part_of_the_contract() -> None:
    old = schemas()["jiaodui.photos.PhotoConfirmed.v1.json"]
    new = {**old, "x-type": "jiaodui.photos.PhotoConfirmed.v2", "x-key": "account_id"}
    assert breaking_changes(old, new) == [
        "event type changed: jiaodui.photos.PhotoConfirmed.v1 -> jiaodui.photos.PhotoConfirmed.v2",
        "key changed: record_id -> account_id",
    ]
    assert breaking_changes(old, {**old, "x-topic": "records.events"}) == [
        "topic changed: photos.events -> records.events"
    ]


def test_a_removed_type_is_breaking_and_a_new_one_is_not() -> None:
    published = {"a.json": OLD, "b.json": OLD}
    assert breaking_changes_between(published, {"a.json": OLD, "c.json": OLD}) == [
        "b.json: type removed (publish a new major version beside it)"
    ]
    retyped = copy.deepcopy(OLD)
    retyped["properties"]["b"]["type"] = "string"
    assert breaking_changes_between({"a.json": OLD}, {"a.json": retyped}) == [
        "a.json: type changed: b ['integer'] -> ['string']"
    ]
