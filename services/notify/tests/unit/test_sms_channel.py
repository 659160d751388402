"""The HTTP SMS adapter over httpx's MockTransport: what it sends, how answers classify."""

from __future__ import annotations

import json

import httpx
import pytest
from jiaodui_notify.adapters.channels import HttpSmsChannel, Outgoing
from jiaodui_notify.domain.delivery import PermanentSendError, TransientSendError
from jiaodui_notify.settings import NotifySettings
from pydantic import SecretStr

MESSAGE = Outgoing(to="13812345678", subject="", text="code 123456", ref="d-1")


def channel(handler: httpx.MockTransport, **settings: object) -> HttpSmsChannel:
    s = NotifySettings(sms_url="http://sms.test/v1/messages", **settings)  # type: ignore[arg-type]
    return HttpSmsChannel(s, httpx.AsyncClient(transport=handler))


async def test_posts_phone_text_sender_and_ref_with_the_api_key() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "p-42"})

    sms = channel(httpx.MockTransport(answer), sms_api_key=SecretStr("k"), sms_sender="jd")
    assert await sms.send(MESSAGE) == "p-42"
    body = json.loads(seen[0].content)
    assert body == {"phone": "13812345678", "text": "code 123456", "sender": "jd", "ref": "d-1"}
    assert seen[0].headers["authorization"] == "Bearer k"


@pytest.mark.parametrize(
    ("status", "error"),
    [(503, TransientSendError), (429, TransientSendError), (422, PermanentSendError)],
)
async def test_provider_refusals_are_classified(status: int, error: type[Exception]) -> None:
    sms = channel(httpx.MockTransport(lambda _r: httpx.Response(status, text="no")))
    with pytest.raises(error):
        await sms.send(MESSAGE)


async def test_an_unreachable_provider_is_transient() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(TransientSendError):
        await channel(httpx.MockTransport(refuse)).send(MESSAGE)
