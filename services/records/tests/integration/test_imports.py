"""Registry imports: per-row validation, scope, formats, upsert by student number."""

from __future__ import annotations

import uuid

import orjson
import pytest
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
