"""IdentityMatched is built by the database (no object per event on the matching path): the
envelope must still be exactly what the contracts parse, strictly, with the record's fields."""

from __future__ import annotations

import uuid

import asyncpg
import pytest
from jiaodui_contracts import from_json_bytes, parse_data
from jiaodui_contracts.records import IdentityMatched
from jiaodui_runtime.testing import eventually
from jiaodui_runtime.testing.accounts import resident_id

pytestmark = pytest.mark.integration


async def test_a_match_built_in_sql_is_a_valid_identity_matched(school, service) -> None:
    account_id, number = str(uuid.uuid4()), resident_id(school.BORN, "male")
    report = await school.import_csv(school.row(number))
    assert report["accepted"] == 1
    await service.publish(school.activated(account_id, number))
    mine = await eventually(lambda: school.records_of(account_id), what="the match")

    conn = await asyncpg.connect(service.dsn)
    try:
        row = await conn.fetchrow(
            "SELECT event_id::text, key, topic, headers, payload FROM outbox"
            " WHERE event_type = $1 AND key = $2",
            IdentityMatched.TYPE,
            account_id,
        )
    finally:
        await conn.close()
    assert row is not None
    event = from_json_bytes(row["payload"])
    match = parse_data(event, strict=True)
    assert isinstance(match, IdentityMatched)
    assert event.id == row["event_id"] and event.subject == account_id
    assert event.dataschema and event.dataschema.endswith(f"{IdentityMatched.TYPE}.json")
    assert row["topic"] == IdentityMatched.TOPIC and "correlation_id" in row["headers"]
    assert match.account_id == account_id and match.record_id == mine[0]["record_id"]
    assert match.matched_at == event.time
    assert number not in row["payload"].decode()
