"""A view reads some fields of a contract, with the contract's own types and constraints."""

from __future__ import annotations

import pytest
from jiaodui_contracts import EVENT_TYPES, new_event, to_json_bytes, typed_reader
from jiaodui_contracts.examples import example_of
from jiaodui_contracts.records import RecordsImported
from jiaodui_contracts.views import view_of
from pydantic import ValidationError


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_a_view_of_some_fields_reads_what_the_contract_reads_of_them(event_type: str) -> None:
    contract = EVENT_TYPES[event_type]
    full = example_of(contract)
    names = list(contract.model_fields)
    raw = to_json_bytes(new_event(full, source="/jiaodui/test"))
    for kept in (names, names[::2]):
        view = view_of(contract, kept)
        assert view.TYPE == contract.TYPE and list(view.model_fields) == kept
        read = typed_reader(view)(raw).data
        assert read.model_dump() == full.model_dump(include=set(kept))


def imported() -> RecordsImported:
    sample = example_of(RecordsImported)
    assert isinstance(sample, RecordsImported)
    return sample


def test_a_view_narrows_the_records_of_an_import_and_keeps_their_rules() -> None:
    view = view_of(RecordsImported, {"institution_code": None, "records": ["identity_hash"]})
    payload = imported().model_dump(mode="json")
    read = view.from_data(payload)
    assert read.model_dump() == {
        "institution_code": payload["institution_code"],
        "records": [{"identity_hash": r["identity_hash"]} for r in payload["records"]],
    }
    with pytest.raises(ValidationError, match="identity_hash"):
        view.from_data({**payload, "records": [{"identity_hash": "not-a-hash"}]})
    with pytest.raises(ValidationError, match="records"):
        view.from_data({**payload, "records": []})  # min_length, as the contract's


def test_a_view_names_only_fields_the_contract_has() -> None:
    with pytest.raises(KeyError, match="nickname"):
        view_of(RecordsImported, ["nickname"])
    with pytest.raises(KeyError, match="nickname"):
        view_of(RecordsImported, {"records": ["nickname"]})
    with pytest.raises(TypeError, match="no model"):
        view_of(RecordsImported, {"import_id": ["x"]})


def test_views_are_made_once() -> None:
    fields = {"records": ["record_id"]}
    assert view_of(RecordsImported, fields) is view_of(RecordsImported, fields)
