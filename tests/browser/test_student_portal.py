"""The student portal's problem paths on a phone (DESIGN §2 step 6): a record not found
(the reason, both ways out: an ID-correction case with a checked scan, and the name fixed
in the account settings), an ID number already registered (the dispute with a scan), and
the account pages a visitor uses (recovery, reset, English)."""

from __future__ import annotations

import io
from datetime import date

import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import create_student, register_and_activate, resident_id
from PIL import Image
from playwright.async_api import Browser, Page

from tests.browser.portal import audit, open_page, sign_in
from tests.browser.student_setup import roster_row, school

pytestmark = [pytest.mark.integration, pytest.mark.browser]
BORN = date(2003, 5, 17)


def scan(fmt: str = "JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (856, 540), (232, 238, 246)).save(out, format=fmt)
    return out.getvalue()


async def home_says(page: Page, title: str, text: str | None = None) -> bool:
    """Reloads the home page until it shows ``title`` (and ``text``); a busy stack's error
    answer (an alert) counts as not yet."""
    await page.reload()
    await page.get_by_text("下一步").or_(page.get_by_role("alert")).first.wait_for()
    if await page.get_by_role("heading", name=title).count() == 0:
        return False
    return text is None or await page.get_by_text(text).count() > 0


async def file_case(page: Page, number: str) -> None:
    """The ID-case form: a PNG is refused before sending, the JPEG previewed and sent."""
    chooser = page.get_by_label("证件扫描件")
    await chooser.set_input_files(
        {"name": "card.png", "mimeType": "image/png", "buffer": scan("PNG")}
    )
    await page.get_by_text("扫描件必须是 JPG 图片").wait_for()
    await chooser.set_input_files({"name": "card.jpg", "mimeType": "image/jpeg", "buffer": scan()})
    await page.get_by_role("img", name="扫描件预览").wait_for()
    await page.locator("#idc-number").fill(number)
    await page.get_by_label("联系电话").fill("138 1234 5678")


async def test_record_not_found_the_reason_and_both_ways_out(
    browser: Browser, gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    assert stack.gateway_url and stack.stack_dir
    base, shots = stack.gateway_url, stack.stack_dir / "screenshots"
    s = await school(gateway, stack)
    number = resident_id(BORN, "male")
    await roster_row(gateway, s, name="王小明", number=number, gender="male", born=BORN)
    student = await create_student(
        gateway, stack, name="王晓明", id_number=number, gender="male", birth_date=BORN
    )
    watched = await open_page(browser, phone=True)
    page = watched.page
    await sign_in(page, base, student.email, student.password)
    await page.wait_for_url("**/student")
    mismatch = "有与您的证件号码一致的学籍，但姓名不同"
    await eventually(lambda: home_says(page, "没有找到您的学籍", mismatch), timeout_s=90,
                     interval_s=1, what="the record not found: the name differs")  # fmt: skip
    await page.get_by_role("link", name="在账号设置中修改姓名").wait_for()
    await audit(watched, "student-home-not-found", shots)

    await page.get_by_role("link", name="提交证件扫描件").click()
    await page.wait_for_url("**/student/id-case?kind=correction")
    assert await page.get_by_role("radio", name="证件号码有误，找不到学籍").is_checked()
    await file_case(page, resident_id(BORN, "male"))
    await audit(watched, "student-id-case-form", shots)
    await page.get_by_role("button", name="提交申请").click()
    await page.get_by_text("已提交，工单编号").wait_for()
    await page.get_by_text("处理中").wait_for()
    await audit(watched, "student-id-case", shots)

    await page.get_by_role("button", name="学生").click()
    await page.get_by_role("menuitem", name="账号设置").click()
    await page.wait_for_url("**/account")
    await page.get_by_text("不可修改").first.wait_for()
    await page.get_by_label("姓名").fill("王小明")
    await page.get_by_role("button", name="保存").click()
    await page.get_by_text("系统正在按新姓名重新查找您的学籍").wait_for()
    await audit(watched, "account-settings", shots)

    await page.goto(f"{base}/student")
    await eventually(lambda: home_says(page, "您的学籍还没有照片"), timeout_s=60, interval_s=1,
                     what="the record found under the fixed name")  # fmt: skip
    await audit(watched, "student-home-no-photo", shots)
    await page.goto(f"{base}/student/messages")
    await page.get_by_role("heading", name="消息").wait_for()
    await audit(watched, "student-messages", shots)


async def test_an_id_number_already_registered_leads_to_the_dispute(
    browser: Browser, gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    assert stack.gateway_url and stack.stack_dir
    base, shots = stack.gateway_url, stack.stack_dir / "screenshots"
    number = resident_id(BORN, "female")
    await create_student(
        gateway, stack, name="先注册", id_number=number, gender="female", birth_date=BORN
    )
    late = await register_and_activate(gateway, stack)
    watched = await open_page(browser, phone=True)
    page = watched.page
    await sign_in(page, base, late.email, late.password)
    await eventually(
        lambda: home_says(page, "请完成实名注册"), timeout_s=30, what="real name asked"
    )
    await audit(watched, "student-home-realname", shots)
    await page.get_by_role("link", name="去实名注册").click()
    await page.get_by_label("姓名", exact=True).fill("后注册")
    await page.get_by_label("证件号码", exact=True).fill(number)
    await page.get_by_label("省份").fill("上海市")
    await page.get_by_label("城市").fill("上海市")
    await page.get_by_text("我单独同意处理我的证件号码").click()
    await page.get_by_role("button", name="提交").click()
    await page.get_by_text("该证件号码已被注册").wait_for()
    await audit(watched, "account-realname-taken", shots)

    await page.get_by_role("link", name="上传证件申请处理").click()
    await page.wait_for_url("**/student/id-case?kind=dispute")
    assert await page.get_by_role("radio", name="证件号码已被他人注册").is_checked()
    await file_case(page, number)
    await page.get_by_role("button", name="提交申请").click()
    await page.get_by_text("已提交，工单编号").wait_for()
    await page.goto(f"{base}/student")
    await page.get_by_role("heading", name="您的证件问题正在处理").wait_for()
    await audit(watched, "student-home-case-open", shots)


async def test_recovery_reset_and_english_for_visitors(
    browser: Browser, stack: StackEndpoints
) -> None:
    assert stack.gateway_url and stack.stack_dir
    base, shots = stack.gateway_url, stack.stack_dir / "screenshots"
    watched = await open_page(browser, phone=True)
    page = watched.page
    await page.goto(f"{base}/login")
    await page.get_by_role("link", name="忘记用户名或密码？").click()
    # the login form has a field of the same name: fill the recovery form's, once it is shown
    await page.get_by_role("heading", name="找回用户名或密码").wait_for()
    await page.get_by_label("电子邮箱（用户名）").fill("nobody@example.edu.cn")
    await page.get_by_role("button", name="发送重设密码邮件").click()
    await page.get_by_text("如果该邮箱已注册").wait_for()
    await audit(watched, "account-recover", shots)
    await page.get_by_role("tab", name="忘记用户名").click()
    await page.get_by_label("姓名").fill("无此人")
    await page.locator("#rec-idnumber").fill(resident_id(BORN, "male"))
    await page.get_by_role("button", name="找回用户名").click()
    await page.get_by_text("如果信息与某个账号一致").wait_for()

    await page.goto(f"{base}/reset.html?token=not-a-real-token")
    await page.get_by_label("新密码", exact=True).fill("New-pass-123")
    await page.get_by_label("确认新密码").fill("New-pass-123")
    await page.get_by_role("button", name="重设密码").click()
    await page.get_by_role("alert").get_by_text("链接无效").wait_for()
    await audit(watched, "account-reset", shots)

    await page.goto(f"{base}/")
    await page.get_by_role("button", name="English").click()
    await page.get_by_role("heading", name="Graduates' record and photo check").wait_for()
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.tagName") in {"A", "BUTTON", "INPUT"}
    await audit(watched, "account-start-en", shots)
