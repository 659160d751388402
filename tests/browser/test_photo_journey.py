"""The photo check in the browser: the student answers 正确 / 有误, the college office approves."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import create_staff, create_student, resident_id
from PIL import Image
from playwright.async_api import Browser, Page

pytestmark = [pytest.mark.integration, pytest.mark.browser]
BORN = date(2003, 3, 3)
COLLEGE = "信息学院"


def jpeg(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (480, 640), color).save(out, format="JPEG")
    return out.getvalue()


async def prepared_student(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> tuple[str, str, str]:
    """A roster row, an open window, two linked photos, a matched student; returns logins."""
    institution = f"W{uuid.uuid4().hex[:7]}"
    registrar = await create_staff(gateway, stack, role="registrar", institution_code=institution)
    photographer = await create_staff(
        gateway, stack, role="photographer", institution_code=institution
    )
    office = await create_staff(
        gateway, stack, role="college_staff", institution_code=institution, college=COLLEGE
    )
    name, number = "浏览器", resident_id(BORN, "female")
    roster = (
        "institution_code,institution_name,student_number,exam_number,name,gender,ethnicity,"
        "birth_date,id_type,id_number,branch,department,major,class_name,level,duration_years,"
        "education_type,study_form,enrollment_date,status,cohort\n"
        f"{institution},网页大学,S001,,{name},female,汉族,{BORN},resident_id,{number},{COLLEGE},"
        "计算机系,软件工程,1班,bachelor,4,regular,full_time,2022-09-01,enrolled,2026\n"
    )
    imported = await gateway.post(
        "/api/records/v1/imports",
        content=roster.encode(),
        headers={**registrar.headers, "Content-Type": "text/csv"},
    )
    assert imported.status_code == 202, imported.text
    now = datetime.now(UTC)
    window = {
        "confirm_until": (now + timedelta(days=5)).isoformat(),
        "recheck_from": (now + timedelta(days=7)).isoformat(),
        "recheck_until": (now + timedelta(days=8)).isoformat(),
    }
    for service in ("photos", "corrections"):
        answer = await gateway.put(
            f"/api/{service}/v1/windows/{institution}/2026", json=window, headers=registrar.headers
        )
        assert answer.status_code < 300, answer.text
    student = await create_student(
        gateway, stack, name=name, id_number=number, gender="female", birth_date=BORN
    )
    manifest = "file,kind,institution_code,name,id_type,id_number,student_number\n" + "".join(
        f"{kind}.jpg,{kind},{institution},{name},resident_id,{number},S001\n"
        for kind in ("graduation", "admission")
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("graduation.jpg", jpeg((40, 90, 160)))
        zipped.writestr("admission.jpg", jpeg((160, 90, 40)))
    batch = await gateway.post(
        "/api/photos/v1/batches",
        headers=photographer.headers,
        files={
            "manifest": ("m.csv", manifest.encode(), "text/csv"),
            "archive": ("a.zip", archive.getvalue(), "application/zip"),
        },
    )
    assert batch.status_code == 202, batch.text

    async def both_pending() -> bool:
        rows = (await gateway.get("/api/photos/v1/me/photos", headers=student.headers)).json()
        return bool(rows) and all(
            rows[0][k]["status"] == "pending" for k in ("graduation", "admission")
        )

    await eventually(both_pending, timeout_s=60, what="two linked photos for the student")
    return student.email, office.email, office.password


async def log_in(page: Page, base: str, email: str, password: str) -> None:
    await page.goto(f"{base}/login.html")
    await page.get_by_label("电子邮箱（用户名）").fill(email)
    await page.get_by_label("密码", exact=True).fill(password)
    await page.get_by_role("button", name="登录").last.click()
    await page.wait_for_url("**/record.html")


async def test_student_confirms_one_photo_disputes_the_other_and_the_office_approves(
    browser: Browser, gateway: httpx.AsyncClient, stack: StackEndpoints, shot: Any
) -> None:
    assert stack.gateway_url
    student_email, office_email, office_password = await prepared_student(gateway, stack)
    page = await browser.new_page()
    await log_in(page, stack.gateway_url, student_email, "Test-pass-123!")
    await shot(page, "06-record")
    await page.goto(f"{stack.gateway_url}/photos.html")
    graduation = page.locator("figure", has_text="毕业照片")
    await graduation.get_by_text("未校对").wait_for()
    await page.get_by_text("截止时间").wait_for()
    await shot(page, "07-photos")
    await graduation.get_by_role("button", name="正确").click()
    await graduation.get_by_text("已确认，谢谢。").wait_for()
    admission = page.locator("figure", has_text="新生照片")
    await admission.get_by_placeholder("原因").fill("不是我的照片")
    await admission.get_by_role("button", name="有误").click()
    await page.wait_for_url("**/errata.html")

    office = await browser.new_page()
    await office.goto(f"{stack.gateway_url}/login.html")
    await office.get_by_label("电子邮箱（用户名）").fill(office_email)
    await office.get_by_label("密码", exact=True).fill(office_password)
    await office.get_by_role("button", name="登录").last.click()
    await office.wait_for_url("**/record.html")

    async def erratum_listed() -> bool:
        await office.goto(f"{stack.gateway_url}/staff/errata.html")
        await office.locator("table, .status").first.wait_for()
        return await office.get_by_role("button", name="通过").count() > 0

    await eventually(
        erratum_listed, timeout_s=60, interval_s=1.0, what="the erratum in the office's queue"
    )
    await shot(office, "08-office-queue")
    await office.get_by_role("button", name="通过").first.click()
    await office.get_by_text("OK").wait_for()
