"""Campus single sign-on through the gateway: OIDC against the test stack's real provider
(mock-oauth2-server), CAS 3.0 against the specification's documented answers."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

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
from jiaodui_runtime.testing.campus_sso import (
    CasSpecServer,
    cas_login,
    oidc_login,
    public_url,
    start_oidc_provider,
)

from tests.e2e.journey_steps import RECORD_COLUMNS, photo_archive, put_windows

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
SSO = "/api/identity/v1/sso"
BORN = date(2003, 3, 3)
COHORT = "2026"


@pytest.fixture(scope="session")
def oidc_provider() -> str:
    return start_oidc_provider()


@pytest.fixture(scope="module")
def cas_server() -> Iterator[CasSpecServer]:
    with CasSpecServer() as server:
        yield server


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[httpx.AsyncClient]:
    """A browser: its own cookies, redirects followed by hand so that each step is seen."""
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def fragment(response: httpx.Response) -> dict[str, str]:
    location = response.headers["location"]
    assert "?" not in location.split("#")[0].rsplit("/", 1)[-1], location  # nothing in a query
    return {k: v[0] for k, v in parse_qs(urlsplit(location).fragment).items()}


async def admin(gateway: httpx.AsyncClient, stack: StackEndpoints) -> dict[str, str]:
    return bearer(await log_in(gateway, *admin_credentials(stack)))


CONFIGURED: list[str] = []


@pytest_asyncio.fixture(autouse=True)
async def switch_off_afterwards(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> AsyncIterator[None]:
    """The institutions a test configured are switched off after it: the portal's login page
    lists every configured institution."""
    yield
    headers = await admin(gateway, stack)
    while CONFIGURED:
        await gateway.delete(f"{SSO}/institutions/{CONFIGURED.pop()}", headers=headers)


async def configure(
    gateway: httpx.AsyncClient, stack: StackEndpoints, code: str, **protocols: Any
) -> None:
    CONFIGURED.append(code)
    answer = await gateway.put(
        f"{SSO}/institutions/{code}",
        json={"name": "统一认证大学", **protocols},
        headers=await admin(gateway, stack),
    )
    assert answer.status_code == 200, answer.text
    assert "client_secret" not in answer.text


def oidc_settings(provider: str, code: str) -> dict[str, str]:
    return {
        "issuer": f"{provider}/{code}",
        "client_id": "jiaodui-portal",
        "client_secret": f"secret-{uuid.uuid4().hex}",
        "number_claim": "student_number",
    }


async def roster_row(
    gateway: httpx.AsyncClient, registrar: dict[str, str], code: str, number: str, **person: str
) -> None:
    row = (
        f"{code},统一认证大学,{number},,{person['name']},{person['gender']},汉族,"
        f"{BORN.isoformat()},resident_id,{person['id_number']},信息学院,计算机系,软件工程,1班,"
        f"本科,4,普通高等教育,全日制,2022-09-01,在籍,{COHORT}"
    )
    answer = await gateway.post(
        "/api/records/v1/imports",
        content=f"{RECORD_COLUMNS}\n{row}\n".encode(),
        headers={**registrar, "Content-Type": "text/csv"},
    )
    assert answer.status_code == 202, answer.text


async def session_from(gateway: httpx.AsyncClient, answer: httpx.Response) -> dict[str, Any]:
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].startswith(f"{public_url_of(answer)}/sso/done#code=")
    handed = await gateway.post(f"{SSO}/sessions", json={"code": fragment(answer)["code"]})
    assert handed.status_code == 200, handed.text
    again = await gateway.post(f"{SSO}/sessions", json={"code": fragment(answer)["code"]})
    assert again.status_code == 400 and again.json()["code"] == "sso_code_invalid"
    body: dict[str, Any] = handed.json()
    return body


def public_url_of(answer: httpx.Response) -> str:
    parts = urlsplit(str(answer.request.url))
    return f"{parts.scheme}://{parts.netloc}"


async def me(gateway: httpx.AsyncClient, token: str) -> dict[str, Any]:
    answer = await gateway.get("/api/identity/v1/me", headers=bearer(token))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def rostered_school(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> tuple[str, dict[str, str], dict[str, str]]:
    code = f"C{uuid.uuid4().hex[:7]}"
    registrar = await create_staff(gateway, stack, role="registrar", institution_code=code)
    photographer = await create_staff(gateway, stack, role="photographer", institution_code=code)
    return code, registrar.headers, photographer.headers


async def until_on_roster(
    browser: httpx.AsyncClient, stack: StackEndpoints, code: str, claims: dict[str, Any]
) -> httpx.Response:
    """The first campus login once identity's replica has the roster row (records publishes
    it, identity consumes it): refused with sso_not_in_roster until then."""

    async def attempt() -> httpx.Response | None:
        answer = await oidc_login(browser, stack, code, claims)
        return None if fragment(answer).get("error") == "sso_not_in_roster" else answer

    return await eventually(attempt, timeout_s=120, interval_s=1.0, what="the roster in identity")


async def test_a_student_signs_in_through_the_campus_provider_and_confirms_a_photo(
    gateway: httpx.AsyncClient,
    stack: StackEndpoints,
    browser: httpx.AsyncClient,
    oidc_provider: str,
) -> None:
    code, registrar, photographer = await rostered_school(gateway, stack)
    await configure(gateway, stack, code, oidc=oidc_settings(oidc_provider, code))
    number, name, id_number = f"S{uuid.uuid4().hex[:9]}", "林晓", resident_id(BORN, "female")
    await roster_row(
        gateway, registrar, code, number, name=name, gender="female", id_number=id_number
    )
    await put_windows(gateway, registrar, code, COHORT, phase="confirm")
    email = f"{number.lower()}@campus.edu.cn"
    claims = {"student_number": number, "email": email, "email_verified": True}

    first = await session_from(gateway, await until_on_roster(browser, stack, code, claims))
    profile = await me(gateway, first["access_token"])
    assert profile["email"] == email and profile["status"] == "email_verified"

    # real-name registration: the same rules as for everyone (a campus e-mail needs no SMS)
    form = {
        "name": name, "gender": "female", "id_type": "resident_id", "id_number": id_number,
        "birth_date": BORN.isoformat(), "province": "浙江省", "city": "杭州市",
        "consent_sensitive": True,
    }  # fmt: skip
    wrong = await gateway.put(
        "/api/identity/v1/me/realname",
        json={**form, "id_number": id_number[:-1] + ("0" if id_number[-1] != "0" else "1")},
        headers=bearer(first["access_token"]),
    )
    assert wrong.status_code == 422 and wrong.json()["code"] == "id_number_invalid"
    done = await gateway.put(
        "/api/identity/v1/me/realname", json=form, headers=bearer(first["access_token"])
    )
    assert done.status_code == 200, done.text

    # the second campus login opens the same account, now active
    second = await session_from(gateway, await oidc_login(browser, stack, code, claims))
    assert (await me(gateway, second["access_token"]))["account_id"] == profile["account_id"]
    student = bearer(second["access_token"])

    manifest = (
        "file,kind,institution_code,name,id_type,id_number,student_number\n"
        f"g.jpg,graduation,{code},{name},resident_id,{id_number},{number}\n"
    )
    batch = await gateway.post(
        "/api/photos/v1/batches",
        headers=photographer,
        files={
            "manifest": ("m.csv", manifest.encode(), "text/csv"),
            "archive": ("a.zip", photo_archive(), "application/zip"),
        },
    )
    assert batch.status_code == 202, batch.text

    async def graduation_photo() -> str | None:
        answer = await gateway.get("/api/photos/v1/me/photos", headers=student)
        assert answer.status_code == 200, answer.text
        for item in answer.json():
            slot = item.get("graduation") or {}
            if slot.get("photo_id") and slot.get("check") in (None, "passed", "accepted"):
                return str(slot["photo_id"])
        return None

    photo_id = await eventually(graduation_photo, timeout_s=90, what="the linked photo")
    confirmed = await gateway.post(f"/api/photos/v1/photos/{photo_id}/confirm", headers=student)
    assert confirmed.status_code == 200, confirmed.text


async def test_a_student_who_registered_with_a_password_is_linked_not_duplicated(
    gateway: httpx.AsyncClient,
    stack: StackEndpoints,
    browser: httpx.AsyncClient,
    oidc_provider: str,
) -> None:
    code, registrar, _ = await rostered_school(gateway, stack)
    await configure(gateway, stack, code, oidc=oidc_settings(oidc_provider, code))
    number, name, id_number = f"S{uuid.uuid4().hex[:9]}", "王磊", resident_id(BORN, "male")
    await roster_row(
        gateway, registrar, code, number, name=name, gender="male", id_number=id_number
    )
    student = await create_student(
        gateway, stack, name=name, id_number=id_number, gender="male", birth_date=BORN
    )
    answer = await until_on_roster(browser, stack, code, {"student_number": number})
    session = await session_from(gateway, answer)
    profile = await me(gateway, session["access_token"])
    assert profile["account_id"] == student.account_id and profile["status"] == "active"
    # password login stays available
    assert await log_in(gateway, student.email, student.password)


async def test_state_nonce_and_pkce_mismatches_are_refused(
    gateway: httpx.AsyncClient,
    stack: StackEndpoints,
    browser: httpx.AsyncClient,
    oidc_provider: str,
) -> None:
    code = f"C{uuid.uuid4().hex[:7]}"
    await configure(gateway, stack, code, oidc=oidc_settings(oidc_provider, code))
    public = public_url(stack)
    problem = {"Accept": "application/problem+json"}

    # a forged nonce in the ID token
    forged = await oidc_login(browser, stack, code, {"student_number": "1", "nonce": "forged"})
    assert fragment(forged) == {"error": "sso_nonce_mismatch"}

    # a callback this browser did not start (login CSRF): no cookie, or another state
    start = await browser.get(f"{public}{SSO}/{code}/oidc/login")
    authorize = start.headers["location"]
    signed = await browser.post(authorize, data={"username": "u", "claims": "{}"})
    callback = signed.headers["location"]
    async with httpx.AsyncClient(timeout=30) as stranger:
        other = await stranger.get(callback, headers=problem)
    assert other.status_code == 400 and other.json()["code"] == "sso_state_invalid"
    state = parse_qs(urlsplit(callback).query)["state"][0]
    tampered = await browser.get(callback.replace(state, state[:-2] + "xx"), headers=problem)
    assert tampered.status_code == 400 and tampered.json()["code"] == "sso_state_invalid"

    # PKCE: flow A's code redeemed with flow B's state (so B's verifier) is refused by the
    # provider; and a state is good once
    flow_a = await browser.get(f"{public}{SSO}/{code}/oidc/login")
    code_a = await browser.post(flow_a.headers["location"], data={"username": "u", "claims": "{}"})
    flow_b = await browser.get(f"{public}{SSO}/{code}/oidc/login")
    state_b = parse_qs(urlsplit(flow_b.headers["location"]).query)["state"][0]
    code_of_a = parse_qs(urlsplit(code_a.headers["location"]).query)["code"][0]
    swapped = await browser.get(
        f"{public}{SSO}/oidc/callback",
        params={"code": code_of_a, "state": state_b},
        headers=problem,
    )
    assert swapped.status_code == 401 and swapped.json()["code"] == "sso_code_rejected"
    replayed = await browser.get(
        f"{public}{SSO}/oidc/callback",
        params={"code": code_of_a, "state": state_b},
        headers=problem,
    )
    assert replayed.status_code == 400 and replayed.json()["code"] == "sso_state_invalid"

    # the provider says no: a problem, not a login
    flow = await browser.get(f"{public}{SSO}/{code}/oidc/login")
    state = parse_qs(urlsplit(flow.headers["location"]).query)["state"][0]
    denied = await browser.get(
        f"{public}{SSO}/oidc/callback", params={"error": "access_denied", "state": state}
    )
    assert fragment(denied) == {"error": "sso_provider_error"}


async def test_unknown_institutions_and_numbers_off_the_roster(
    gateway: httpx.AsyncClient,
    stack: StackEndpoints,
    browser: httpx.AsyncClient,
    oidc_provider: str,
) -> None:
    for protocol in ("oidc", "cas"):
        answer = await gateway.get(f"{SSO}/NOPE{uuid.uuid4().hex[:6]}/{protocol}/login")
        assert answer.status_code == 404 and answer.json()["code"] == "sso_institution_unknown"
    code = f"C{uuid.uuid4().hex[:7]}"
    await configure(gateway, stack, code, oidc=oidc_settings(oidc_provider, code))
    cas_only = await gateway.get(f"{SSO}/{code}/cas/login")
    assert cas_only.status_code == 404 and cas_only.json()["code"] == "sso_institution_unknown"
    listed = (await gateway.get(f"{SSO}/institutions")).json()["items"]
    assert {"institution_code": code, "name": "统一认证大学", "protocols": ["oidc"]} in listed

    stranger = await oidc_login(browser, stack, code, {"student_number": "S-NOT-THERE"})
    assert fragment(stranger) == {"error": "sso_not_in_roster"}
    nameless = await oidc_login(browser, stack, code, {"email": "x@campus.edu.cn"})
    assert fragment(nameless) == {"error": "sso_number_missing"}


async def test_cas_logins_with_the_specifications_answers(
    gateway: httpx.AsyncClient,
    stack: StackEndpoints,
    browser: httpx.AsyncClient,
    cas_server: CasSpecServer,
) -> None:
    code, registrar, _ = await rostered_school(gateway, stack)
    cas = {"server_url": cas_server.url, "number_attribute": "employeeNumber"}
    await configure(gateway, stack, code, cas=cas)
    number = f"S{uuid.uuid4().hex[:9]}"
    await roster_row(
        gateway, registrar, code, number, name="赵敏", gender="female",
        id_number=resident_id(BORN, "female"),
    )  # fmt: skip
    cas_server.log_in_as(f"u{number}", employeeNumber=number, mail=f"{number}@cas.edu.cn")

    async def success() -> httpx.Response | None:
        answer, _ = await cas_login(browser, stack, code)
        return None if fragment(answer).get("error") == "sso_not_in_roster" else answer

    answer = await eventually(success, timeout_s=120, interval_s=1.0, what="the roster in identity")
    session = await session_from(gateway, answer)
    assert (await me(gateway, session["access_token"]))["email"] == f"{number.lower()}@cas.edu.cn"
    validation = cas_server.validations[-1]
    assert validation["service"] == f"{public_url(stack)}{SSO}/cas/callback?institution={code}"

    # the same ticket twice: INVALID_TICKET from the server, sso_ticket_invalid here
    _, back = await cas_login(browser, stack, code)
    await browser.get(back)
    start = await browser.get(f"{public_url(stack)}{SSO}/{code}/cas/login")
    assert start.status_code == 303
    replay = await browser.get(back, headers={"Accept": "application/problem+json"})
    assert replay.status_code == 401
    assert replay.json()["code"] == "sso_ticket_invalid"
    assert replay.json()["cas_code"] == "INVALID_TICKET"

    # a ticket issued for another service: INVALID_SERVICE
    await browser.get(f"{public_url(stack)}{SSO}/{code}/cas/login")
    foreign = cas_server.issue("https://elsewhere.example.edu.cn/app")
    other = await browser.get(
        f"{public_url(stack)}{SSO}/cas/callback",
        params={"institution": code, "ticket": foreign},
        headers={"Accept": "application/problem+json"},
    )
    assert other.status_code == 401 and other.json()["cas_code"] == "INVALID_SERVICE"

    # no cookie from this browser: refused before the CAS server is asked
    async with httpx.AsyncClient(timeout=30) as stranger:
        ticket = cas_server.issue(validation["service"])
        before = len(cas_server.validations)
        refused = await stranger.get(
            f"{public_url(stack)}{SSO}/cas/callback", params={"institution": code, "ticket": ticket}
        )
    assert fragment(refused) == {"error": "sso_state_invalid"}
    assert len(cas_server.validations) == before


async def test_staff_sign_in_by_the_staff_number_an_admin_linked(
    gateway: httpx.AsyncClient,
    stack: StackEndpoints,
    browser: httpx.AsyncClient,
    cas_server: CasSpecServer,
) -> None:
    code = f"C{uuid.uuid4().hex[:7]}"
    await configure(gateway, stack, code, cas={"server_url": cas_server.url})
    registrar = await create_staff(gateway, stack, role="registrar", institution_code=code)
    staff_number = f"T{uuid.uuid4().hex[:8]}"
    headers = await admin(gateway, stack)
    linked = await gateway.put(
        f"{SSO}/staff-links/{registrar.account_id}",
        json={"staff_number": staff_number},
        headers=headers,
    )
    assert linked.status_code == 200, linked.text
    assert linked.json()["institution_code"] == code

    cas_server.log_in_as(staff_number)  # the CAS user name is the number here
    answer, _ = await cas_login(browser, stack, code)
    session = await session_from(gateway, answer)
    profile = await me(gateway, session["access_token"])
    assert profile["account_id"] == registrar.account_id and profile["role"] == "registrar"

    disabled = await gateway.patch(
        f"/api/identity/v1/staff/{registrar.account_id}", json={"disabled": True}, headers=headers
    )
    assert disabled.status_code == 200, disabled.text
    answer, _ = await cas_login(browser, stack, code)
    refused = await gateway.post(f"{SSO}/sessions", json={"code": fragment(answer)["code"]})
    assert refused.status_code == 423 and refused.json()["code"] == "account_disabled"
