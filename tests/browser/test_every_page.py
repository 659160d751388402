"""Every demo account printed by `make run`: it lands on its own workbench, its navigation
holds only what its role may do, and every page it reaches from there passes the audit
(visible text without raw keys/ISO times/UUIDs, axe-core, CSP), in Chinese and in English."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from jiaodui_runtime.testing import StackEndpoints
from playwright.async_api import Browser

from tests.browser.portal import audit, open_page, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.browser]

HOME = {
    "student": "/student",
    "college_staff": "/college/errata",
    "registrar": "/registrar/imports",
    "photographer": "/photographer/batches",
    "support": "/support/cases",
    "ops": "/ops",
    "admin": "/admin/staff",
}
# what each role finds in its navigation, by path (DESIGN §2 roles)
NAV = {
    "student": {"/student", "/student/record", "/student/photos", "/student/errata",
                "/student/id-case", "/student/messages", "/student/reports"},
    "college_staff": {"/college/errata", "/college/reviews", "/college/students"},
    "registrar": {"/registrar/imports", "/registrar/windows", "/photographer/batches",
                  "/college/errata", "/college/reviews", "/college/students", "/subscribers"},
    "photographer": {"/photographer/batches"},
    "support": {"/support/cases"},
    "ops": {"/ops"},
    "admin": {"/admin/staff", "/registrar/imports", "/registrar/windows", "/ops",
              "/subscribers"},
}  # fmt: skip


def demo_accounts(stack: StackEndpoints) -> list[dict[str, Any]]:
    assert stack.stack_dir is not None
    path = stack.stack_dir / "credentials.json"
    if not path.exists():
        pytest.skip("no demo data (make run writes .stack/credentials.json)")
    data = json.loads(path.read_text())
    admin = {**data["admin"], "role": "admin"}
    students = [{**s, "role": "student"} for s in data["students"][:1]]
    return [admin, *data["staff"], *students]


def slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.strip("/")) or "home"


@pytest.mark.parametrize("role", list(HOME))
async def test_each_demo_account_works_from_its_navigation(
    browser: Browser, stack: StackEndpoints, role: str
) -> None:
    assert stack.gateway_url and stack.stack_dir
    account = next(a for a in demo_accounts(stack) if a["role"] == role)
    watched = await open_page(browser, phone=role == "student")
    page = watched.page
    await sign_in(page, stack.gateway_url, account["email"], account["password"])
    await page.wait_for_url(f"**{HOME[role]}")

    nav = page.get_by_role("navigation", name="菜单")
    if role == "student":  # phones open the navigation from the menu button
        await page.get_by_role("button", name="菜单").click()
        nav = page.get_by_role("dialog").get_by_role("navigation", name="菜单")
    entries = await nav.get_by_role("menuitem").all_inner_texts()
    assert len(entries) == len(NAV[role]), entries
    if role == "student":
        await page.keyboard.press("Escape")

    shots = stack.stack_dir / "screenshots"
    for path in sorted(NAV[role]):
        await page.goto(f"{stack.gateway_url}{path}")
        await page.get_by_role("heading", level=1).first.wait_for()
        assert page.url.endswith(path), f"{role} could not open {path}: {page.url}"
        await audit(watched, f"tour-{role}-{slug(path)}", shots)

    await page.get_by_role("button", name="English").click()
    await page.goto(f"{stack.gateway_url}{HOME[role]}")
    await page.get_by_role("heading", level=1).first.wait_for()
    await audit(watched, f"tour-{role}-en", shots)
    await page.context.close()
