"""An import's records are kept from its events as published, with snapshots built in SQL: the
same snapshots Python's ``snapshot`` builds (the text a report shows), or left to Python where
SQL cannot be sure; the last version of a record in a run wins, and an open report it outdates
is superseded."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jiaodui_contracts.records import RecordsImported
from jiaodui_reports.domain.document import ON_REPORT, snapshot
from jiaodui_reports.service_layer import replica as service
from jiaodui_reports.store import replica
from jiaodui_reports.store import reports as store
from jiaodui_runtime.db import connect
from jiaodui_runtime.testing import StackEndpoints
from jiaodui_runtime.testing.databases import rolled_back

pytestmark = pytest.mark.integration  # reports' database


@pytest_asyncio.fixture
async def conn(stack: StackEndpoints) -> AsyncIterator[asyncpg.Connection]:
    connection = await connect(stack.dsn_for("reports"))
    try:
        yield connection
    finally:
        await connection.close()


texts = st.one_of(
    st.none(),
    st.just(""),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
)
durations = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from([4, 3, 0, 4.0, 4.5, 2.5, 0.5, 12.0, 3.25, 1e-5, 1e-4, 999999.0, 1e6, 1234567]),
    st.integers(min_value=-(10**7), max_value=10**7),
    st.floats(min_value=-1e7, max_value=1e7, allow_nan=False),
    st.decimals(min_value=0, max_value=12, places=3, allow_nan=False).map(float),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=4),
)


@st.composite
def published(draw: st.DrawFn) -> dict[str, Any]:
    record: dict[str, Any] = {n: draw(texts) for n in ON_REPORT if n != "duration_years"}
    record["duration_years"] = draw(durations)
    record.update(record_id=str(uuid.uuid4()), institution_code="T1", branch="b")
    if draw(st.booleans()):
        del record["duration_years"]  # an optional field left out
    return record


def as_published(records: list[dict[str, Any]], per_event: int = 7) -> list[bytes]:
    """RecordsImported events of these records, as Kafka carries them (what SQL reads of them)."""
    return [
        json.dumps(
            {"type": RecordsImported.TYPE, "data": {"records": records[at : at + per_event]}},
            ensure_ascii=False,
        ).encode()
        for at in range(0, len(records), per_event)
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(records=st.lists(published(), min_size=1, max_size=20))
async def test_sql_snapshots_are_pythons(conn: asyncpg.Connection, records: list[Any]) -> None:
    async with rolled_back(conn):
        returned = await replica.upsert_imported(conn, as_published(records))
        left = {r["record_id"] for r, sure in returned if not sure}
        assert all(not sure for _, sure in returned)  # no open reports: only the left ones
        rows = await conn.fetch(
            "SELECT record_id::text, snapshot FROM records WHERE record_id = ANY($1::uuid[])",
            [uuid.UUID(r["record_id"]) for r in records],
        )
    kept = {r["record_id"]: r["snapshot"] for r in rows}
    assert set(kept) | left == {r["record_id"] for r in records} and not set(kept) & left
    for record in records:
        if record["record_id"] in kept:
            assert kept[record["record_id"]] == snapshot(record)
    simple = [r for r in records if r.get("duration_years") in (None, "", 4, 4.5, 2.5, 3.25)]
    assert not {r["record_id"] for r in simple} & left  # the usual ones are SQL's


def record(record_id: str, **fields: Any) -> dict[str, Any]:
    return {"record_id": record_id, "institution_code": "T1", "branch": "b", "name": "甲", **fields}


async def test_the_last_version_in_a_run_wins(conn: asyncpg.Connection) -> None:
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    events = [
        *as_published([record(first, name="一"), record(second, name="一")]),
        *as_published(
            [record(first, name="二"), record(second, name="二"), record(first, major="三")]
        ),
    ]
    async with rolled_back(conn):
        await replica.upsert_imported(conn, events)
        kept = dict(await conn.fetch(
            "SELECT record_id::text, snapshot FROM records WHERE record_id = ANY($1::uuid[])",
            [first, second],
        ))  # fmt: skip
    assert kept[first] == snapshot(record(first, major="三"))  # name left out: none
    assert kept[second] == snapshot(record(second, name="二"))


async def open_report(conn: asyncpg.Connection, rec: dict[str, Any]) -> str:
    now = datetime.now(UTC)
    report_id = str(uuid.uuid4())
    await store.insert(conn, store.Report(
        report_id=report_id, code=report_id[:12], account_id=str(uuid.uuid4()),
        record_id=rec["record_id"], institution_code="T1", branch="b", months=1, issued_at=now,
        valid_until=now + timedelta(days=30), closed_at=None, superseded_at=None,
        superseded_reason=None, record=snapshot(rec), photo_id=str(uuid.uuid4()),
        photo_sha256="0" * 64, revision=1, key_id="k", signature="s", check_count=0,
        last_checked_at=None,
    ))  # fmt: skip
    return report_id


async def test_an_import_that_changes_a_reported_record_supersedes_its_report(
    conn: asyncpg.Connection,
) -> None:
    changed, same = record(str(uuid.uuid4())), record(str(uuid.uuid4()))
    async with rolled_back(conn):
        outdated, current = await open_report(conn, changed), await open_report(conn, same)
        await service.on_imported(conn, as_published([{**changed, "major": "新"}, same]))
        reasons = dict(await conn.fetch(
            "SELECT report_id::text, superseded_reason FROM reports"
            " WHERE report_id = ANY($1::uuid[])",
            [outdated, current],
        ))  # fmt: skip
    assert reasons == {outdated: "record_changed", current: None}
