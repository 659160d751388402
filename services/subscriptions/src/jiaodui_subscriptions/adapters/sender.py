"""The webhook sender: the SSRF guard around one HTTP POST.

The URL is checked by its syntax first (scheme, credentials, a well-formed host name, or a
literal address checked against the policy at once), so hostile input costs no lookup. A
name is then resolved with a short deadline (one not found is remembered for
``NOT_FOUND_TTL_S``, so the same bad name does not tie up resolver threads again); every
address it resolves to must pass the network policy, and the request goes to the checked
address (the ``Host`` header and TLS server name stay the URL's), so a name that
re-resolves elsewhere between check and connect (DNS rebinding) cannot redirect it. No
redirect is followed, no proxy from the environment is used, the whole exchange has one
deadline, and at most ``excerpt_bytes`` of the answer are read.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from jiaodui_subscriptions.domain.attempts import Answer, excerpt
from jiaodui_subscriptions.domain.network import (
    Address,
    NetworkPolicy,
    UrlNotAllowed,
    literal_address,
    parse_endpoint,
)

RESOLVE_TIMEOUT_S = 3.0
NOT_FOUND_TTL_S = 30.0
NOT_FOUND_MAX = 4096


@dataclass(frozen=True, slots=True)
class Sent:
    answer: Answer
    latency_ms: int
    excerpt: str | None


class WebhookSender:
    def __init__(self, policy: NetworkPolicy, *, timeout_s: float, excerpt_bytes: int) -> None:
        self._policy = policy
        self._timeout_s = timeout_s
        self._excerpt_bytes = excerpt_bytes
        self._http = httpx.AsyncClient(
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(timeout_s),
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        )
        self._not_found: dict[str, float] = {}  # host name → until (monotonic)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _resolve(self, host: str, port: int) -> list[Address]:
        literal = literal_address(host)
        if literal is not None:
            return [literal]
        if self._not_found.get(host, 0.0) > time.monotonic():
            raise UrlNotAllowed("host_not_found")
        try:
            async with asyncio.timeout(RESOLVE_TIMEOUT_S):
                infos = await asyncio.get_running_loop().getaddrinfo(
                    host, port, type=socket.SOCK_STREAM
                )
        except (OSError, UnicodeError, TimeoutError) as exc:
            self._remember_not_found(host)
            raise UrlNotAllowed("host_not_found") from exc
        found = sorted({str(info[4][0]) for info in infos})
        if not found:
            self._remember_not_found(host)
            raise UrlNotAllowed("host_not_found")
        return [ipaddress.ip_address(a.split("%")[0]) for a in found]

    def _remember_not_found(self, host: str) -> None:
        now = time.monotonic()
        if len(self._not_found) >= NOT_FOUND_MAX:
            self._not_found = {h: t for h, t in self._not_found.items() if t > now}
            if len(self._not_found) >= NOT_FOUND_MAX:
                self._not_found.clear()
        self._not_found[host] = now + NOT_FOUND_TTL_S

    async def check(self, url: str) -> Address:
        """The address to connect to, or :class:`UrlNotAllowed` (every address must pass)."""
        endpoint = parse_endpoint(url)  # syntax only: no lookup for a malformed URL
        addresses = await self._resolve(endpoint.host, endpoint.port)
        for address in addresses:
            reason = self._policy.refusal(address)
            if reason is not None:
                raise UrlNotAllowed(reason)
        return addresses[0]

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> Sent:
        started = time.monotonic()
        try:
            address = await self.check(url)
        except UrlNotAllowed as exc:
            return Sent(Answer(None, error=f"refused: {exc.reason}"), 0, None)
        parts = urlsplit(url)
        host_port = f"[{address}]" if address.version == 6 else str(address)
        if parts.port:
            host_port += f":{parts.port}"
        pinned = urlunsplit((parts.scheme, host_port, parts.path or "/", parts.query, ""))
        request = self._http.build_request(
            "POST",
            pinned,
            content=body,
            headers={**headers, "host": parts.netloc, "accept-encoding": "identity"},
            extensions={"sni_hostname": parts.hostname or ""},
        )
        try:
            async with asyncio.timeout(self._timeout_s):
                response = await self._http.send(request, stream=True)
                try:
                    data = await self._read_some(response)
                finally:
                    await response.aclose()
        except TimeoutError:
            return Sent(Answer(None, error="timeout"), self._ms(started), None)
        except httpx.HTTPError as exc:
            return Sent(Answer(None, error=type(exc).__name__), self._ms(started), None)
        answer = Answer(response.status_code, retry_after=response.headers.get("retry-after"))
        return Sent(answer, self._ms(started), excerpt(data, self._excerpt_bytes))

    async def _read_some(self, response: httpx.Response) -> bytes:
        data = b""
        async for chunk in response.aiter_raw():
            data += chunk
            if len(data) >= self._excerpt_bytes:
                break
        return data[: self._excerpt_bytes]

    @staticmethod
    def _ms(started: float) -> int:
        return int((time.monotonic() - started) * 1000)
