"""Campus single sign-on in the portal: the login page's button, the campus provider's own
login form (mock-oauth2-server, the test stack's real OIDC provider), and the landing page
that signs the student in; a student number off the roster gets a sentence, not a session."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
import pytest_asyncio
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import (
    admin_credentials,
    create_staff,
    create_student,
    log_in,
    resident_id,
)
from jiaodui_runtime.testing.campus_sso import public_url, start_oidc_provider
from playwright.async_api import Browser, Page, expect

from tests.browser.portal import audit, open_page
from tests.e2e.journey_steps import RECORD_COLUMNS

pytestmark = [pytest.mark.integration, pytest.mark.browser]
BORN = date(2003, 5, 5)
# the provider's own login page asks the internet for a style sheet (not ours to audit): no
# name service (ERR_NAME_NOT_RESOLVED) or no network at all (ERR_INTERNET_DISCONNECTED)
PROVIDER_PAGE = re.compile(
    r"Failed to load resource: net::ERR_(NAME_NOT_RESOLVED|INTERNET_DISCONNECTED)$"
)
# the landing page either moved on into the portal or explained why not
ENDED = "() => location.pathname === '/student' || document.body.innerText.includes('没有完成登录')"


@pytest.fixture(scope="session")
def oidc_provider() -> str:
    return start_oidc_provider()


@pytest_asyncio.fixture
async def campus(
    gateway: httpx.AsyncClient, stack: StackEndpoints, oidc_provider: str
) -> AsyncIterator[str]:
    """An institution with campus sign-on for one test, switched off afterwards (the login
    page lists every configured institution)."""
    code = f"B{uuid.uuid4().hex[:7]}"
    admin = {"Authorization": f"Bearer {await log_in(gateway, *admin_credentials(stack))}"}
    answer = await gateway.put(
        f"/api/identity/v1/sso/institutions/{code}",
        json={
            "name": f"网页统一认证大学 {code}",
            "oidc": {"issuer": f"{oidc_provider}/{code}", "client_id": "p", "client_secret": "s"},
        },
        headers=admin,
    )
    assert answer.status_code == 200, answer.text
    yield code
    admin = {"Authorization": f"Bearer {await log_in(gateway, *admin_credentials(stack))}"}
    await gateway.delete(f"/api/identity/v1/sso/institutions/{code}", headers=admin)


async def sign_in_at_campus(page: Page, base: str, code: str, claims: dict[str, str]) -> None:
    """From the portal's login page through the provider's form and back."""
    await page.goto(f"{base}/login")
    button = page.get_by_role("link", name=re.compile("校园统一身份认证登录"))
    await button.and_(page.locator(f'[href*="/sso/{code}/"]')).click()
    await page.locator("input[name=username]").fill("campus-user")
    await page.locator("textarea[name=claims]").fill(json.dumps(claims))
    await page.get_by_role("button", name="Sign-in").click()


async def test_a_registered_student_signs_in_through_the_campus(
    browser: Browser, gateway: httpx.AsyncClient, stack: StackEndpoints, campus: str
) -> None:
    assert stack.stack_dir is not None
    base, shots, code = public_url(stack), stack.stack_dir / "screenshots", campus
    registrar = await create_staff(gateway, stack, role="registrar", institution_code=code)
    number, name, id_number = f"S{uuid.uuid4().hex[:9]}", "沈悦", resident_id(BORN, "female")
    row = (
        f"{code},网页统一认证大学,{number},,{name},female,汉族,{BORN.isoformat()},resident_id,"
        f"{id_number},信息学院,计算机系,软件工程,1班,本科,4,普通高等教育,全日制,2022-09-01,"
        "在籍,2026"
    )
    imported = await gateway.post(
        "/api/records/v1/imports",
        content=f"{RECORD_COLUMNS}\n{row}\n".encode(),
        headers={**registrar.headers, "Content-Type": "text/csv"},
    )
    assert imported.status_code == 202, imported.text
    await create_student(
        gateway, stack, name=name, id_number=id_number, gender="female", birth_date=BORN
    )

    watched = await open_page(browser)
    page = watched.page

    async def landed() -> bool:
        await sign_in_at_campus(page, base, code, {"student_number": number})
        await page.wait_for_function(ENDED)
        return "/student" in page.url

    assert await eventually(landed, timeout_s=120, interval_s=1.0, what="the roster in identity")
    assert "#" not in page.url and "code=" not in page.url
    token = await page.evaluate("() => sessionStorage.getItem('jiaodui.token')")
    assert token and token.count(".") == 2
    watched.problems = [p for p in watched.problems if not PROVIDER_PAGE.search(p)]
    await audit(watched, "sso-student-home", shots)


async def test_a_number_off_the_roster_gets_a_sentence(
    browser: Browser, gateway: httpx.AsyncClient, stack: StackEndpoints, campus: str
) -> None:
    assert stack.stack_dir is not None
    base, shots = public_url(stack), stack.stack_dir / "screenshots"
    watched = await open_page(browser, phone=True)
    page = watched.page
    await sign_in_at_campus(page, base, campus, {"student_number": "S-NOWHERE"})
    await page.wait_for_function(ENDED)
    await expect(page.get_by_text("学校名单中没有您的学号")).to_be_visible()
    assert page.url.endswith("/sso/done")
    assert await page.evaluate("() => sessionStorage.getItem('jiaodui.token')") is None
    watched.problems = [p for p in watched.problems if not PROVIDER_PAGE.search(p)]
    await audit(watched, "sso-not-in-roster", shots)
