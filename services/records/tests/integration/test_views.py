"""Record views for owners and staff in scope; print view; collection code; errata."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from jiaodui_contracts.corrections import ErrataApproved, FieldChange
from jiaodui_contracts.records import RecordCorrected
from jiaodui_runtime.codes import verify_collection_code
from jiaodui_runtime.privacy import mask_id_number
from jiaodui_runtime.settings import DEV_COLLECTION_CODE_SECRET
from jiaodui_runtime.testing import eventually
from jiaodui_runtime.testing.accounts import resident_id

pytestmark = pytest.mark.integration


async def matched(school, service, number: str) -> tuple[str, dict]:
    account_id = str(uuid.uuid4())
    await school.import_csv(school.row(number))
    await service.publish(school.activated(account_id, number))
    mine = await eventually(lambda: school.records_of(account_id), what="a match")
    return account_id, mine[0]


async def test_owner_and_staff_in_scope_see_a_record(school, service) -> None:
    number = resident_id(school.BORN, "male")
    account_id, record = await matched(school, service, number)
    path = f"/v1/records/{record['record_id']}"
    client = service.client
    owner = service.headers("student", sub=account_id)
    assert (await client.get(path, headers=owner)).json()["name"] == "张三"
    assert (await client.get(path, headers=service.headers("student"))).status_code == 404
    office = service.headers("college_staff", institution_code=school.code, college="信息学院")
    assert (await client.get(path, headers=office)).status_code == 200
    other = service.headers("college_staff", institution_code=school.code, college="外语学院")
    assert (await client.get(path, headers=other)).status_code == 403
    listed = await client.get("/v1/records", headers=other)
    assert listed.json()["items"] == []
    assert (await client.get("/v1/records?institution_code=X", headers=other)).status_code == 403

    printable = await client.get(f"/v1/me/records/{record['record_id']}/printable", headers=owner)
    assert printable.status_code == 200 and "学籍信息" in printable.text
    assert number not in printable.text and mask_id_number(number) in printable.text
    assert "普通全日制" in printable.text and "2022年9月1日" in printable.text

    code = await client.get(f"/v1/me/records/{record['record_id']}/collection-code", headers=owner)
    body = code.json()
    assert body["qr_svg"].startswith("<svg") and number not in body["code"]
    secret = DEV_COLLECTION_CODE_SECRET.encode()
    assert verify_collection_code(secret, body["code"]) == record["record_id"]
    progress = (await client.get("/v1/progress", headers=office)).json()
    assert progress["roster"] == progress["matched"] == 1


async def test_cursor_pages_through_a_class(school, service) -> None:
    rows = [school.row(resident_id(school.BORN, "male"), class_name="2班") for _ in range(5)]
    await school.import_csv(*rows)
    seen: list[str] = []
    cursor = ""
    while True:
        page = await service.client.get(
            f"/v1/records?class_name=2班&limit=2&cursor={cursor}", headers=school.registrar
        )
        seen += [r["student_number"] for r in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 5 == len(set(seen)) and seen == sorted(seen)


async def test_an_approved_erratum_corrects_the_record_and_matches_again(school, service) -> None:
    number = resident_id(school.BORN, "male")
    account_id, record = await matched(school, service, number)
    erratum_id = str(uuid.uuid4())
    await service.publish(
        ErrataApproved(
            erratum_id=erratum_id, record_id=record["record_id"], institution_code=school.code,
            branch="信息学院", changes=[
                FieldChange(field="name", correct_value="张叁"),
                FieldChange(field="study_form", correct_value="非全日制"),
                FieldChange(field="level", correct_value="学士"),
                FieldChange(field="graduation_photo", correct_value="模糊"),
            ],
            approved_by=str(uuid.uuid4()), approved_at=datetime.now(UTC),
        )
    )  # fmt: skip

    async def corrected() -> list | None:
        return await service.events(RecordCorrected.TYPE, record["record_id"]) or None

    events = await eventually(corrected, what="RecordCorrected")
    assert events[0]["changed_fields"] == ["name", "study_form"]
    assert events[0]["skipped_fields"] == ["level"]
    assert events[0]["erratum_id"] == erratum_id and events[0]["study_form"] == "part_time"
    state = await school.state(account_id)
    assert state["status"] == "unmatched" and state["reason"] == "name_mismatch"


async def test_staff_search_by_name_or_student_number_with_a_total(school, service) -> None:
    rows = [
        school.row(resident_id(school.BORN, "male"), name=name, student_number=number)
        for name, number in [("王小明", "2022001"), ("王大明", "2022002"), ("李华", "2023001")]
    ]
    await school.import_csv(*rows)
    office = service.headers("college_staff", institution_code=school.code, college="信息学院")

    async def search(query: str) -> dict:
        answer = await service.client.get("/v1/records", params=query, headers=office)
        assert answer.status_code == 200, answer.text
        return answer.json()

    by_name = await search("q=王")
    assert [r["name"] for r in by_name["items"]] == ["王小明", "王大明"] and by_name["total"] == 2
    assert (await search("q=2023"))["total"] == 1
    assert [r["student_number"] for r in (await search("q=2022002"))["items"]] == ["2022002"]
    assert (await search("q=%25"))["total"] == 0  # no wildcards
    paged = await search("limit=2")
    assert paged["total"] == 3 and len(paged["items"]) == 2 and paged["next_cursor"] == "2022002"
    record = paged["items"][0]
    assert record["level"] == "bachelor" and record["level_label"] == "本科"
    assert record["exam_number"] is None and "identity_hash" not in record
