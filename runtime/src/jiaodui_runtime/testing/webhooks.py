"""A webhook receiver for tests, on a free local port: it records every request and
verifies each one with the published ``standardwebhooks`` package, as a campus system would
(not with the project's own signer). ``answer`` decides each response."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from standardwebhooks import Webhook, WebhookVerificationError


@dataclass(frozen=True)
class Received:
    webhook_id: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic()
    verified: bool
    attempt: int  # how many times this webhook-id arrived, this one included

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    delay_s: float = 0.0


Answer = Callable[[Received], Reply | Awaitable[Reply]]


class WebhookReceiver:
    def __init__(self, answer: Answer | None = None) -> None:
        self.answer: Answer = answer or (lambda _r: Reply())
        self.secrets: list[str] = []
        self.received: list[Received] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def verify_with(self, *secrets: str) -> None:
        """The ``whsec_`` secrets a request may be signed with (any of them will do)."""
        self.secrets = list(secrets)

    def _verified(self, body: bytes, headers: dict[str, str]) -> bool:
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, headers)
                return True
            except WebhookVerificationError:
                continue
        return False

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        webhook_id = headers.get("webhook-id", "")
        seen = sum(1 for r in self.received if r.webhook_id == webhook_id)
        got = Received(
            webhook_id, headers, body, time.monotonic(), self._verified(body, headers), seen + 1
        )
        self.received.append(got)
        reply = self.answer(got)
        if not isinstance(reply, Reply):
            reply = await reply
        if reply.delay_s:
            await asyncio.sleep(reply.delay_s)
        return web.Response(status=reply.status, headers=reply.headers, body=reply.body)

    async def start(self) -> WebhookReceiver:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def ids(self) -> set[str]:
        return {r.webhook_id for r in self.received}

    def of_type(self, event_type: str) -> list[Received]:
        return [r for r in self.received if r.event.get("type") == event_type]
