"""Verification reports in the portal: the student's page (issue, extend, download, close,
check count) and the public check page (by the QR link, by a typed code, an unknown code),
each audited (axe, visible text, CSP) with desktop and phone screenshots."""

from __future__ import annotations

import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints
from playwright.async_api import Browser

from tests.browser.portal import audit, open_page, sign_in
from tests.e2e.report_steps import confirmed_student, issue_report

pytestmark = [pytest.mark.integration, pytest.mark.browser]


async def test_a_student_issues_extends_downloads_and_closes_and_a_stranger_checks(
    browser: Browser, gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    assert stack.gateway_url and stack.stack_dir
    base, shots = stack.gateway_url, stack.stack_dir / "screenshots"
    who = await confirmed_student(gateway, stack)
    first = await issue_report(gateway, who, months=1)  # reports has seen the confirmation

    watched = await open_page(browser)
    page = watched.page
    await sign_in(page, base, who.student.email, who.student.password)
    await (
        page.get_by_role("navigation", name="菜单").get_by_role("menuitem", name="验证报告").click()
    )
    await page.get_by_role("heading", name="验证报告", exact=True).wait_for()
    await page.get_by_text("3 个月", exact=True).first.click()
    await page.get_by_role("button", name="生成报告").click()
    await page.get_by_role("status").filter(has_text="报告已生成").wait_for()
    assert await page.locator(".reports__item").count() == 2

    card = page.locator(".reports__item").filter(has_text=first["code"])
    await card.get_by_role("button", name="延长有效期 3 个月").click()
    await page.get_by_role("status").filter(has_text="有效期已延长至").wait_for()
    async with page.expect_download() as download:
        await card.get_by_role("button", name="下载 PDF（中文）").click()
    assert (await download.value).suggested_filename.endswith("-zh.pdf")
    await audit(watched, "student-reports", shots)

    newest = page.locator(".reports__item").first
    await newest.get_by_role("button", name="关闭报告").click()
    await page.get_by_role("dialog").get_by_role("button", name="确定").click()
    await page.get_by_role("status").filter(has_text="报告已关闭").wait_for()
    await newest.get_by_text("已关闭").wait_for()
    closed_code = (await newest.locator(".reports__code").inner_text()).strip()

    # a stranger: no login, the QR code's link
    stranger = await open_page(browser, phone=True)
    public = stranger.page
    await public.goto(f"{base}/verify/{first['code']}")
    await public.get_by_text("报告有效：以下为报告生成时的学籍信息。").wait_for()
    await public.get_by_text(who.name, exact=True).wait_for()
    await public.get_by_role("img", name="毕业照片").wait_for()
    await audit(stranger, "verify-valid", shots)

    await public.goto(f"{base}/verify")
    await public.get_by_label("验证码").fill(closed_code.lower().replace("-", " "))
    await public.get_by_role("button", name="核验").click()
    await public.get_by_text("该报告已被本人关闭，内容不再显示。").wait_for()
    assert await public.get_by_text(who.name, exact=True).count() == 0
    await public.get_by_label("验证码").fill("ABCD-EFGH-JKMN-PQRS")
    await public.get_by_role("button", name="核验").click()
    await public.get_by_text("没有找到与此验证码对应的有效报告").wait_for()
    await audit(stranger, "verify-not-found", shots)

    # the student sees the checks counted
    await page.reload()
    await (
        page.locator(".reports__item")
        .filter(has_text=first["code"])
        .get_by_text("被查询 1 次")
        .wait_for()
    )
