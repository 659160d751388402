"""Privacy scan of campus sign-on: the authorization code, state, nonce, CAS ticket, the
one-time hand-over code, the OIDC client secret and the session it ends in show up in no
log line (services, gateway) and no Kafka message written while two campus logins ran."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import pytest_asyncio
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import admin_credentials, create_staff, log_in, resident_id
from jiaodui_runtime.testing.campus_sso import (
    CasSpecServer,
    cas_login,
    oidc_login,
    start_oidc_provider,
)

from tests.e2e.journey_steps import RECORD_COLUMNS
from tests.security.privacy_secrets import Secrets
from tests.security.privacy_watch import (
    log_lines_since,
    log_marks,
    messages_since,
    topic_marks,
    wait_until_drained,
)

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
SSO = "/api/identity/v1/sso"
BORN = date(2002, 2, 2)
NAME = "隐私大学"


def _query(url: str, name: str) -> str:
    return parse_qs(urlsplit(url).query)[name][0]


def _handover(answer: httpx.Response) -> str:
    assert answer.status_code == 303, answer.text
    return parse_qs(urlsplit(answer.headers["location"]).fragment)["code"][0]


async def test_campus_logins_leak_no_code_ticket_or_token(stack: StackEndpoints) -> None:
    if stack.gateway_url is None or stack.stack_dir is None:
        pytest.skip("needs the running system with its logs")
    provider = start_oidc_provider()
    log_dir = stack.stack_dir / "logs"
    logs_before = log_marks(log_dir)
    topics_before = await topic_marks(stack.kafka_bootstrap)
    secrets = Secrets()
    code = f"P{uuid.uuid4().hex[:7]}"
    client_secret = f"oidc-secret-{uuid.uuid4().hex}"
    secrets.literal("OIDC client secret", client_secret)
    with CasSpecServer() as cas:
        async with (
            httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as gateway,
            httpx.AsyncClient(timeout=30) as browser,
        ):
            admin = {"Authorization": f"Bearer {await log_in(gateway, *admin_credentials(stack))}"}
            configured = await gateway.put(
                f"{SSO}/institutions/{code}",
                json={
                    "name": NAME,
                    "oidc": {
                        "issuer": f"{provider}/{code}",
                        "client_id": "portal",
                        "client_secret": client_secret,
                    },
                    "cas": {"server_url": cas.url},
                },
                headers=admin,
            )
            assert configured.status_code == 200, configured.text
            registrar = await create_staff(gateway, stack, role="registrar", institution_code=code)
            number = f"S{uuid.uuid4().hex[:9]}"
            row = (
                f"{code},隐私大学,{number},,钱多,male,汉族,{BORN.isoformat()},resident_id,"
                f"{resident_id(BORN, 'male')},信息学院,计算机系,软件工程,1班,本科,4,"
                "普通高等教育,全日制,2022-09-01,在籍,2026"
            )
            imported = await gateway.post(
                "/api/records/v1/imports",
                content=f"{RECORD_COLUMNS}\n{row}\n".encode(),
                headers={**registrar.headers, "Content-Type": "text/csv"},
            )
            assert imported.status_code == 202, imported.text

            async def oidc() -> httpx.Response | None:
                answer = await oidc_login(browser, stack, code, {"student_number": number})
                return None if "#error=" in answer.headers["location"] else answer

            answer = await eventually(oidc, timeout_s=120, interval_s=1.0, what="the roster")
            callback = str(answer.request.url)
            for name in ("code", "state"):
                secrets.literal(f"OIDC {name}", _query(callback, name))
            handover = _handover(answer)
            secrets.literal("hand-over code", handover)
            session = await gateway.post(f"{SSO}/sessions", json={"code": handover})
            assert session.status_code == 200, session.text
            secrets.jwt(session.json()["access_token"], issued_in="-")

            cas.log_in_as(number)
            answer, back = await cas_login(browser, stack, code)
            secrets.literal("CAS ticket", _query(back, "ticket"))
            secrets.literal("hand-over code (CAS)", _handover(answer))
            await browser.get(back)  # a replayed ticket: the failure names it, the log must not

    await wait_until_drained(stack.kafka_bootstrap, await topic_marks(stack.kafka_bootstrap))
    lines = list(log_lines_since(log_dir, logs_before))
    messages = await messages_since(stack.kafka_bootstrap, topics_before)
    assert any("/v1/sso/oidc/callback" in line.text for line in lines), "the scan saw no login"
    leaks = secrets.leaks([*lines, *messages])
    assert not leaks, f"{len(leaks)} leak(s):\n" + "\n".join(leaks[:50])


@pytest_asyncio.fixture(autouse=True)
async def switch_off_afterwards(stack: StackEndpoints) -> AsyncIterator[None]:
    """The institution the scan configured goes again (the login page lists them all)."""
    yield
    if stack.gateway_url is None:
        return
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as gateway:
        admin = {"Authorization": f"Bearer {await log_in(gateway, *admin_credentials(stack))}"}
        listed = (await gateway.get(f"{SSO}/institutions")).json()["items"]
        for item in listed:
            if item["name"] == NAME:
                await gateway.delete(
                    f"{SSO}/institutions/{item['institution_code']}", headers=admin
                )
