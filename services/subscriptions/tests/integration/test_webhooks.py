"""Webhooks through the gateway on the running stack, checked by a receiver the test starts
that verifies signatures with the published ``standardwebhooks`` package."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from jiaodui_runtime.testing import eventually
from jiaodui_runtime.testing.sinks import mails_to
from jiaodui_runtime.testing.webhooks import Received, Reply, WebhookReceiver

from .conftest import API, CONFIRMED, DISPUTED, Campus, confirmed, disputed

pytestmark = [pytest.mark.integration]
PING = "jiaodui.subscriptions.Ping.v1"


async def test_a_subscriber_gets_its_own_institutions_chosen_events_signed(
    campus: Campus, receiver: WebhookReceiver
) -> None:
    await campus.register(receiver, types=[CONFIRMED])
    mine = [confirmed(campus.code) for _ in range(3)]
    events = await campus.publish(*mine, disputed(campus.code), confirmed("ELSEWHERE"))
    wanted = {e.id for e in events[:3]}
    await eventually(lambda: _arrived(receiver, 3), what="three webhooks")
    got = {r.event["id"] for r in receiver.received}
    assert got == wanted  # not the dispute (not chosen), not the other institution's
    for request in receiver.received:
        assert request.verified, "standardwebhooks refused the signature"
        assert request.headers["content-type"] == "application/cloudevents+json"
        assert request.event["specversion"] == "1.0" and request.event["type"] == CONFIRMED
        assert request.event["data"]["institution_code"] == campus.code
    assert len(receiver.ids()) == 3


async def _arrived(receiver: WebhookReceiver, n: int) -> bool:
    return len(receiver.received) >= n


async def test_failures_are_retried_on_the_schedule_with_one_webhook_id(
    campus: Campus, receiver: WebhookReceiver
) -> None:
    receiver.answer = lambda r: Reply(500, body=b"busy") if r.attempt <= 3 else Reply(204)
    made = await campus.register(receiver)
    await campus.publish(confirmed(campus.code))
    await eventually(lambda: _arrived(receiver, 4), timeout_s=30, what="four attempts")
    assert len(receiver.ids()) == 1 and all(r.verified for r in receiver.received)
    gaps = [b.at - a.at for a, b in zip(receiver.received, receiver.received[1:], strict=False)]
    # the stack's compressed schedule: 1 s, 2 s, 3 s (production: 5 s, 5 min, 30 min ...)
    for gap, planned in zip(gaps, (1, 2, 3), strict=True):
        assert planned - 0.2 <= gap <= planned + 2.5, gaps
    log = await eventually(
        lambda: _delivered_log(campus, made["subscriber_id"]), what="the log to say delivered"
    )
    assert log["attempts"] == 4 and log["last_status_code"] == 204
    assert [t["status_code"] for t in log["tries"]] == [500, 500, 500, 204]


async def _delivered_log(campus: Campus, subscriber_id: str) -> dict | None:  # type: ignore[type-arg]
    items = await campus.deliveries(subscriber_id)
    return items[0] if items and items[0]["status"] == "delivered" else None


async def test_retry_after_on_429_is_honoured(campus: Campus, receiver: WebhookReceiver) -> None:
    receiver.answer = lambda r: (
        Reply(429, headers={"Retry-After": "4"}) if r.attempt == 1 else Reply(200)
    )
    await campus.register(receiver)
    await campus.publish(confirmed(campus.code))
    await eventually(lambda: _arrived(receiver, 2), timeout_s=20, what="the second attempt")
    first, second = receiver.received[:2]
    assert second.at - first.at >= 3.8  # the schedule alone would have waited 1 s


async def test_410_gone_disables_the_endpoint_and_mails_its_owner(
    campus: Campus, receiver: WebhookReceiver
) -> None:
    receiver.answer = lambda _r: Reply(410)
    owner = f"owner-{campus.code.lower()}@campus.example.edu.cn"
    made = await campus.register(receiver, owner_email=owner)
    await campus.publish(confirmed(campus.code))

    async def disabled() -> dict | None:  # type: ignore[type-arg]
        sub = await campus.subscriber(made["subscriber_id"])
        return sub if not sub["enabled"] else None

    sub = await eventually(disabled, what="the endpoint to be disabled")
    assert sub["disabled_reason"] == "gone"
    assert campus.stack.stack_dir is not None
    stack_dir = campus.stack.stack_dir
    await eventually(lambda: asyncio.to_thread(mails_to, stack_dir, owner), what="the owner's mail")
    await campus.publish(confirmed(campus.code))
    await asyncio.sleep(0)  # nothing more goes out while disabled (checked below)
    assert len(receiver.received) == 1


async def test_an_endpoint_failing_past_the_limit_is_disabled(
    campus: Campus, receiver: WebhookReceiver
) -> None:
    """Five days in production; 30 s on the local stack (JIAODUI_SUBSCRIPTIONS_DISABLE_AFTER_S)."""
    receiver.answer = lambda _r: Reply(503)
    made = await campus.register(receiver)
    await campus.publish(confirmed(campus.code))

    async def disabled() -> dict | None:  # type: ignore[type-arg]
        sub = await campus.subscriber(made["subscriber_id"])
        return sub if not sub["enabled"] else None

    sub = await eventually(disabled, timeout_s=90, interval_s=1, what="disabled for failing")
    assert sub["disabled_reason"] == "failing" and sub["failing_since"] is not None
    answer = await campus.gateway.patch(
        f"{API}/v1/subscribers/{made['subscriber_id']}", json={"enabled": True},
        headers=campus.admin,
    )  # fmt: skip
    assert answer.status_code == 200 and answer.json()["enabled"] is True
    assert answer.json()["failing_since"] is None


async def test_resend_and_replay_go_out_again_under_the_same_webhook_id(
    campus: Campus, receiver: WebhookReceiver
) -> None:
    made = await campus.register(receiver)
    started = datetime.now(UTC) - timedelta(seconds=1)
    await campus.publish(confirmed(campus.code), confirmed(campus.code))
    await eventually(lambda: _arrived(receiver, 2), what="two webhooks")
    ids = receiver.ids()
    log = await eventually(
        lambda: _all_delivered(campus, made["subscriber_id"], 2), what="both delivered"
    )
    resend = await campus.gateway.post(
        f"{API}/v1/deliveries/{log[0]['delivery_id']}/resend", headers=campus.admin
    )
    assert resend.status_code == 202, resend.text
    await eventually(lambda: _arrived(receiver, 3), what="the resent webhook")
    assert receiver.received[2].webhook_id == log[0]["webhook_id"]
    replay = await campus.gateway.post(
        f"{API}/v1/subscribers/{made['subscriber_id']}/replay",
        json={"since": started.isoformat()},
        headers=campus.admin,
    )
    assert replay.status_code == 202 and replay.json()["queued"] == 2, replay.text
    await eventually(lambda: _arrived(receiver, 5), what="the replayed webhooks")
    assert receiver.ids() == ids and all(r.verified for r in receiver.received)
    too_old = await campus.gateway.post(
        f"{API}/v1/subscribers/{made['subscriber_id']}/replay",
        json={"since": (datetime.now(UTC) - timedelta(days=400)).isoformat()},
        headers=campus.admin,
    )
    assert too_old.status_code == 422 and too_old.json()["code"] == "replay_window_exceeded"


async def _all_delivered(campus: Campus, subscriber_id: str, n: int) -> list | None:  # type: ignore[type-arg]
    items = await campus.deliveries(subscriber_id, status="delivered")
    return items if len(items) >= n else None


async def test_ping_and_a_rotated_secret_sign_with_both_during_the_overlap(
    campus: Campus, receiver: WebhookReceiver
) -> None:
    made = await campus.register(receiver)
    rotated = await campus.gateway.post(
        f"{API}/v1/subscribers/{made['subscriber_id']}/rotate-secret", headers=campus.admin
    )
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    assert new_secret.startswith("whsec_") and new_secret != made["secret"]
    until = datetime.fromisoformat(rotated.json()["previous_valid_until"])
    assert timedelta(hours=23) < until - datetime.now(UTC) <= timedelta(hours=24)
    ping = await campus.gateway.post(
        f"{API}/v1/subscribers/{made['subscriber_id']}/ping", headers=campus.admin
    )
    assert ping.status_code == 202, ping.text
    await eventually(lambda: _arrived(receiver, 1), what="the ping")
    request: Received = receiver.received[0]
    assert request.event["type"] == PING
    for secret in (made["secret"], new_secret):  # a receiver knowing either one accepts it
        receiver.verify_with(secret)
        assert receiver._verified(request.body, request.headers)
    assert len(request.headers["webhook-signature"].split()) == 2


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "address_refused"),
        ("http://[::ffff:169.254.169.254]/", "address_refused"),
        ("http://100.100.100.200/", "address_refused"),
        ("http://[fe80::1]/hook", "address_refused"),
        ("http://0.0.0.0:8080/", "address_refused"),
        ("ftp://127.0.0.1/hook", "scheme_not_allowed"),
        ("http://user:pw@127.0.0.1/hook", "credentials_in_url"),
        ("http://no-such-host.invalid/hook", "host_not_found"),
    ],
)
async def test_endpoints_outside_the_allowed_networks_are_refused(
    campus: Campus, url: str, reason: str
) -> None:
    answer = await campus.gateway.post(
        f"{API}/v1/subscribers",
        json={
            "name": "x", "owner_email": "o@campus.example.edu.cn", "url": url,
            "event_types": [CONFIRMED], "institution_code": campus.code,
        },
        headers=campus.admin,
    )  # fmt: skip
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["code"] in ("url_not_allowed", "validation_failed"), body
    if body["code"] == "url_not_allowed":
        assert body["reason"] == reason


async def test_redirects_are_not_followed(campus: Campus, receiver: WebhookReceiver) -> None:
    elsewhere = await WebhookReceiver().start()
    try:
        receiver.answer = lambda _r: Reply(302, headers={"Location": elsewhere.url})
        made = await campus.register(receiver)
        await campus.publish(confirmed(campus.code))
        await eventually(lambda: _arrived(receiver, 2), what="a retry after the redirect")
        assert elsewhere.received == []
        log = await campus.deliveries(made["subscriber_id"])
        assert log[0]["tries"][0]["status_code"] == 302
    finally:
        await elsewhere.stop()


async def test_a_slow_receiver_does_not_hold_the_others(campus: Campus) -> None:
    slow = await WebhookReceiver(lambda _r: Reply(200, delay_s=3)).start()
    fast = await WebhookReceiver().start()
    try:
        await campus.register(slow)
        await campus.register(fast)
        await campus.publish(*(confirmed(campus.code) for _ in range(8)))
        await eventually(lambda: _arrived(fast, 8), timeout_s=6, what="the fast receiver's 8")
        assert len(slow.received) <= 4  # at most 2 in flight at a time, 3 s each
    finally:
        await slow.stop()
        await fast.stop()


async def test_unknown_event_types_are_refused(campus: Campus) -> None:
    answer = await campus.gateway.post(
        f"{API}/v1/subscribers",
        json={
            "name": "x", "owner_email": "o@campus.example.edu.cn", "url": "http://127.0.0.1:9/",
            "event_types": ["jiaodui.notify.SendSmsCode.v1", DISPUTED],
            "institution_code": campus.code,
        },
        headers=campus.admin,
    )  # fmt: skip
    assert answer.status_code == 422 and answer.json()["code"] == "unknown_event_type"
    assert answer.json()["unknown"] == ["jiaodui.notify.SendSmsCode.v1"]
