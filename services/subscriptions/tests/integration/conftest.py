"""Builders for subscriptions' integration tests: an institution of its own per test, a
webhook receiver started by the test, events put on Kafka as their producers publish them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest_asyncio
from jiaodui_contracts import CloudEvent
from jiaodui_contracts.photos import PhotoConfirmed, PhotoDisputed
from jiaodui_runtime.testing import StackEndpoints
from jiaodui_runtime.testing.accounts import admin_credentials, log_in
from jiaodui_runtime.testing.events import publish
from jiaodui_runtime.testing.webhooks import WebhookReceiver

API = "/api/subscriptions"
CONFIRMED = PhotoConfirmed.TYPE
DISPUTED = PhotoDisputed.TYPE
_tokens: dict[str, str] = {}


def confirmed(code: str, **fields: Any) -> PhotoConfirmed:
    values: dict[str, Any] = {
        "photo_id": str(uuid.uuid4()), "record_id": str(uuid.uuid4()),
        "account_id": str(uuid.uuid4()), "institution_code": code, "branch": "信息学院",
        "kind": "graduation", "confirmed_at": datetime.now(UTC),
    }  # fmt: skip
    return PhotoConfirmed(**{**values, **fields})


def disputed(code: str) -> PhotoDisputed:
    return PhotoDisputed(
        photo_id=str(uuid.uuid4()), record_id=str(uuid.uuid4()), account_id=str(uuid.uuid4()),
        institution_code=code, branch="信息学院", kind="graduation", reason="不是我",
        disputed_at=datetime.now(UTC),
    )  # fmt: skip


@dataclass
class Campus:
    """One institution of its own, the admin's token, and the gateway."""

    gateway: httpx.AsyncClient
    stack: StackEndpoints
    admin: dict[str, str]
    code: str

    async def register(
        self,
        receiver: WebhookReceiver | None = None,
        *,
        url: str | None = None,
        types: list[str] | None = None,
        headers: dict[str, str] | None = None,
        owner_email: str | None = None,
    ) -> dict[str, Any]:
        answer = await self.gateway.post(
            f"{API}/v1/subscribers",
            json={
                "name": f"印制系统 {uuid.uuid4().hex[:6]}",
                "owner_email": owner_email or f"owner-{uuid.uuid4().hex[:8]}@campus.example.edu.cn",
                "url": url or (receiver.url if receiver else "http://127.0.0.1:9/hook"),
                "event_types": types or [CONFIRMED],
                "institution_code": self.code,
            },
            headers=headers or self.admin,
        )
        assert answer.status_code == 201, answer.text
        made: dict[str, Any] = answer.json()
        if receiver is not None:
            receiver.verify_with(made["secret"])
        return made

    async def publish(self, *payloads: Any) -> list[CloudEvent]:
        return await publish(self.stack.kafka_bootstrap, *payloads)

    async def deliveries(self, subscriber_id: str, **params: Any) -> list[dict[str, Any]]:
        answer = await self.gateway.get(
            f"{API}/v1/subscribers/{subscriber_id}/deliveries", params=params, headers=self.admin
        )
        assert answer.status_code == 200, answer.text
        items: list[dict[str, Any]] = answer.json()["items"]
        return items

    async def subscriber(self, subscriber_id: str) -> dict[str, Any]:
        answer = await self.gateway.get(f"{API}/v1/subscribers/{subscriber_id}", headers=self.admin)
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    async def client_token(self, client_id: str, client_secret: str) -> httpx.Response:
        return await self.gateway.post(
            "/api/identity/v1/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": client_secret,
            },
        )


async def admin_headers(gateway: httpx.AsyncClient, stack: StackEndpoints) -> dict[str, str]:
    if "admin" not in _tokens:
        _tokens["admin"] = await log_in(gateway, *admin_credentials(stack))
    return {"Authorization": f"Bearer {_tokens['admin']}"}


@pytest_asyncio.fixture
async def campus(gateway: httpx.AsyncClient, stack: StackEndpoints) -> Campus:
    return Campus(gateway, stack, await admin_headers(gateway, stack), f"W{uuid.uuid4().hex[:8]}")


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    started = await WebhookReceiver().start()
    yield started
    await started.stop()
