"""The student's whole procedure on a phone, through the portal: register, the activation
mail, real name, log in, the next step on the home page, the record card and its print view,
the photos (one confirmed behind the dialog, the other disputed with a reason), the errata
form; the college office approves (through the API: the office's own UI has its own test),
a new photo arrives, and in the re-check window the student confirms it."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import resident_id
from jiaodui_runtime.testing.sinks import link_token, mails_to
from playwright.async_api import Browser, Page

from tests.browser.portal import audit, open_page, sign_in
from tests.browser.student_setup import School, photo_batch, roster_row, school

pytestmark = [pytest.mark.integration, pytest.mark.browser]
PASSWORD = "Web-pass-123"
NAME = "网页测试"
BORN = date(2004, 6, 1)


async def register_and_activate(
    page: Page, base: str, stack_dir: Path, address: str, shots: Path, watched: Any
) -> None:
    await page.get_by_role("button", name="注册账号").click()
    await page.get_by_role("heading", name="注册账号").wait_for()
    await page.get_by_label("电子邮箱（用户名）").fill(address)
    await page.get_by_label("密码", exact=True).fill(PASSWORD)
    await page.get_by_label("确认密码").fill(PASSWORD)
    await page.get_by_text("我已阅读并同意用户协议").click()
    await audit(watched, "account-register", shots)
    await page.get_by_role("button", name="注册", exact=True).click()
    await page.get_by_text("激活邮件已发送").wait_for()
    await page.get_by_role("button", name="重新发送激活邮件").click()
    await page.get_by_text("已重新发送").wait_for()
    await audit(watched, "account-register-sent", shots)

    mails = await eventually(
        lambda: asyncio.to_thread(lambda: len(m := mails_to(stack_dir, address)) >= 2 and m),
        timeout_s=120, interval_s=0.25, what="the activation mail and its re-sent copy",
    )  # fmt: skip
    token = link_token(mails[-1])
    assert token
    await page.goto(f"{base}/activate.html?token={token}")
    await page.get_by_text("账号已激活").wait_for()
    await audit(watched, "account-activate", shots)


async def real_name(page: Page, number: str, shots: Path, watched: Any) -> None:
    await page.get_by_role("link", name="去实名注册").click()
    await page.get_by_role("heading", name="实名注册").wait_for()
    await page.get_by_label("姓名", exact=True).fill(NAME)
    await page.get_by_label("证件号码", exact=True).fill(number)
    await page.get_by_text("已按证件号码填写出生日期和性别").wait_for()
    await page.get_by_label("省份").fill("北京市")
    await page.get_by_label("城市").fill("北京市")
    await page.get_by_text("我单独同意处理我的证件号码").click()
    await audit(watched, "account-realname", shots)
    await page.get_by_role("button", name="提交").click()
    await page.get_by_text("实名注册完成").wait_for()


async def office_approves(gateway: httpx.AsyncClient, s: School) -> None:
    async def open_errata() -> list[dict[str, Any]]:
        answer = await gateway.get(
            f"/api/corrections/v1/errata?institution_code={s.code}&status=filed",
            headers=s.office.headers,
        )
        assert answer.status_code == 200, answer.text
        return list(answer.json()["items"])

    for erratum in await eventually(
        open_errata, what="the student's erratum in the office's queue"
    ):
        approved = await gateway.post(
            f"/api/corrections/v1/errata/{erratum['erratum_id']}/approve", headers=s.office.headers
        )
        assert approved.status_code == 200, approved.text


async def answer_photo(page: Page, kind: str, action: str, reason: str | None = None) -> None:
    card = page.locator(".photos__card", has=page.get_by_role("heading", name=kind))
    await card.get_by_role("button", name=action).click()
    dialog = page.get_by_role("dialog")
    if reason is None:
        await dialog.get_by_text("确认后不能更改").wait_for()
        await dialog.get_by_role("button", name="确认无误").click()
        await card.get_by_text("确认。").wait_for()
    else:
        await dialog.get_by_label("有误的原因").fill(reason)
        await dialog.get_by_role("button", name="提交异议").click()
        await card.get_by_text("提出异议").wait_for()
    await page.locator(".el-overlay-dialog").last.wait_for(state="hidden")


async def test_the_students_whole_procedure_with_a_dispute_and_the_recheck(
    browser: Browser, gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    assert stack.gateway_url and stack.stack_dir
    base, shots = stack.gateway_url, stack.stack_dir / "screenshots"
    s = await school(gateway, stack)
    await s.window(gateway, "confirm")
    number = resident_id(BORN, "female")
    await roster_row(gateway, s, name=NAME, number=number, gender="female", born=BORN)
    colours = {"graduation": (40, 90, 160), "admission": (160, 90, 40)}
    await photo_batch(gateway, s, name=NAME, number=number, photos=colours)

    watched = await open_page(browser, phone=True)
    page = watched.page
    await page.goto(f"{base}/")
    await page.get_by_role("heading", name="毕业生学籍与图像校对").wait_for()
    await audit(watched, "account-start", shots)
    address = f"web-{uuid.uuid4().hex[:10]}@example.edu.cn"
    await register_and_activate(page, base, stack.stack_dir, address, shots, watched)
    await real_name(page, number, shots, watched)

    # a new session after real-name registration, as a returning student
    await page.get_by_role("button", name="学生").click()
    await page.get_by_role("menuitem", name="退出登录").click()
    await page.wait_for_url("**/login")
    await sign_in(page, base, address, PASSWORD)
    await page.wait_for_url("**/student")

    async def next_step(title: str) -> bool:
        await page.reload()
        await page.get_by_text("下一步").or_(page.get_by_role("alert")).first.wait_for()
        return await page.get_by_role("heading", name=title).count() > 0

    await eventually(
        lambda: next_step("请核对您的照片"), timeout_s=120, interval_s=1, what="photos to check"
    )
    await page.get_by_text("距确认截止还有").wait_for()
    await audit(watched, "student-home", shots)

    await page.get_by_role("button", name="菜单").click()
    await page.get_by_role("menuitem", name="学籍信息").click()
    await page.wait_for_url("**/student/record")
    await page.get_by_text("普通全日制").wait_for()
    for word in ("网页测试", "女", "本科", "普通", "在籍", "软件工程", "4 年"):
        await page.get_by_text(word, exact=True).first.wait_for()
    await audit(watched, "student-record", shots)
    await page.get_by_role("button", name="打印").click()
    await page.wait_for_url("**/print")
    await page.get_by_text("打印时间").wait_for()
    await audit(watched, "student-record-print", shots)

    await page.goto(f"{base}/student/photos")
    await page.get_by_text("校对进行中").wait_for()
    await audit(watched, "student-photos", shots)
    await answer_photo(page, "毕业照片", "照片正确")
    await answer_photo(page, "入学照片", "照片有误", reason="不是我本人的照片")
    await audit(watched, "student-photos-answered", shots)

    await page.get_by_role("link", name="填写勘误表").first.click()
    await page.wait_for_url("**/student/errata**")
    await page.get_by_label("照片有什么问题").fill("入学照片不是我本人")
    await page.get_by_role("button", name="添加一项").click()
    await page.get_by_role("group", name="第 2 项").locator(".el-select__wrapper").first.click()
    await page.get_by_role("option", name="民族").click()
    await page.locator(".el-select__popper").last.wait_for(state="hidden")
    await page.get_by_text("当前值：汉族").wait_for()
    await page.get_by_label("正确的值").last.fill("回族")
    await audit(watched, "student-errata-form", shots)

    async def filed() -> bool:
        """Sent again while corrections has not yet learnt the record (its answer is shown)."""
        await page.get_by_role("button", name="提交勘误表").click()
        done = page.get_by_text("勘误表已提交")
        await done.or_(page.get_by_role("alert")).first.wait_for()
        return await done.count() > 0

    await eventually(filed, timeout_s=90, interval_s=2, what="the errata form filed")
    await page.get_by_text("民族：汉族 → 回族").wait_for()

    await office_approves(gateway, s)
    await photo_batch(gateway, s, name=NAME, number=number, photos={"admission": (90, 160, 40)})
    await s.window(gateway, "recheck")

    async def applied() -> bool:
        await page.reload()
        await page.get_by_text("我的勘误申请").wait_for()
        return await page.get_by_text("学籍或照片已更正").count() > 0

    await eventually(applied, timeout_s=60, interval_s=1, what="the erratum applied")
    await page.get_by_text("学院审核通过").wait_for()
    await audit(watched, "student-errata", shots)

    await page.goto(f"{base}/student")
    await eventually(
        lambda: next_step("请核对您的照片"), timeout_s=30, interval_s=1, what="the re-check"
    )
    await page.get_by_text("复查进行中").wait_for()
    await audit(watched, "student-home-recheck", shots)
    await page.goto(f"{base}/student/photos")
    await page.get_by_text("复查进行中").wait_for()
    await answer_photo(page, "入学照片", "照片正确")
    await audit(watched, "student-photos-recheck", shots)
    await page.goto(f"{base}/student")
    await page.get_by_role("heading", name="校对完成").wait_for()
    await audit(watched, "student-home-done", shots)
