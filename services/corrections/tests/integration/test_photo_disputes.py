"""Errata that photo disputes open, and photo fixes (a new photo, a confirmation) closing them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from jiaodui_contracts.photos import PhotoConfirmed, PhotoDisputed, PhotoReplaced
from jiaodui_runtime.testing import eventually
from jiaodui_runtime.testing.events import publish

from .conftest import API, School

pytestmark = pytest.mark.integration


async def erratum(school: School, headers: dict[str, str], erratum_id: str) -> dict[str, Any]:
    answer = await school.gateway.get(f"{API}/v1/errata/{erratum_id}", headers=headers)
    body: dict[str, Any] = answer.json()
    return body


async def test_a_disputed_photo_opens_an_erratum_closed_by_the_new_photo(school: School) -> None:
    student, number = await school.student()
    office = await school.staff("college_staff")
    record_id = await school.matched_record(student, number)
    photo_id = str(uuid.uuid4())
    where = {"record_id": record_id, "institution_code": school.code, "branch": school.college}
    await publish(
        school.stack.kafka_bootstrap,
        PhotoDisputed(
            **where, photo_id=photo_id, account_id=student.account_id, kind="graduation",
            reason="不是我的照片", disputed_at=datetime.now(UTC),
        ),
    )  # fmt: skip

    async def opened() -> list[dict[str, object]] | None:
        answer = await school.gateway.get(f"{API}/v1/errata", headers=office.headers)
        items: list[dict[str, object]] = answer.json()["items"]
        return items or None

    (found,) = await eventually(opened, what="the erratum opened by the dispute")
    assert found["items"] == [
        {
            "field": "graduation_photo",
            "old_value": photo_id,
            "correct_value": "不是我的照片",
            "correct_value_masked": None,
        }
    ]
    erratum_id = str(found["erratum_id"])
    approved = await school.gateway.post(
        f"{API}/v1/errata/{erratum_id}/approve", headers=office.headers
    )
    assert approved.json()["awaiting"] == ["graduation"]
    await publish(
        school.stack.kafka_bootstrap,
        PhotoReplaced(
            **where, photo_id=str(uuid.uuid4()), previous_photo_id=photo_id, kind="graduation",
            replaced_at=datetime.now(UTC),
        ),
    )  # fmt: skip

    async def applied() -> bool:
        body = await erratum(school, student.headers, erratum_id)
        return body["status"] == "applied"

    await eventually(applied, what="the erratum to be applied by the new photo")


async def test_the_students_form_joins_the_erratum_a_photo_dispute_opened(school: School) -> None:
    student, number = await school.student()
    office = await school.staff("college_staff")
    record_id = await school.matched_record(student, number)
    where = {"record_id": record_id, "institution_code": school.code, "branch": school.college}
    photo_id = str(uuid.uuid4())
    await publish(
        school.stack.kafka_bootstrap,
        PhotoDisputed(
            **where, photo_id=photo_id, account_id=student.account_id, kind="admission",
            reason=" ", disputed_at=datetime.now(UTC),
        ),
    )  # fmt: skip

    async def opened() -> list[dict[str, object]] | None:
        answer = await school.gateway.get(f"{API}/v1/me/errata", headers=student.headers)
        return answer.json() or None

    (auto,) = await eventually(opened, what="the erratum opened by the dispute")
    form = await school.file(
        student, record_id, items=[{"field": "student_number", "correct_value": "S2"}]
    )
    assert form.status_code == 201 and form.json()["erratum_id"] == auto["erratum_id"]
    again = await school.file(student, record_id)
    assert again.status_code == 409 and again.json()["code"] == "erratum_already_open"

    erratum_id = form.json()["erratum_id"]
    approved = await school.gateway.post(
        f"{API}/v1/errata/{erratum_id}/approve", headers=office.headers
    )
    assert [i["field"] for i in approved.json()["items"]] == ["admission_photo", "student_number"]
    assert approved.json()["awaiting"] == ["record", "admission"]
    await publish(
        school.stack.kafka_bootstrap,
        PhotoConfirmed(
            **where, photo_id=photo_id, account_id=student.account_id, kind="admission",
            confirmed_at=datetime.now(UTC),
        ),
    )  # fmt: skip

    async def awaiting_record_only() -> bool:
        body = await erratum(school, student.headers, erratum_id)
        return body["awaiting"] == ["record"]

    await eventually(awaiting_record_only, what="the confirmed photo to settle its item")
    history = (await erratum(school, office.headers, erratum_id))["history"]
    assert [h["action"] for h in history] == ["filed", "filed", "approved", "admission_fixed"]
