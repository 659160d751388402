"""Registry imports: per-row validation, scope, formats, upsert by student number."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

import asyncpg
import orjson
import pytest
from jiaodui_contracts.records import RecordsImported
from jiaodui_records.service_layer.imports import run_import
from jiaodui_records.settings import RecordsSettings
from jiaodui_records.store import imports as imports_store
from jiaodui_runtime.testing import eventually
from jiaodui_runtime.testing.accounts import resident_id

pytestmark = pytest.mark.integration


async def test_bad_rows_are_refused_one_by_one_and_good_rows_kept(school) -> None:
    good = [school.row(resident_id(school.BORN, "male")) for _ in range(4)]
    bad_id = school.row("110101200305171230")
    bad_fields = school.row(
        resident_id(school.BORN, "male"), level="学士", birth_date="2003-02-30", name=""
    )
    other = school.row(resident_id(school.BORN, "male"), institution_code="ELSEWHERE")
    report = await school.import_csv(good[0], bad_id, *good[1:3], bad_fields, other, good[3])
    assert report["status"] == "done"
    assert (report["total"], report["accepted"], report["rejected"]) == (7, 4, 3)
    assert report["errors"] == [
        {"line": 3, "field": "id_number", "code": "id_number_invalid"},
        {"line": 6, "field": "birth_date", "code": "invalid_date"},
        {"line": 6, "field": "level", "code": "invalid_value"},
        {"line": 6, "field": "name", "code": "required"},
        {"line": 7, "field": "institution_code", "code": "out_of_scope"},
    ]
    listed = await school.service.client.get("/v1/records", headers=school.registrar)
    assert len(listed.json()["items"]) == 4


async def test_a_registrar_of_another_institution_is_refused(school) -> None:
    stranger = school.service.headers("registrar", institution_code="SOMEWHERE-ELSE")
    answer = await school.service.client.post(
        "/v1/imports", content=b"", headers={**stranger, "Content-Type": "text/csv"}
    )
    assert answer.status_code == 422 and answer.json()["code"] == "empty_import"
    from_csv = "\n".join(
        ["institution_code,institution_name,student_number,name", f"{school.code},x,1,y"]
    )
    answer = await school.service.client.post(
        "/v1/imports", content=from_csv.encode(), headers={**stranger, "Content-Type": "text/csv"}
    )
    assert answer.status_code == 422 and answer.json()["code"] == "missing_columns"
    row = school.row(resident_id(school.BORN, "male"))
    answer = await school.service.client.post(
        "/v1/imports",
        content=f"{school.COLUMNS}\n{row}\n".encode(),
        headers={**stranger, "Content-Type": "text/csv"},
    )
    assert answer.status_code == 403 and answer.json()["code"] == "institution_out_of_scope"
    student = school.service.headers("student")
    answer = await school.service.client.post(
        "/v1/imports", content=b"x", headers={**student, "Content-Type": "text/csv"}
    )
    assert answer.status_code == 403
    answer = await school.service.client.post(
        "/v1/imports", content=b"x", headers={**school.registrar, "Content-Type": "text/plain"}
    )
    assert answer.status_code == 415


async def test_ndjson_upserts_by_student_number(school, service) -> None:
    number = resident_id(school.BORN, "male")
    student_number = f"N{uuid.uuid4().hex[:6]}"
    columns = school.COLUMNS.split(",")

    def line(**overrides: str) -> bytes:
        values = dict(zip(columns, school.row(number, **overrides).split(","), strict=True))
        values["duration_years"] = 4  # numbers may come as JSON numbers
        return orjson.dumps(values)

    body = b"\n".join(
        [line(student_number=student_number), b"[1, 2]", b"{broken", line(major="数学")]
    )
    admin = service.headers("admin")
    answer = await service.client.post(
        "/v1/imports", content=body, headers={**admin, "Content-Type": "application/x-ndjson"}
    )
    assert answer.status_code == 202, answer.text
    report = await school.finished(answer.json()["import_id"], admin)
    assert (report["accepted"], report["rejected"], report["created"]) == (2, 2, 2)
    assert [e["code"] for e in report["errors"]] == ["malformed_row", "malformed_row"]
    again = school.row(number, student_number=student_number, major="法学")
    changed = await school.import_csv(again)
    assert changed["changed"] == 1
    page = (await service.client.get("/v1/records", headers=school.registrar)).json()
    majors = {r["student_number"]: r["major"] for r in page["items"]}
    assert majors[student_number] == "法学"


async def test_counts_move_while_an_import_runs(school, service) -> None:
    """Batches of 3 (the test service's size): a record the second batch changes is held
    locked, so the first batch's counts show while the import is still running."""
    held = school.row(resident_id(school.BORN, "male"))
    await school.import_csv(held)
    student_number = held.split(",")[2]
    first = [school.row(resident_id(school.BORN, "male")) for _ in range(3)]
    second = [school.row(resident_id(school.BORN, "male")) for _ in range(2)]
    body = "\n".join([school.COLUMNS, *first, *second, held.replace("软件工程", "数学")]) + "\n"
    conn = await asyncpg.connect(service.dsn)
    try:
        async with conn.transaction():
            await conn.execute(
                "SELECT 1 FROM records WHERE institution_code = $1 AND student_number = $2"
                " FOR UPDATE",
                school.code,
                student_number,
            )
            answer = await service.client.post(
                "/v1/imports",
                content=body.encode(),
                headers={**school.registrar, "Content-Type": "text/csv"},
            )
            assert answer.status_code == 202, answer.text
            import_id = answer.json()["import_id"]

            async def first_batch() -> dict[str, Any] | None:
                got = (
                    await service.client.get(f"/v1/imports/{import_id}", headers=school.registrar)
                ).json()
                return got if got["accepted"] == 3 else None

            running = await eventually(first_batch, what="the first batch's counts")
            assert running["status"] == "running" and running["finished_at"] is None
            assert (running["total"], running["rejected"], running["created"]) == (3, 0, 3)
            assert 0 < running["bytes_done"] <= running["bytes"] == len(body.encode())
            assert 0 < running["progress"] < 1 or running["bytes_done"] == running["bytes"]
    finally:
        await conn.close()
    done = await school.finished(import_id)
    assert (done["total"], done["accepted"], done["created"], done["changed"]) == (6, 6, 5, 1)
    assert done["progress"] == 1 and done["bytes_done"] == done["bytes"]


async def test_errors_are_paged_and_all_counted(school) -> None:
    bad = [school.row(resident_id(school.BORN, "male"), level="学士", name="") for _ in range(3)]
    report = await school.import_csv(school.row(resident_id(school.BORN, "male")), *bad)
    assert (report["errors_kept"], report["errors_total"], len(report["errors"])) == (6, 6, 6)
    page = await school.service.client.get(
        f"/v1/imports/{report['import_id']}?errors_offset=2&errors_limit=3",
        headers=school.registrar,
    )
    assert page.json()["errors"] == report["errors"][2:5]
    assert [(e["line"], e["field"]) for e in report["errors"][:2]] == [(3, "level"), (3, "name")]


async def test_recent_imports_of_the_institution_newest_first(school, service) -> None:
    first = await school.import_csv(school.row(resident_id(school.BORN, "male")))
    second = await school.import_csv(school.row("bad-id"))
    listed = (await service.client.get("/v1/imports?limit=1", headers=school.registrar)).json()
    assert listed["total"] == 2 and len(listed["items"]) == 1
    (newest,) = listed["items"]
    assert newest["import_id"] == second["import_id"] and newest["rejected"] == 1
    assert newest["status"] == "done" and newest["institution_code"] == school.code
    assert newest["format"] == "csv" and "errors" not in newest
    older = (await service.client.get("/v1/imports?offset=1", headers=school.registrar)).json()
    assert [i["import_id"] for i in older["items"]] == [first["import_id"]]

    stranger = service.headers("registrar", institution_code="SOMEWHERE-ELSE")
    assert (await service.client.get("/v1/imports", headers=stranger)).json()["items"] == []
    asked = await service.client.get(
        f"/v1/imports?institution_code={school.code}", headers=stranger
    )
    assert asked.status_code == 403 and asked.json()["code"] == "forbidden_scope"
    admin = service.headers("admin")
    mine = await service.client.get(f"/v1/imports?institution_code={school.code}", headers=admin)
    assert mine.json()["total"] == 2


async def test_a_killed_import_resumes_after_its_last_committed_batch(
    school, service, tmp_path
) -> None:
    """Batches of 3: the runner is killed (cancelled) while its second batch waits on a
    locked record, then started again: it goes on from the first batch's end, and every
    record is published once, every error kept once."""
    held = school.row(resident_id(school.BORN, "male"))
    await school.import_csv(held)
    student_number = held.split(",")[2]
    rows = [school.row(resident_id(school.BORN, "male")) for _ in range(5)]
    rows.insert(1, school.row("bad-id"))
    rows.insert(4, held.replace("软件工程", "数学"))
    path = tmp_path / "roster.csv"
    path.write_text("\n".join([school.COLUMNS, *rows]) + "\n", encoding="utf-8")
    import_id = uuid.uuid4()
    settings = RecordsSettings(database_url=service.dsn, import_batch_size=3)
    pool = await asyncpg.create_pool(service.dsn, min_size=1, max_size=4)
    assert pool is not None
    try:
        async with pool.acquire() as conn:
            await imports_store.create(
                conn, import_id, submitted_by=uuid.uuid4(), institution_code=school.code,
                fmt="csv", path=str(path), size=path.stat().st_size,
            )  # fmt: skip
        locker = await asyncpg.connect(service.dsn)
        try:
            async with locker.transaction():
                await locker.execute(
                    "SELECT 1 FROM records WHERE institution_code = $1 AND student_number = $2"
                    " FOR UPDATE",
                    school.code,
                    student_number,
                )
                runner = asyncio.create_task(run_import(pool, settings, import_id))

                async def first_batch() -> bool:
                    got = await pool.fetchval(
                        "SELECT accepted FROM imports WHERE import_id = $1", import_id
                    )
                    return got == 2 or None  # type: ignore[return-value]

                await eventually(first_batch, what="the first batch")
                runner.cancel()  # killed mid-import: the second batch rolls back
                with contextlib.suppress(asyncio.CancelledError):
                    await runner
        finally:
            await locker.close()
        state = await pool.fetchrow("SELECT * FROM imports WHERE import_id = $1", import_id)
        assert state["status"] == "running" and (state["total"], state["lines_done"]) == (3, 4)
        await run_import(pool, settings, import_id)  # the service starts again
        done = await pool.fetchrow("SELECT * FROM imports WHERE import_id = $1", import_id)
        errors = await pool.fetch(
            "SELECT line, field, code FROM import_errors WHERE import_id = $1", import_id
        )
        published = await pool.fetch(
            "SELECT convert_from(payload, 'UTF8')::jsonb -> 'data' AS data FROM outbox"
            " WHERE event_type = $1",
            RecordsImported.TYPE,
        )
    finally:
        await pool.close()
    assert done["status"] == "done"
    assert (done["total"], done["accepted"], done["created"], done["changed"]) == (7, 6, 5, 1)
    assert [tuple(e) for e in errors] == [(3, "id_number", "id_number_invalid")]
    mine = [
        r["student_number"]
        for event in published
        if orjson.loads(event["data"])["import_id"] == str(import_id)
        for r in orjson.loads(event["data"])["records"]
    ]
    assert len(mine) == len(set(mine)) == 6
