"""An import's records reach corrections' replica as published: the events' JSON goes to
PostgreSQL whole, and the last version of a record in a run wins."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
import orjson
import pytest
from jiaodui_contracts import new_event, to_json_bytes
from jiaodui_contracts.examples import example_of
from jiaodui_contracts.records import ImportedRecord, RecordsImported
from jiaodui_corrections.store import replica
from jiaodui_runtime.testing import StackEndpoints
from jiaodui_runtime.testing.databases import rolled_back

pytestmark = pytest.mark.integration  # corrections' database


def imported(*records: ImportedRecord) -> bytes:
    sample = example_of(RecordsImported)
    assert isinstance(sample, RecordsImported)
    event = sample.model_copy(update={"records": list(records)})
    return to_json_bytes(new_event(event, source="/jiaodui/records"))


def record(record_id: str, code: str, name: str) -> ImportedRecord:
    sample = example_of(RecordsImported)
    assert isinstance(sample, RecordsImported)
    return sample.records[0].model_copy(
        update={"record_id": record_id, "institution_code": code, "name": name}
    )


async def test_a_run_of_imports_leaves_each_records_last_version(stack: StackEndpoints) -> None:
    code = f"C{uuid.uuid4().hex[:8]}"
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    run = [
        imported(record(first, code, "张一"), record(second, code, "李二")),
        imported(record(first, code, "张三")),  # a later batch changed it again
    ]
    conn = await asyncpg.connect(stack.dsn_for("corrections"))
    try:
        async with rolled_back(conn):
            await replica.upsert_imported(conn, run)
            rows = {
                str(r["record_id"]): r
                for r in await conn.fetch("SELECT * FROM records WHERE institution_code = $1", code)
            }
    finally:
        await conn.close()
    assert set(rows) == {first, second}
    fields = orjson.loads(rows[first]["fields"])
    assert fields["name"] == "张三"
    assert orjson.loads(rows[second]["fields"])["name"] == "李二"
    assert "identity_hash" not in fields and "change" not in fields  # not kept here
    assert rows[first]["student_number"] == fields["student_number"]
    assert rows[first]["branch"] == fields["branch"]


async def test_a_match_of_a_record_kept_from_its_import_writes_no_new_version(
    stack: StackEndpoints,
) -> None:
    code = f"C{uuid.uuid4().hex[:8]}"
    known, bare = str(uuid.uuid4()), uuid.uuid4()
    kept = record(known, code, "张一")
    at = datetime.now(UTC)
    conn = await asyncpg.connect(stack.dsn_for("corrections"))
    try:
        async with rolled_back(conn):
            await replica.upsert_imported(conn, [imported(kept)])
            before = await conn.fetchrow(
                "SELECT ctid::text AS version, updated_at FROM records WHERE record_id = $1", known
            )
            await replica.add_matches(
                conn,
                [
                    (uuid.UUID(known), uuid.uuid4(), code, kept.branch, None, None, at),
                    # a record the replica has not seen yet is kept from its match
                    (bare, uuid.uuid4(), code, "本部", "2026", "S1", at),
                ],
            )
            after = await conn.fetchrow(
                "SELECT ctid::text AS version, updated_at FROM records WHERE record_id = $1", known
            )
            added = await conn.fetchrow("SELECT * FROM records WHERE record_id = $1", bare)
            owners = await conn.fetchval(
                "SELECT count(*) FROM record_owners WHERE record_id = ANY($1::uuid[])",
                [uuid.UUID(known), bare],
            )
    finally:
        await conn.close()
    assert after == before  # same row version: nothing rewritten
    assert added is not None and added["student_number"] == "S1" and added["cohort"] == "2026"
    assert owners == 2
