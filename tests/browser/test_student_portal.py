"""The student portal in headless Chromium (Debian's), through the gateway and the mail sink."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import resident_id
from jiaodui_runtime.testing.sinks import mails_to, text_of
from playwright.async_api import Browser

pytestmark = [pytest.mark.integration, pytest.mark.browser]


async def test_register_activate_real_name_and_log_in(
    browser: Browser, stack: StackEndpoints, shot: Any
) -> None:
    assert stack.gateway_url and stack.stack_dir
    mail_dir: Path = stack.stack_dir
    address = f"web-{uuid.uuid4().hex[:10]}@example.edu.cn"
    page = await browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    await page.goto(f"{stack.gateway_url}/register.html")
    form = page.locator("form").first
    await form.get_by_label("电子邮箱（用户名）").fill(address)
    await form.get_by_label("密码", exact=True).fill("Web-pass-123")
    await form.get_by_label("确认密码").fill("Web-pass-123")
    await form.get_by_label("我已阅读并同意用户协议").check()
    await shot(page, "01-register")
    await form.get_by_role("button", name="注册").click()
    await page.get_by_text("激活邮件已发送").first.wait_for()

    mails = await eventually(
        lambda: asyncio.to_thread(mails_to, mail_dir, address), what="activation mail"
    )
    link = next(word for word in text_of(mails[0]).split() if "token=" in word)
    assert link.startswith("http://localhost:8080/activate.html?token=")
    await page.goto(link.replace("http://localhost:8080", stack.gateway_url))
    await page.get_by_text("账号已激活").wait_for()
    await shot(page, "02-activated")

    await page.get_by_role("link", name="实名注册").first.click()
    born = date(2004, 6, 1)
    await page.get_by_label("姓名", exact=True).fill("网页测试")
    await page.get_by_label("性别").select_option("female")
    await page.get_by_label("证件号码", exact=True).fill(resident_id(born, "female"))
    await page.get_by_label("出生日期").fill(born.isoformat())
    await page.get_by_label("省份").fill("北京市")
    await page.get_by_label("城市").fill("北京市")
    await page.get_by_label("我单独同意处理").check()
    await shot(page, "03-realname")
    await page.get_by_role("button", name="提交").click()
    await page.get_by_text("实名注册完成").wait_for()

    await page.goto(f"{stack.gateway_url}/login.html")
    await page.get_by_label("电子邮箱（用户名）").fill(address)
    await page.get_by_label("密码", exact=True).fill("Web-pass-123")
    await page.get_by_role("button", name="登录").last.click()
    await page.wait_for_url("**/record.html")
    await shot(page, "04-record")
    assert errors == []


async def test_english_switch_and_keyboard_reachable_form(
    browser: Browser, stack: StackEndpoints, shot: Any
) -> None:
    assert stack.gateway_url
    page = await browser.new_page()
    await page.goto(f"{stack.gateway_url}/login.html")
    await page.get_by_role("button", name="English").click()
    await page.get_by_role("heading", name="Log in").wait_for()
    await page.keyboard.press("Tab")
    focused = await page.evaluate("document.activeElement.tagName")
    assert focused in {"A", "BUTTON", "INPUT"}
    await shot(page, "05-login-en")
