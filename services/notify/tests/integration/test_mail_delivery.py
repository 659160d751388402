"""Through Kafka to SMTP: once per mail, retried after 451, failed for good after 550."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from jiaodui_contracts import commands as c
from jiaodui_contracts.notify import NotificationFailed, NotificationSent
from jiaodui_runtime.testing import eventually
from jiaodui_runtime.testing.sinks import sms_to

from .conftest import Service

pytestmark = pytest.mark.integration


def uid() -> str:
    return str(uuid.uuid4())


def address(prefix: str = "s") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.edu.cn"


async def mails_arrived(service: Service, *addresses: str, each: int = 1) -> bool:
    return all(len(service.smtp.mails(a)) >= each for a in addresses)


async def test_each_mail_type_arrives_once_and_redelivery_sends_nothing_new(
    service: Service,
) -> None:
    to = {name: address(name) for name in ("act", "exist", "user", "reset", "lock", "rel")}
    secret = uuid.uuid4().hex
    base = "https://jiaodui.test"
    commands = [
        c.SendActivationMail(
            account_id=uid(), email=to["act"], activation_url=f"{base}/activate.html?token={secret}"
        ),
        c.SendExistingAccountNotice(
            account_id=uid(), email=to["exist"], login_url=base, recovery_url=base
        ),
        c.SendUsernameReminder(
            account_id=uid(), email=to["user"], email_masked="u***@example.edu.cn", login_url=base
        ),
        c.SendPasswordResetMail(
            account_id=uid(), email=to["reset"], reset_url=f"{base}/r?token=x", expires_in_s=900
        ),
        c.SendLockoutNotice(
            account_id=uid(), email=to["lock"], locked_until=datetime.now(UTC) + timedelta(hours=1)
        ),
        c.SendIdentityReleasedNotice(
            account_id=uid(), email=to["rel"], support_url=f"{base}/support.html", locale="en"
        ),
    ]
    events = await service.publish(*commands)
    await eventually(lambda: mails_arrived(service, *to.values()), what="one mail of each type")

    activation = service.smtp.mails(to["act"])[0]
    assert "激活" in str(activation["Subject"])
    plain = activation.get_body(preferencelist=("plain",))
    html = activation.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    assert f"{base}/activate.html?token={secret}" in plain.get_content()
    assert f'href="{base}/activate.html?token={secret}"' in html.get_content()
    assert str(service.smtp.mails(to["rel"])[0]["Subject"]).isascii()  # locale "en"

    await service.redeliver(*events)
    sentinel = address("sentinel")
    await service.publish(
        c.SendExistingAccountNotice(
            account_id=uid(), email=sentinel, login_url=base, recovery_url=base
        )
    )
    await eventually(lambda: mails_arrived(service, sentinel), what="the sentinel mail")
    for mailbox in to.values():
        assert len(service.smtp.mails(mailbox)) == 1, mailbox

    async def all_reported() -> list[dict[str, object]] | None:
        sent = await service.outcomes(NotificationSent.TYPE)
        ours = [s for s in sent if s["cause_event_id"] in {e.id for e in events}]
        return ours if len(ours) >= len(events) else None

    reported = await eventually(all_reported, what="NotificationSent for each")
    assert len(reported) == len(events)
    assert all("@" not in str(r["recipient_masked"]).split("***")[0][1:] for r in reported)
    rows = await service.fetch(
        "SELECT status, attempts, sealed FROM deliveries WHERE cause_event_id = ANY($1::uuid[])",
        [e.id for e in events],
    )
    assert [(r["status"], r["attempts"], r["sealed"]) for r in rows] == [("sent", 1, None)] * 6


async def test_an_sms_code_reaches_the_sms_sink_once(service: Service) -> None:
    if service.stack.stack_dir is None:
        pytest.skip("needs the local stack's SMS sink")
    stack_dir = service.stack.stack_dir
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    command = c.SendSmsCode(
        account_id=uid(), phone=phone, code="482913", purpose="realname", expires_in_s=300
    )
    [event] = await service.publish(command)
    lines = await eventually(lambda: asyncio.to_thread(sms_to, stack_dir, phone), what="the SMS")
    assert len(lines) == 1 and "482913" in lines[0]["text"] and lines[0]["at"]
    rows = await service.fetch(
        "SELECT recipient_masked, body_preview FROM deliveries WHERE cause_event_id = $1",
        uuid.UUID(event.id),
    )
    assert phone not in rows[0]["recipient_masked"]
    assert "482913" not in rows[0]["body_preview"]


async def test_a_refusing_server_gets_the_mail_later_once(service: Service) -> None:
    to = address("tempfail2")
    [event] = await service.publish(
        c.SendPasswordResetMail(
            account_id=uid(), email=to, reset_url="https://jiaodui.test/r?token=t", expires_in_s=60
        )
    )
    await eventually(lambda: mails_arrived(service, to), what="the mail after two 451s")
    assert service.smtp.tries[to] == 3

    async def recorded() -> list[Any] | None:
        rows = await service.fetch(
            "SELECT id, status, attempts FROM deliveries WHERE cause_event_id = $1",
            uuid.UUID(event.id),
        )
        return rows if rows and rows[0]["status"] == "sent" else None

    [row] = await eventually(recorded, what="the delivery recorded as sent")
    assert row["attempts"] == 3
    [mail] = service.smtp.mails(to)
    assert mail["Message-ID"] == f"<{row['id']}@jiaodui.local>"  # the same on any resend


async def test_a_permanent_refusal_ends_as_notification_failed(service: Service) -> None:
    to = address("reject")
    account = uid()
    [event] = await service.publish(
        c.SendActivationMail(
            account_id=account, email=to, activation_url="https://jiaodui.test/a?token=t"
        )
    )

    async def failed() -> list[dict[str, object]] | None:
        found = await service.outcomes(NotificationFailed.TYPE)
        return [f for f in found if f["cause_event_id"] == event.id] or None

    [outcome] = await eventually(failed, what="NotificationFailed")
    assert outcome["account_id"] == account and outcome["attempts"] == 1
    assert "550" in str(outcome["error"]) and to not in str(outcome)
    assert service.smtp.mails(to) == []
    rows = await service.fetch(
        "SELECT status, sealed FROM deliveries WHERE cause_event_id = $1", uuid.UUID(event.id)
    )
    assert rows[0]["status"] == "failed" and rows[0]["sealed"] is None


async def test_a_recipient_cap_stops_a_flood(service: Service) -> None:
    to = address("flood")
    base = "https://jiaodui.test"
    notices = [
        c.SendExistingAccountNotice(account_id=uid(), email=to, login_url=base, recovery_url=base)
        for _ in range(6)
    ]
    events = await service.publish(*notices)

    async def settled() -> list[Any] | None:
        rows = await service.fetch(
            "SELECT status FROM deliveries WHERE cause_event_id = ANY($1::uuid[])"
            " AND status <> 'pending'",
            [e.id for e in events],
        )
        return rows if len(rows) == 6 else None

    rows = await eventually(settled, what="six settled deliveries")
    assert sorted(r["status"] for r in rows) == ["sent"] * 5 + ["suppressed"]
    assert len(service.smtp.mails(to)) == 5
