"""Support resolves an ID case, operations watch the dashboard while events flow."""

from __future__ import annotations

import asyncio
import contextlib
import io
import math
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import Account, create_staff, create_student, resident_id
from PIL import Image, ImageDraw
from playwright.async_api import Browser, Locator, Page

from tests.browser.portal import audit, open_page, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.browser]
API = "/api/corrections/v1/identity-corrections"
PAGE_SIZE = 20  # the support queue's page size
ROSTER_HEAD = (
    "institution_code,institution_name,student_number,exam_number,name,gender,ethnicity,"
    "birth_date,id_type,id_number,branch,department,major,class_name,level,duration_years,"
    "education_type,study_form,enrollment_date,status,cohort\n"
)


def shots(stack: StackEndpoints) -> Path:
    assert stack.stack_dir is not None
    return stack.stack_dir / "screenshots"


def scan_jpeg(number: str) -> bytes:
    """A card-like scan with the number on it (support zooms in to read it)."""
    image = Image.new("RGB", (856, 540), (232, 238, 246))
    draw = ImageDraw.Draw(image)
    draw.rectangle((24, 24, 832, 516), outline=(31, 78, 140), width=6)
    draw.text((60, 420), number, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


async def open_correction(gateway: httpx.AsyncClient, stack: StackEndpoints) -> str:
    born = date(2003, 5, 17)
    student = await create_student(
        gateway, stack, name="工单测试", id_number=resident_id(born, "male"), gender="male",
        birth_date=born,
    )  # fmt: skip
    right = resident_id(born, "male")
    opened = await gateway.post(
        API,
        data={"id_type": "resident_id", "id_number": right, "contact_phone": "13812345678"},
        files={"scan": ("card.jpg", scan_jpeg(right), "image/jpeg")},
        headers=student.headers,
    )
    assert opened.status_code == 201, opened.text
    case_id: str = opened.json()["case_id"]
    return case_id


async def width_of(element: Locator) -> float:
    box = await element.bounding_box()
    assert box is not None
    return box["width"]


async def show_case_page(page: Page, gateway: httpx.AsyncClient, support: Account) -> None:
    """Oldest first: a new case is on the last page of the open queue."""
    queue = (await gateway.get(f"{API}?status=open&limit=1", headers=support.headers)).json()
    last = max(1, math.ceil(queue["total"] / PAGE_SIZE))
    if last > 1:
        await page.get_by_label(f"第 {last} 页").click()


async def test_support_checks_the_scan_and_approves_an_id_correction(
    browser: Browser, gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    assert stack.gateway_url
    case_id = await open_correction(gateway, stack)
    ref = case_id.replace("-", "")[:8].upper()
    support = await create_staff(gateway, stack, role="support")

    watched = await open_page(browser)
    page = watched.page
    await sign_in(page, stack.gateway_url, support.email, support.password)
    await page.wait_for_url("**/support/cases")
    await page.get_by_role("heading", name="证件工单", level=1).wait_for()
    await page.get_by_role("tab", name="证件号码更正").wait_for()
    await show_case_page(page, gateway, support)
    case_button = page.get_by_role("button", name=f"查看工单 {ref}")
    await case_button.wait_for()
    await audit(watched, "support-cases", shots(stack))

    await case_button.click()
    drawer = page.get_by_role("dialog", name=f"工单 {ref}")
    scan = drawer.get_by_role("img", name="学生上传的证件扫描件")
    await scan.wait_for()
    width = await width_of(scan)
    await drawer.get_by_role("button", name="放大").click()
    await drawer.get_by_role("button", name="放大").click()
    await drawer.get_by_text("缩放 150%").wait_for()
    assert await width_of(scan) > width * 1.3
    await drawer.get_by_text("学生提交工单").wait_for()
    await audit(watched, "support-case", shots(stack))

    await drawer.get_by_role("button", name="通过", exact=True).click()
    dialog = page.get_by_role("dialog", name=f"通过工单 {ref}")
    await dialog.get_by_label("说明（可选）").fill("扫描件与申请号码一致")
    await dialog.get_by_role("button", name="确认通过").click()
    await drawer.get_by_text("说明：扫描件与申请号码一致").wait_for()
    await drawer.get_by_text("已通过").first.wait_for()
    assert await drawer.get_by_role("button", name="通过", exact=True).count() == 0
    # the scan read is audited: support appears in the reads
    await drawer.get_by_text("扫描件查看记录").wait_for()

    case = (await gateway.get(f"{API}/{case_id}", headers=support.headers)).json()
    assert case["status"] == "approved"
    assert [h["action"] for h in case["history"]] == ["opened", "approved"]


@contextlib.asynccontextmanager
async def events_flowing(gateway: httpx.AsyncClient, stack: StackEndpoints) -> AsyncIterator[str]:
    """Roster imports into a fresh institution every second or so (records → photos → notify
    events) while the body runs; yields the institution's code."""
    institution = f"O{uuid.uuid4().hex[:7]}"
    registrar = await create_staff(gateway, stack, role="registrar", institution_code=institution)
    now = datetime.now(UTC)
    window = {
        "confirm_until": (now + timedelta(days=2)).isoformat(),
        "recheck_from": (now + timedelta(days=3)).isoformat(),
        "recheck_until": (now + timedelta(days=4)).isoformat(),
    }
    put = await gateway.put(
        f"/api/photos/v1/windows/{institution}/2026", json=window, headers=registrar.headers
    )
    assert put.status_code < 300, put.text

    async def import_rows() -> None:
        batch = 0
        while True:
            batch += 1
            rows = "".join(
                f"{institution},运维大学,B{batch:03d}{n:03d},,学生{n},female,汉族,2003-03-03,"
                f"resident_id,{resident_id(date(2003, 3, 3), 'female')},"
                f"{'信息学院' if n % 2 else '经济学院'},计算机系,软件工程,1班,bachelor,4,regular,"
                "full_time,2022-09-01,enrolled,2026\n"
                for n in range(10)
            )
            answer = await gateway.post(
                "/api/records/v1/imports",
                content=(ROSTER_HEAD + rows).encode(),
                headers={**registrar.headers, "Content-Type": "text/csv"},
            )
            assert answer.status_code == 202, answer.text
            await asyncio.sleep(1.5)  # a steady trickle of events, not a load test

    task = asyncio.create_task(import_rows())
    try:
        yield institution
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def tile_value(page: Page, label: str) -> str:
    return await page.get_by_role("region", name=label).locator(".tile__value").inner_text()


async def test_the_ops_dashboard_is_live_while_events_flow(
    browser: Browser, gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    assert stack.gateway_url
    ops = await create_staff(gateway, stack, role="ops")
    async with events_flowing(gateway, stack) as institution:
        watched = await open_page(browser)
        page = watched.page
        await sign_in(page, stack.gateway_url, ops.email, ops.password)
        await page.wait_for_url("**/ops")
        await page.get_by_role("heading", name="运行监控", level=1).wait_for()
        await page.get_by_text("最后更新").wait_for()

        # charts drawn (canvas), headline numbers and health tiles from Prometheus
        async def charts_drawn() -> bool:
            return await page.locator("[role=img] canvas").count() >= 6

        await eventually(charts_drawn, timeout_s=30, what="the dashboard's charts")
        assert await page.get_by_text("监控数据暂不可用").count() == 0
        for service in ("账号服务", "学籍服务", "照片服务", "通知服务", "勘误服务"):
            assert "运行中" in await tile_value(page, service)

        async def events_counted() -> bool:
            value = await tile_value(page, "事件/秒")
            return value != "—" and not value.startswith("0/")

        await eventually(events_counted, timeout_s=60, interval_s=1, what="events per second")
        assert "天" in await tile_value(page, "距确认截止")

        # the institution the imports fill shows up, and the numbers move by themselves
        select = page.get_by_label("学校", exact=True)
        await select.click()
        await page.get_by_role("option", name=institution).click()
        before_updated = await page.get_by_text("最后更新").inner_text()
        before_left = await tile_value(page, "未完成学生")

        async def updated() -> bool:
            return (
                await page.get_by_text("最后更新").inner_text() != before_updated
                and await tile_value(page, "未完成学生") != before_left
            )

        await eventually(updated, timeout_s=25, interval_s=0.5, what="a refresh within ~10 s")
        await audit(watched, "ops-dashboard", shots(stack))
