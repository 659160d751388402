"""An import's records are kept with snapshots built in SQL: the same snapshots Python's
``snapshot`` builds (the text a report shows), or left to Python where SQL cannot be sure."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jiaodui_reports.domain.document import ON_REPORT, snapshot
from jiaodui_reports.store import replica
from jiaodui_runtime.db import connect
from jiaodui_runtime.testing import StackEndpoints


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


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(records=st.lists(published(), min_size=1, max_size=20))
async def test_sql_snapshots_are_pythons(conn: asyncpg.Connection, records: list[Any]) -> None:
    tr = conn.transaction()
    await tr.start()
    try:
        left = set(await replica.upsert_published(conn, records))
        rows = await conn.fetch(
            "SELECT record_id::text, snapshot FROM records WHERE record_id = ANY($1::uuid[])",
            [uuid.UUID(r["record_id"]) for r in records],
        )
    finally:
        await tr.rollback()
    kept = {r["record_id"]: r["snapshot"] for r in rows}
    assert set(kept) | left == {r["record_id"] for r in records} and not set(kept) & left
    for record in records:
        if record["record_id"] in kept:
            assert kept[record["record_id"]] == snapshot(record)
    simple = [r for r in records if r.get("duration_years") in (None, "", 4, 4.5, 2.5, 3.25)]
    assert not {r["record_id"] for r in simple} & left  # the usual ones are SQL's
