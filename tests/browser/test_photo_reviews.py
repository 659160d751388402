"""The college office's photo reviews (DESIGN §9) through the portal: a graduation photo of
another person than the admission photo waits in the queue with its verdict, distance and
both photos side by side; the office accepts it, and a blank photo gets a re-capture
request with a reason (which opens an erratum). On a phone each student is a card with
both photos, the verdict, the findings and the two decisions in view."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import resident_id
from jiaodui_runtime.testing.faces import blank, pair
from playwright.async_api import Browser, Locator

from tests.browser.portal import PHONE, audit, open_page, sign_in
from tests.browser.student_setup import School, roster_row, school

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.timeout(900)]
BORN = date(2003, 4, 5)


async def upload(gateway: httpx.AsyncClient, s: School, rows: list[tuple[str, str, bytes]]) -> None:
    """(name, ID number, graduation photo) per student; each with its admission photo."""
    header = "file,kind,institution_code,name,id_type,id_number,student_number\n"
    lines, archive = [], io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for i, (name, number, graduation) in enumerate(rows):
            admission, _ = pair("fail")
            for kind, data in (("admission", admission), ("graduation", graduation)):
                zipped.writestr(f"{kind}{i}.jpg", data)
                lines.append(
                    f"{kind}{i}.jpg,{kind},{s.code},{name},resident_id,{number},S00{i + 1}"
                )
    answer = await gateway.post(
        "/api/photos/v1/batches",
        headers=s.photographer.headers,
        files={
            "manifest": ("m.csv", (header + "\n".join(lines) + "\n").encode(), "text/csv"),
            "archive": ("a.zip", archive.getvalue(), "application/zip"),
        },
    )
    assert answer.status_code == 202, answer.text


async def test_the_office_accepts_one_photo_and_asks_a_new_one_for_another(
    browser: Browser, gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    assert stack.gateway_url and stack.stack_dir
    s = await school(gateway, stack)
    people = [("复核甲", resident_id(BORN, "female")), ("复核乙", resident_id(BORN, "female"))]
    await roster_row(gateway, s, name=people[0][0], number=people[0][1], gender="female", born=BORN)
    await roster_row(
        gateway, s, name=people[1][0], number=people[1][1], gender="female", born=BORN,
        student_number="S002", exam_number="26110101000124",
    )  # fmt: skip
    _, other_person = pair("fail")
    await upload(gateway, s, [(people[0][0], people[0][1], other_person), (*people[1], blank())])

    async def both_waiting() -> list[dict[str, Any]] | None:
        answer = await gateway.get("/api/photos/v1/reviews", headers=s.office.headers)
        items: list[dict[str, Any]] = answer.json()["items"]
        return items if len(items) == 2 else None

    waiting = await eventually(both_waiting, timeout_s=600, interval_s=2, what="two reviews")
    assert {i["verdict"] for i in waiting} == {"fail", "anomaly"}

    watched = await open_page(browser)
    page = watched.page
    await sign_in(page, stack.gateway_url, s.office.email, s.office.password)
    await page.goto(f"{stack.gateway_url}/college/reviews")
    table = page.locator(".reviews__table")
    first = table.get_by_role("row").filter(has_text="复核甲")
    await first.get_by_text("未通过").wait_for()
    await first.get_by_text("人脸差异").wait_for()
    await (
        table.get_by_role("row").filter(has_text="复核乙").get_by_text("没有检测到人脸").wait_for()
    )
    await page.locator("img[alt^='入学照片']").first.wait_for()
    await audit(watched, "college-reviews", stack.stack_dir / "screenshots")

    # on a phone: a card per student, the verdict, findings and both buttons on the screen
    on_phone = await open_page(browser, phone=True)
    phone = on_phone.page
    await sign_in(phone, stack.gateway_url, s.office.email, s.office.password)
    await phone.goto(f"{stack.gateway_url}/college/reviews")
    cards = phone.locator(".review-card")
    for name, verdict, finding in (
        ("复核甲", "未通过", "人脸差异"),
        ("复核乙", "异常", "没有检测到人脸"),
    ):
        card = cards.filter(has=phone.get_by_role("heading", name=name))
        await card.get_by_text(verdict, exact=True).wait_for()
        await card.get_by_text(finding).wait_for()
        await card.locator("img[alt^='入学照片']").wait_for()
        await card.locator("img[alt^='毕业照片']").wait_for()
        for button in ("确认是本人", "要求重拍"):
            await within_screen_width(card.get_by_role("button", name=button))
    assert await cards.count() == 2
    assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not await phone.locator(".reviews__table").count()
    await audit(on_phone, "college-reviews-cards", stack.stack_dir / "screenshots")

    await first.get_by_role("button", name="确认是本人").click()
    await page.locator(".el-message-box").get_by_role("button", name="确定").click()
    await page.get_by_text("已确认 复核甲 的照片。").wait_for()

    await phone.reload()
    second = cards.filter(has=phone.get_by_role("heading", name="复核乙"))
    await second.get_by_text("没有检测到人脸").wait_for()
    assert await cards.count() == 1
    await second.get_by_role("button", name="要求重拍").click()
    dialog = phone.get_by_role("dialog")
    await dialog.get_by_label("原因").fill("照片中没有人脸，请重新拍摄。")
    await dialog.get_by_role("button", name="提交").click()
    await phone.get_by_text("已要求重新采集 复核乙 的照片").wait_for()
    await phone.get_by_text("没有待复核的照片。").wait_for()
    await audit(on_phone, "college-reviews-done", stack.stack_dir / "screenshots")

    async def erratum() -> bool:
        answer = await gateway.get("/api/corrections/v1/errata", headers=s.office.headers)
        return any(e["items"][0]["field"] == "graduation_photo" for e in answer.json()["items"])

    await eventually(erratum, timeout_s=120, what="the re-capture's erratum")


async def within_screen_width(element: Locator) -> None:
    """Seen without scrolling sideways: the element lies inside the phone's width."""
    await element.wait_for()
    box = await element.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
