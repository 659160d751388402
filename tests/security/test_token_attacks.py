"""Every authenticated route of the table refuses, with 401 ``unauthenticated``: no token, a
malformed one, an expired one, ``alg: none``, one signed by another Ed25519 key under the
real kid, one whose claims were raised to admin, HS256 keyed with the public key, and a
token whose session was ended. Controls: the real token and an honest copy signed with
identity's key are accepted, so each refusal comes from what the attack changed."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from jiaodui_runtime.testing import StackEndpoints
from jiaodui_runtime.testing.accounts import Account, create_staff, log_in
from jiaodui_runtime.testing.openapi import Route

from tests.security.access_table import TABLE
from tests.security.token_forgery import FORGERIES, Forger, kid_of, signing_key

pytestmark = [pytest.mark.integration]
AUTHENTICATED = [Route(r.service, r.method, r.path) for r in TABLE if r.authenticated]
PATH_VALUES = {"institution_code": "X", "cohort": "2026"}  # ids: fresh UUIDs


@pytest_asyncio.fixture(scope="module")
async def registrar(stack: StackEndpoints) -> AsyncIterator[Account]:
    if stack.gateway_url is None:
        pytest.skip("no gateway: the system is not running on this stack")
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as client:
        code = f"T{uuid.uuid4().hex[:8]}"
        yield await create_staff(client, stack, role="registrar", institution_code=code)


async def forger_for(token: str, stack: StackEndpoints) -> Forger:
    return Forger(token, await signing_key(stack.dsn_for("identity"), kid_of(token)))


async def ended_session(gateway: httpx.AsyncClient, account: Account) -> str:
    token = await log_in(gateway, account.email, account.password)
    ended = await gateway.delete(
        "/api/identity/v1/sessions/current", headers={"Authorization": f"Bearer {token}"}
    )
    assert ended.status_code == 204, ended.text
    return token


async def not_refused(gateway: httpx.AsyncClient, headers: dict[str, str]) -> list[str]:
    """The authenticated routes that did not answer 401 ``unauthenticated``."""

    async def one(route: Route) -> str | None:
        path = route.gateway_path(PATH_VALUES)
        answer = await gateway.request(route.method, path, headers=headers)
        code = answer.json().get("code") if answer.status_code == 401 else None
        return None if code == "unauthenticated" else f"{route}: {answer.status_code}"

    return [miss for miss in await asyncio.gather(*map(one, AUTHENTICATED)) if miss]


@pytest.mark.parametrize("attack", ["no_token", *FORGERIES, "logged_out"])
async def test_every_authenticated_route_refuses(
    gateway: httpx.AsyncClient, stack: StackEndpoints, registrar: Account, attack: str
) -> None:
    if attack == "no_token":
        headers = {}
    elif attack == "logged_out":
        headers = {"Authorization": f"Bearer {await ended_session(gateway, registrar)}"}
    else:
        forged = (await forger_for(registrar.token, stack)).forge(attack)
        headers = {"Authorization": f"Bearer {forged}"}
    assert await not_refused(gateway, headers) == []


async def test_the_real_token_and_an_honest_copy_are_accepted(
    gateway: httpx.AsyncClient, stack: StackEndpoints, registrar: Account
) -> None:
    honest = (await forger_for(registrar.token, stack)).valid_copy()
    for token in (registrar.token, honest):
        me = await gateway.get("/api/identity/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200, me.text
        assert me.json()["role"] == "registrar"
