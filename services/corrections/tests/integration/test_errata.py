"""Errata through the gateway: filing, scope, the deadline, decisions, the fix arriving."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from jiaodui_contracts.records import RecordCorrected, RecordImported
from jiaodui_runtime.privacy import identity_hash, mask_id_number
from jiaodui_runtime.settings import DEV_IDENTITY_HASH_SECRET
from jiaodui_runtime.testing import eventually
from jiaodui_runtime.testing.accounts import resident_id
from jiaodui_runtime.testing.events import publish

from .conftest import API, BORN, School

pytestmark = pytest.mark.integration


async def erratum(school: School, who_headers: dict[str, str], erratum_id: str) -> httpx.Response:
    return await school.gateway.get(f"{API}/v1/errata/{erratum_id}", headers=who_headers)


async def test_filed_approved_and_applied_when_records_corrects(school: School) -> None:
    student, number = await school.student()
    office = await school.staff("college_staff")
    elsewhere = await school.staff("college_staff", college="经济学院")
    record_id = await school.matched_record(student, number)

    filed = await school.file(student, record_id, note="名字错了")
    assert filed.status_code == 201, filed.text
    assert filed.json()["status"] == "filed"
    erratum_id = filed.json()["erratum_id"]

    again = await school.file(student, record_id)
    assert again.status_code == 409 and again.json()["code"] == "erratum_already_open"
    assert again.json()["erratum_id"] == erratum_id

    queue = await school.gateway.get(f"{API}/v1/errata?status=filed", headers=office.headers)
    assert [e["erratum_id"] for e in queue.json()["items"]] == [erratum_id]
    other_queue = await school.gateway.get(f"{API}/v1/errata", headers=elsewhere.headers)
    assert other_queue.json()["items"] == [] and other_queue.json()["total"] == 0
    refused = await school.gateway.post(
        f"{API}/v1/errata/{erratum_id}/approve", headers=elsewhere.headers
    )
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden_scope"
    assert (await erratum(school, elsewhere.headers, erratum_id)).status_code == 403

    approved = await school.gateway.post(
        f"{API}/v1/errata/{erratum_id}/approve", headers=office.headers
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["awaiting"] == ["record"]
    repeated = await school.gateway.post(
        f"{API}/v1/errata/{erratum_id}/approve", headers=office.headers
    )
    assert repeated.json() == approved.json()
    rejected_late = await school.gateway.post(
        f"{API}/v1/errata/{erratum_id}/reject", json={"reason": "x"}, headers=office.headers
    )
    assert rejected_late.status_code == 409
    assert rejected_late.json()["code"] == "erratum_already_decided"

    fields = RecordImported.model_fields.keys() - {"import_id", "change", "imported_at"}
    base = {k: v for k, v in _record_of(school, record_id, number).items() if k in fields}
    await publish(
        school.stack.kafka_bootstrap,
        RecordCorrected(
            **{**base, "name": "张叁"},
            erratum_id=erratum_id,
            changed_fields=["name"],
            corrected_at=datetime.now(UTC),
        ),
    )

    async def applied() -> dict[str, object] | None:
        body = (await erratum(school, student.headers, erratum_id)).json()
        return body if body["status"] == "applied" else None

    body = await eventually(applied, what="the erratum to be applied")
    assert [h["action"] for h in body["history"]] == ["filed", "approved", "applied"]
    assert body["items"] == [
        {
            "field": "name",
            "old_value": "张三",
            "correct_value": "张叁",
            "correct_value_masked": None,
        }
    ]
    assert [s["status"] for s in body["timeline"]] == ["filed", "approved", "applied"]
    assert body["timeline"][-1]["at"] == body["applied_at"]
    mine = await school.gateway.get(f"{API}/v1/me/errata", headers=student.headers)
    assert [e["status"] for e in mine.json()] == ["applied"]
    assert mine.json()[0]["timeline"] == body["timeline"]
    assert mine.json()[0]["student_name"] == "张叁"  # the record as it is now


def _record_of(school: School, record_id: str, number: str) -> dict[str, object]:
    return {
        "record_id": record_id,
        "institution_code": school.code,
        "institution_name": "测试大学",
        "student_number": "S1",
        "name": "张三",
        "gender": "male",
        "birth_date": "2003-05-17",
        "id_type": "resident_id",
        "identity_hash": identity_hash(DEV_IDENTITY_HASH_SECRET.encode(), "resident_id", number),
        "id_number_masked": mask_id_number(number),
        "branch": school.college,
        "major": "计算机",
        "level": "本科",
        "education_type": "普通高等教育",
        "study_form": "全日制",
        "status": "在籍",
        "cohort": school.cohort,
    }


async def test_after_the_deadline_students_are_refused_but_the_office_may_file(
    school: School,
) -> None:
    student, number = await school.student()
    registrar = await school.staff("registrar")
    record_id = await school.matched_record(student, number)
    await school.set_deadline(registrar, datetime.now(UTC) - timedelta(minutes=1))

    late = await school.file(student, record_id)
    assert late.status_code == 409 and late.json()["code"] == "window_closed"
    by_office = await school.file(registrar, record_id)
    assert by_office.status_code == 201, by_office.text
    mine = await school.gateway.get(f"{API}/v1/me/errata", headers=student.headers)
    assert [e["filed_by_role"] for e in mine.json()] == ["registrar"]


async def test_bad_input_and_foreign_records_are_refused(school: School) -> None:
    student, number = await school.student()
    stranger, _ = await school.student(name="李四")
    record_id = await school.matched_record(student, number)
    await school.file(student, record_id, items=[{"field": "gender", "correct_value": "x"}])

    for items, code in [
        ([], "items_required"),
        ([{"field": "salary", "correct_value": "1"}], "field_unknown"),
        ([{"field": "name", "correct_value": " "}], "value_required"),
        ([{"field": "id_number", "correct_value": "123"}], "id_number_invalid"),
    ]:
        answer = await school.file(student, record_id, items=items)
        assert answer.status_code == 422 and answer.json()["code"] == code, answer.text
    foreign = await school.gateway.post(
        f"{API}/v1/errata",
        json={"record_id": record_id, "items": [{"field": "name", "correct_value": "x"}]},
        headers=stranger.headers,
    )
    assert foreign.status_code == 403 and foreign.json()["code"] == "forbidden_record"


async def test_an_id_number_item_is_kept_only_masked_and_hashed(school: School) -> None:
    student, number = await school.student()
    registrar = await school.staff("registrar")
    record_id = await school.matched_record(student, number)
    right = resident_id(BORN, "male", region="320102")
    filed = await school.file(
        registrar, record_id, items=[{"field": "id_number", "correct_value": right}]
    )
    assert filed.status_code == 201, filed.text
    body = (await erratum(school, registrar.headers, filed.json()["erratum_id"])).json()
    (item,) = body["items"]
    assert item["correct_value"] is None
    assert item["correct_value_masked"] == right[:6] + "********" + right[-4:]
    assert item["old_value"] == number[:6] + "********" + number[-4:]
    assert right not in str(body) and number not in str(body)
