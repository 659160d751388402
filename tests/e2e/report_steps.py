"""A student whose record is matched and whose graduation photo is confirmed: the start of
every verification-report journey (e2e and browser tests)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import Account, create_staff, create_student, resident_id

from tests.e2e.journey_steps import RECORD_COLUMNS, photo_archive, put_windows

BORN = date(2003, 3, 9)
COLLEGE = "信息学院"


@dataclass(frozen=True)
class ConfirmedStudent:
    student: Account
    office: Account
    record_id: str
    institution_code: str
    name: str


def local_client(stack: StackEndpoints) -> httpx.AsyncClient:
    """A client on the gateway from an address of its own (127.x.y.z): the public check's
    per-address limits then count this test alone."""
    assert stack.gateway_url is not None
    address = f"127.{random.randint(1, 250)}.{random.randint(1, 250)}.{random.randint(2, 250)}"
    return httpx.AsyncClient(
        base_url=stack.gateway_url.replace("localhost", "127.0.0.1"),
        transport=httpx.AsyncHTTPTransport(local_address=address),
        timeout=30,
    )


async def matched_student(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> tuple[ConfirmedStudent, str]:
    """The record and its graduation photo linked (photo id returned), not yet confirmed."""
    code, cohort = f"R{uuid.uuid4().hex[:8]}", "2026"
    name = random.choice(["王芳", "李娜", "张伟", "刘洋"])
    registrar = (
        await create_staff(gateway, stack, role="registrar", institution_code=code)
    ).headers
    number = resident_id(BORN, "female")
    student = await create_student(
        gateway, stack, name=name, id_number=number, gender="female", birth_date=BORN
    )
    office = await create_staff(
        gateway, stack, role="college_staff", institution_code=code, college=COLLEGE
    )
    photographer = await create_staff(gateway, stack, role="photographer", institution_code=code)
    await put_windows(gateway, registrar, code, cohort, phase="confirm")
    row = (
        f"{code},测试大学,S{uuid.uuid4().hex[:6]},,{name},female,汉族,{BORN.isoformat()},"
        f"resident_id,{number},{COLLEGE},计算机系,软件工程,软件2201班,本科,4,普通高等教育,"
        f"全日制,2022-09-01,在籍,{cohort}"
    )
    imported = await gateway.post(
        "/api/records/v1/imports",
        content=f"{RECORD_COLUMNS}\n{row}\n".encode(),
        headers={**registrar, "Content-Type": "text/csv"},
    )
    assert imported.status_code == 202, imported.text

    async def my_record() -> str | None:
        records = await gateway.get("/api/records/v1/me/records", headers=student.headers)
        found = records.json() if records.status_code == 200 else []
        return str(found[0]["record_id"]) if found else None

    record_id = await eventually(
        my_record, timeout_s=180, interval_s=0.5, what="the record to match"
    )
    student_number = row.split(",")[2]
    manifest = (
        "file,kind,institution_code,name,id_type,id_number,student_number\n"
        f"g.jpg,graduation,{code},{name},resident_id,{number},{student_number}\n"
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

    async def linked_photo() -> str | None:
        mine: list[dict[str, Any]] = (
            await gateway.get("/api/photos/v1/me/photos", headers=student.headers)
        ).json()
        slots = [m["graduation"] for m in mine if m["record_id"] == record_id]
        return slots[0].get("photo_id") if slots and slots[0]["status"] == "pending" else None

    photo_id = await eventually(
        linked_photo, timeout_s=180, interval_s=0.5, what="the graduation photo to link"
    )
    return ConfirmedStudent(student, office, record_id, code, name), photo_id


async def confirm_photo(gateway: httpx.AsyncClient, who: ConfirmedStudent, photo_id: str) -> None:
    async def confirmed() -> bool:  # photo checks by machine may still be running (409)
        answer = await gateway.post(
            f"/api/photos/v1/photos/{photo_id}/confirm", headers=who.student.headers
        )
        assert answer.status_code in (200, 409), answer.text
        return answer.status_code == 200

    await eventually(confirmed, timeout_s=60, interval_s=0.3, what="the photo to be confirmed")


async def issue_report(
    gateway: httpx.AsyncClient, who: ConfirmedStudent, months: int = 1
) -> dict[str, Any]:
    """Issue a report as soon as the reports service has seen the confirmation."""

    async def issued() -> dict[str, Any] | None:
        answer = await gateway.post(
            "/api/reports/v1/me/reports",
            json={"record_id": who.record_id, "months": months},
            headers=who.student.headers,
        )
        if answer.status_code in (404, 409):  # the replica has not caught up yet
            assert answer.json()["code"] in ("record_not_found", "record_not_confirmed")
            return None
        assert answer.status_code == 201, answer.text
        body: dict[str, Any] = answer.json()
        return body

    return await eventually(issued, timeout_s=180, interval_s=0.5, what="a report to be issued")


async def confirmed_student(gateway: httpx.AsyncClient, stack: StackEndpoints) -> ConfirmedStudent:
    who, photo_id = await matched_student(gateway, stack)
    await confirm_photo(gateway, who, photo_id)
    return who
