"""photos keeps records from their events as published: in SQL, with the name key SQL makes
where it gives Python's answer and Python's own everywhere else; the last version of a record
in a run wins, whichever event carried it."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jiaodui_contracts.records import RecordImported, RecordsImported
from jiaodui_photos.domain.linking import name_key
from jiaodui_photos.service_layer import events
from jiaodui_photos.store import records
from jiaodui_runtime.db import connect
from jiaodui_runtime.testing import StackEndpoints


@pytest_asyncio.fixture
async def conn(stack: StackEndpoints) -> AsyncIterator[asyncpg.Connection]:
    connection = await connect(stack.dsn_for("photos"))
    try:
        yield connection
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def rolled_back(conn: asyncpg.Connection) -> AsyncIterator[None]:
    """A transaction that leaves nothing behind."""
    tr = conn.transaction()
    await tr.start()
    try:
        yield
    finally:
        await tr.rollback()


def record(name: str, record_id: str | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "record_id": record_id or str(uuid.uuid4()),
        "institution_code": "P1",
        "branch": "b",
        "class_name": None,
        "cohort": "2026",
        "name": name,
        "id_type": "resident_id",
        "identity_hash": uuid.uuid4().hex,
        "student_number": uuid.uuid4().hex[:10],
        **fields,
    }


def imported(records_: list[dict[str, Any]]) -> tuple[str, bytes]:
    data = {"institution_code": "P1", "records": records_}
    event = {"type": RecordsImported.TYPE, "data": data}
    return RecordsImported.TYPE, json.dumps(event, ensure_ascii=False).encode()


def single(record_: dict[str, Any]) -> tuple[str, bytes]:
    event = {"type": RecordImported.TYPE, "data": record_}
    return RecordImported.TYPE, json.dumps(event, ensure_ascii=False).encode()


async def kept(conn: asyncpg.Connection, ids: list[str]) -> dict[str, asyncpg.Record]:
    rows = await conn.fetch(
        "SELECT record_id::text, name, name_key, student_number FROM records"
        " WHERE record_id = ANY($1::uuid[])",
        ids,
    )
    return {r["record_id"]: r for r in rows}


names = st.one_of(
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80), min_size=1, max_size=4),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=12),
    st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(["买买提·艾力", "ＬＩ Ｍｉｎｇ", "Straße", "İlker", "A\tB", "张\u3000三", "ǅ"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(drawn=st.lists(names, min_size=1, max_size=12))
async def test_every_record_gets_pythons_name_key(
    conn: asyncpg.Connection, drawn: list[str]
) -> None:
    published = [record(name) for name in drawn]
    async with rolled_back(conn):
        returned = await records.upsert_published(conn, [imported(published)], RecordsImported.TYPE)
        left = {r.record_id for r in returned if r.left_to_python}
        by_sql = await kept(conn, [r["record_id"] for r in published])
    assert not left & set(by_sql), "a record left to Python was kept by SQL"
    assert left | set(by_sql) == {r["record_id"] for r in published}
    for r in published:
        if r["record_id"] in by_sql:
            assert by_sql[r["record_id"]]["name_key"] == name_key(r["name"]), r["name"]
    usual = {r["record_id"] for r in published if r["name"].isascii() and r["name"].isprintable()}
    assert not usual & left  # printable ASCII names are SQL's


async def test_the_last_version_in_a_run_wins_and_python_keys_the_rest(
    conn: asyncpg.Connection,
) -> None:
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    run = [
        imported([record("张三", first), record("Straße", second)]),
        single(record("李四", first, student_number="S-2")),
        imported([record("ＬＩ Ｍｉｎｇ", second)]),
    ]
    async with rolled_back(conn):
        await events.records_published(conn, ["P1"] * len(run), run, RecordsImported.TYPE)
        rows = await kept(conn, [first, second])
    assert (rows[first]["name"], rows[first]["name_key"]) == ("李四", "李四")
    assert rows[first]["student_number"] == "S-2"
    assert (rows[second]["name"], rows[second]["name_key"]) == ("ＬＩ Ｍｉｎｇ", "liming")
