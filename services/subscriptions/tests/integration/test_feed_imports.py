"""A campus system subscribed to RecordsImported: each event holds one institution's records
and names that institution, so it reaches that institution's subscribers (and no other's)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from jiaodui_contracts.examples import example_of
from jiaodui_contracts.records import ImportedRecord, RecordImported, RecordsImported
from jiaodui_runtime.testing import eventually

from .conftest import API, Campus
from .test_feed import _token

pytestmark = [pytest.mark.integration]


def imported(code: str) -> RecordsImported:
    record = example_of(RecordImported).model_dump()
    for name in ("import_id", "imported_at"):
        del record[name]
    record_id = "3f" + str(uuid.uuid4())[2:]
    return RecordsImported(
        import_id=str(uuid.uuid4()), bucket="3f", institution_code=code,
        imported_at=datetime.now(UTC),
        records=[ImportedRecord(**{**record, "record_id": record_id, "institution_code": code})],
    )  # fmt: skip


async def test_an_imports_events_reach_the_subscribers_of_its_institution(campus: Campus) -> None:
    made = await campus.register(types=[RecordsImported.TYPE])
    token = await _token(campus, made)
    ours = await campus.publish(imported(campus.code))
    await campus.publish(imported("ELSEWHERE"))
    mine = await campus.publish(imported(campus.code))

    async def feed() -> list[dict] | None:  # type: ignore[type-arg]
        answer = await campus.gateway.get(
            f"{API}/v1/feed", params={"limit": "50"}, headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status_code == 200, answer.text
        items: list[dict] = answer.json()["items"]  # type: ignore[type-arg]
        return items if len(items) >= 2 else None

    items = await eventually(feed, what="both of the institution's import events in the feed")
    assert [e["id"] for e in items] == [ours[0].id, mine[0].id]
    assert all(e["data"]["records"][0]["institution_code"] == campus.code for e in items)
