"""The walking skeleton, through the gateway: register → notify.requests → SMTP → .eml."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.sinks import link_token, mails_to

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
SERVICES = ("identity", "records", "photos", "notify", "corrections")


async def test_every_service_answers_through_the_gateway(gateway: httpx.AsyncClient) -> None:
    for name in SERVICES:
        health = await gateway.get(f"/api/{name}/healthz")
        assert health.status_code == 200, name
        ready = await gateway.get(f"/api/{name}/readyz")
        assert ready.status_code == 200, (name, ready.text)
        assert ready.json()["checks"] == {"database": True, "redis": True, "kafka": True}


async def test_registration_delivers_an_activation_mail_whose_link_activates(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    assert stack.stack_dir is not None
    address = f"student-{uuid.uuid4().hex[:12]}@example.edu.cn"
    answer = await gateway.post(
        "/api/identity/v1/accounts",
        json={
            "email": address,
            "password": "s3cret!pw",
            "password_confirm": "s3cret!pw",
            "accept_terms": True,
        },
    )
    assert answer.status_code == 202, answer.text

    async def activation_mail() -> list[object]:
        return await asyncio.to_thread(mails_to, stack.stack_dir, address)  # type: ignore[arg-type]

    mails = await eventually(activation_mail, timeout_s=30, what="the activation mail")
    assert len(mails) == 1
    token = link_token(mails[0])  # type: ignore[arg-type]
    assert token

    activated = await gateway.post("/api/identity/v1/accounts/activate", json={"token": token})
    assert activated.status_code == 200, activated.text
    body = activated.json()
    assert body["status"] == "email_verified" and body["access_token"]

    again = await gateway.post("/api/identity/v1/accounts/activate", json={"token": token})
    assert again.status_code == 410
    assert again.headers["content-type"].startswith("application/problem+json")
    assert again.json()["code"] == "activation_token_invalid"


async def test_registering_twice_answers_the_same_and_sends_a_notice(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    assert stack.stack_dir is not None
    address = f"twice-{uuid.uuid4().hex[:12]}@example.com"
    form = {
        "email": address,
        "password": "abc123!",
        "password_confirm": "abc123!",
        "accept_terms": True,
    }
    first = await gateway.post("/api/identity/v1/accounts", json=form)
    mails = await eventually(
        lambda: asyncio.to_thread(mails_to, stack.stack_dir, address),
        what="activation mail",  # type: ignore[arg-type]
    )
    token = link_token(mails[0])
    assert (
        await gateway.post("/api/identity/v1/accounts/activate", json={"token": token})
    ).status_code == 200
    second = await gateway.post("/api/identity/v1/accounts", json=form)
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()
    notices = await eventually(
        lambda: asyncio.to_thread(
            lambda: [m for m in mails_to(stack.stack_dir, address) if link_token(m) is None]  # type: ignore[arg-type]
        ),
        what="the existing-account notice",
    )
    assert len(notices) == 1


async def test_bad_registration_input_is_a_problem_never_a_500(gateway: httpx.AsyncClient) -> None:
    cases = [
        (
            {
                "email": "not-an-address",
                "password": "abc123",
                "password_confirm": "abc123",
                "accept_terms": True,
            },
            "email_invalid",
        ),
        (
            {"email": "a@b.cn", "password": "abc", "password_confirm": "abc", "accept_terms": True},
            "password_length",
        ),
        (
            {
                "email": "a@b.cn",
                "password": "abc123",
                "password_confirm": "abc124",
                "accept_terms": True,
            },
            "password_mismatch",
        ),
        (
            {
                "email": "a@b.cn",
                "password": "abc123",
                "password_confirm": "abc123",
                "accept_terms": False,
            },
            "terms_not_accepted",
        ),
        ({"email": "a@b.cn"}, "validation_failed"),
    ]
    for body, code in cases:
        answer = await gateway.post("/api/identity/v1/accounts", json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["code"] == code
        assert "abc12" not in answer.text  # passwords are never echoed
    broken = await gateway.post(
        "/api/identity/v1/accounts",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert broken.status_code == 422
