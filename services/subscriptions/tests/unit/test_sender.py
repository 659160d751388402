"""The SSRF guard's adapter: a malformed URL or a literal address costs no name lookup, and a
name that was not found is not looked up again for a while."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from jiaodui_subscriptions.adapters.sender import WebhookSender
from jiaodui_subscriptions.domain.network import NetworkPolicy, UrlNotAllowed


class CountingResolver:
    def __init__(self, answer: list[Any] | None) -> None:
        self.asked: list[str] = []
        self.answer = answer

    async def __call__(self, host: str, port: int, **_kw: Any) -> list[Any]:
        self.asked.append(host)
        if self.answer is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self.answer


@pytest.fixture
async def sender() -> Any:
    made = WebhookSender(
        NetworkPolicy.of(["10.0.0.0/8"], allow_loopback=False), timeout_s=1, excerpt_bytes=64
    )
    yield made
    await made.aclose()


def _use(monkeypatch: pytest.MonkeyPatch, resolver: CountingResolver) -> None:
    loop = asyncio.get_running_loop()
    monkeypatch.setattr(loop, "getaddrinfo", resolver)


async def _reason(sender: WebhookSender, url: str) -> str:
    with pytest.raises(UrlNotAllowed) as refused:
        await sender.check(url)
    return refused.value.reason


async def test_hostile_urls_are_refused_without_a_lookup(
    sender: WebhookSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolver = CountingResolver([(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", 80))])
    _use(monkeypatch, resolver)
    assert await _reason(sender, "http://hostile\x00x/") == "url_invalid"
    assert await _reason(sender, "http://" + "x" * 300 + "/") == "url_invalid"
    assert await _reason(sender, "http://169.254.169.254/latest") == "address_refused"
    assert await _reason(sender, "http://[::1]/") == "loopback_refused"
    assert await _reason(sender, "http://8.8.8.8/") == "network_not_allowed"
    assert resolver.asked == []
    assert str(await sender.check("http://hooks.campus.example/x")) == "10.0.0.1"
    assert resolver.asked == ["hooks.campus.example"]


async def test_a_name_not_found_is_remembered_briefly(
    sender: WebhookSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolver = CountingResolver(None)
    _use(monkeypatch, resolver)
    for _ in range(5):
        assert await _reason(sender, "http://no-such-host.invalid/") == "host_not_found"
    assert resolver.asked == ["no-such-host.invalid"]
