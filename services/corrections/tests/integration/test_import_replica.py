"""An import's records reach corrections' replica as published: the events' JSON goes to
PostgreSQL whole, and the last version of a record in a run wins."""

from __future__ import annotations

import uuid

import asyncpg
import orjson
from jiaodui_contracts import new_event, to_json_bytes
from jiaodui_contracts.examples import example_of
from jiaodui_contracts.records import ImportedRecord, RecordsImported
from jiaodui_corrections.store import replica
from jiaodui_runtime.testing import StackEndpoints
from jiaodui_runtime.testing.databases import rolled_back


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
