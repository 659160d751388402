"""Through the gateway: the activation mail shows up in the student's inbox without its
token; the delivery log is not for students. (The log itself, with ops and admin tokens,
is tested in services/notify/tests/integration without logging in as the admin.)"""

from __future__ import annotations

import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import register_and_activate
from jiaodui_runtime.testing.sinks import link_token, mails_to

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


async def test_the_activation_mail_is_in_the_inbox_without_its_token(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    account = await register_and_activate(gateway, stack)

    async def recorded_as_sent() -> httpx.Response | None:
        # the mail is in the sink a moment before notify commits "sent"
        answer = await gateway.get("/api/notify/v1/me/messages", headers=account.headers)
        assert answer.status_code == 200, answer.text
        items = [m for m in answer.json()["items"] if m["template"] == "activation"]
        return answer if items and items[0]["delivery_status"] == "sent" else None

    answer = await eventually(recorded_as_sent, what="the activation in the inbox, sent")
    [message] = [m for m in answer.json()["items"] if m["template"] == "activation"]
    assert message["channel"] == "email"
    assert "[***]" in message["body"]
    assert stack.stack_dir is not None
    token = link_token(mails_to(stack.stack_dir, account.email)[0])
    assert token and token not in answer.text

    denied = await gateway.get("/api/notify/v1/deliveries", headers=account.headers)
    assert denied.status_code == 403
