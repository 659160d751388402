"""Across services: registry import (records) → real-name registration (identity) → match
(records) → photo batch (photos) links → the student sees and confirms the photo."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import date
from typing import Any

import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import (
    PASSWORD,
    admin_credentials,
    create_student,
    resident_id,
)
from jiaodui_runtime.testing.faces import unique_portrait

from tests.e2e.journey_steps import confirm_when_checked

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
BORN = date(2002, 9, 9)
COLUMNS = (
    "institution_code,institution_name,student_number,exam_number,name,gender,ethnicity,"
    "birth_date,id_type,id_number,branch,department,major,class_name,level,duration_years,"
    "education_type,study_form,enrollment_date,status,cohort"
)


async def log_in(gateway: httpx.AsyncClient, email: str, password: str) -> str:
    async def attempt() -> str | None:
        answer = await gateway.post(
            "/api/identity/v1/sessions", json={"email": email, "password": password}
        )
        if answer.status_code == 429:  # the per-address limit shared by parallel test runs
            return None
        assert answer.status_code == 200, answer.text
        token: str = answer.json()["access_token"]
        return token

    return await eventually(attempt, timeout_s=120, interval_s=1.0, what="a login")


async def staff(gateway: httpx.AsyncClient, admin: str, role: str, institution: str) -> str:
    email = f"{role}-{uuid.uuid4().hex[:10]}@staff.example.edu.cn"
    created = await gateway.post(
        "/api/identity/v1/staff",
        json={"email": email, "password": PASSWORD, "role": role, "institution_code": institution},
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert created.status_code == 201, created.text
    return await log_in(gateway, email, PASSWORD)


def photo_archive() -> bytes:
    """A real face (the machine checks look for one), laid out as a certificate photo."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photo.jpg", unique_portrait(uuid.uuid4().hex))
    return out.getvalue()


async def test_imported_matched_photographed_confirmed(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    institution = f"E{uuid.uuid4().hex[:8]}"
    admin = await log_in(gateway, *admin_credentials(stack))
    registrar = {"Authorization": f"Bearer {await staff(gateway, admin, 'registrar', institution)}"}
    photographer = {
        "Authorization": f"Bearer {await staff(gateway, admin, 'photographer', institution)}"
    }
    name, number = "周杰", resident_id(BORN, "male")
    student_number = f"S{uuid.uuid4().hex[:10]}"
    row = (
        f"{institution},端到端大学,{student_number},,{name},male,汉族,{BORN.isoformat()},"
        f"resident_id,{number},信息学院,计算机系,软件工程,1801,本科,4,普通高等教育,全日制,"
        "2018-09-01,在籍,2022"
    )
    imported = await gateway.post(
        "/api/records/v1/imports",
        content=f"{COLUMNS}\n{row}\n".encode(),
        headers={**registrar, "Content-Type": "text/csv"},
    )
    assert imported.status_code == 202, imported.text
    student = await create_student(
        gateway, stack, name=name, id_number=number, gender="male", birth_date=BORN
    )

    async def my_photos() -> list[dict[str, Any]] | None:
        got = await gateway.get("/api/photos/v1/me/photos", headers=student.headers)
        assert got.status_code == 200, got.text
        body: list[dict[str, Any]] = got.json()
        return body or None

    mine = await eventually(my_photos, timeout_s=120, what="the matched record in photos")
    assert mine[0]["graduation"]["status"] == "missing"

    manifest = (
        "file,kind,institution_code,name,id_type,id_number,student_number\n"
        f"photo.jpg,graduation,{institution},{name},resident_id,{number},{student_number}\n"
    )
    batch = await gateway.post(
        "/api/photos/v1/batches",
        files={"manifest": ("m.csv", manifest.encode()), "archive": ("p.zip", photo_archive())},
        headers=photographer,
    )
    assert batch.status_code == 202, batch.text

    async def pending() -> str | None:
        slot = (await my_photos() or [{}])[0].get("graduation", {})
        return slot.get("photo_id") if slot.get("status") == "pending" else None

    photo_id = await eventually(pending, what="the linked photo")
    confirmed = await confirm_when_checked(gateway, student.headers, photo_id)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed"
