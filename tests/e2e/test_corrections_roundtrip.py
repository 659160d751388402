"""The errata round trip across services (DESIGN §2 step 6, "record visible but no photo"):
the photo's student number differs from the record, so it does not link; the student files
an erratum, the college office approves, records applies it (RecordCorrected), photos
re-links the photo, corrections closes the erratum, and the student confirms the photo in
the re-check window."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import create_staff, create_student, resident_id

from tests.e2e.journey_steps import (
    RECORD_COLUMNS,
    confirm_when_checked,
    photo_archive,
    put_windows,
)

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
BORN = date(2003, 3, 9)


async def test_an_erratum_fixes_the_record_so_the_photo_links_and_is_confirmed(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    code, cohort, college = f"E{uuid.uuid4().hex[:8]}", "2026", "信息学院"
    registrar = (
        await create_staff(gateway, stack, role="registrar", institution_code=code)
    ).headers
    number = resident_id(BORN, "female")
    student = await create_student(
        gateway, stack, name="王芳", id_number=number, gender="female", birth_date=BORN
    )
    office = await create_staff(
        gateway, stack, role="college_staff", institution_code=code, college=college
    )
    photographer = await create_staff(gateway, stack, role="photographer", institution_code=code)
    await put_windows(gateway, registrar, code, cohort, phase="confirm")

    row = (
        f"{code},测试大学,S-WRONG,,王芳,female,汉族,{BORN.isoformat()},resident_id,{number},"
        f"{college},计算机系,软件工程,1班,本科,4,普通高等教育,全日制,2022-09-01,在籍,{cohort}"
    )
    imported = await gateway.post(
        "/api/records/v1/imports",
        content=f"{RECORD_COLUMNS}\n{row}\n".encode(),
        headers={**registrar, "Content-Type": "text/csv"},
    )
    assert imported.status_code == 202, imported.text
    manifest = (
        "file,kind,institution_code,name,id_type,id_number,student_number\n"
        f"g.jpg,graduation,{code},王芳,resident_id,{number},S-RIGHT\n"
    )
    batch = await gateway.post(
        "/api/photos/v1/batches",
        files={
            "manifest": ("manifest.csv", manifest.encode(), "text/csv"),
            "archive": ("photos.zip", photo_archive(), "application/zip"),
        },
        headers=photographer.headers,
    )
    assert batch.status_code == 202, batch.text

    async def my_record() -> str | None:
        records = await gateway.get("/api/records/v1/me/records", headers=student.headers)
        found = records.json() if records.status_code == 200 else []
        return str(found[0]["record_id"]) if found else None

    record_id = await eventually(my_record, what="the record to match the student")

    async def filed() -> httpx.Response | None:
        answer = await gateway.post(
            "/api/corrections/v1/errata",
            json={
                "record_id": record_id,
                "items": [{"field": "student_number", "correct_value": "S-RIGHT"}],
            },
            headers=student.headers,
        )
        return None if answer.status_code in (403, 404) else answer

    erratum = await eventually(filed, what="corrections to know the record and its owner")
    assert erratum.status_code == 201, erratum.text
    erratum_id = erratum.json()["erratum_id"]
    approved = await gateway.post(
        f"/api/corrections/v1/errata/{erratum_id}/approve", headers=office.headers
    )
    assert approved.status_code == 200, approved.text

    async def applied() -> bool:
        got = await gateway.get(f"/api/corrections/v1/errata/{erratum_id}", headers=student.headers)
        return bool(got.json()["status"] == "applied")

    await eventually(applied, what="records to apply the erratum (RecordCorrected)")
    await put_windows(gateway, registrar, code, cohort, phase="recheck")

    async def linked_photo() -> str | None:
        mine: list[dict[str, Any]] = (
            await gateway.get("/api/photos/v1/me/photos", headers=student.headers)
        ).json()
        slots = [m["graduation"] for m in mine if m["record_id"] == record_id]
        return slots[0].get("photo_id") if slots and slots[0]["status"] == "pending" else None

    photo_id = await eventually(linked_photo, what="photos to re-link the photo")
    confirmed = await confirm_when_checked(gateway, student.headers, photo_id)
    assert confirmed.status_code == 200, confirmed.text
    late = await gateway.post(
        "/api/corrections/v1/errata",
        json={"record_id": record_id, "items": [{"field": "major", "correct_value": "x"}]},
        headers=student.headers,
    )
    assert late.status_code == 409 and late.json()["code"] == "window_closed"
