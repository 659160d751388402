"""Public events reach the address notify learned from commands, or the inbox only;
the inbox and the delivery log never show a secret."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from jiaodui_contracts import commands as c
from jiaodui_contracts import photos as p
from jiaodui_contracts import records as r
from jiaodui_runtime.testing import eventually

from .conftest import Service

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)


def uid() -> str:
    return str(uuid.uuid4())


async def inbox(service: Service, account_id: str, count: int) -> list[dict[str, object]] | None:
    answer = await service.client.get(
        "/v1/me/messages", headers=service.headers("student", account_id)
    )
    assert answer.status_code == 200, answer.text
    items: list[dict[str, object]] = answer.json()["items"]
    return items if len(items) >= count else None


async def mails(service: Service, to: str, count: int) -> bool:
    return len(service.smtp.mails(to)) >= count


async def test_events_mail_a_known_address_and_fill_the_inbox(service: Service) -> None:
    account, to, secret = uid(), f"ev-{uuid.uuid4().hex[:12]}@example.edu.cn", uuid.uuid4().hex
    record = {"record_id": uid(), "institution_code": "10001", "branch": "信息学院"}
    await service.publish(
        c.SendActivationMail(
            account_id=account, email=to, activation_url=f"https://x/activate?token={secret}"
        )
    )
    # identity's command (with the address) and the public events travel on different
    # topics: in real life real-name registration comes long after the activation mail
    await eventually(lambda: mails(service, to, 1), what="the activation mail")
    await service.publish(
        r.IdentityMatched(
            account_id=account, cohort="2026", student_number="2022001", matched_at=NOW,
            **record,
        ),
        p.PhotoDisputed(
            account_id=account, photo_id=uid(), kind="graduation", reason="不是我",
            disputed_at=NOW, **record,
        ),
    )  # fmt: skip
    await eventually(lambda: mails(service, to, 3), what="matched and disputed mails")
    by_subject = {str(m["Subject"]): m for m in service.smtp.mails(to)}
    matched = next(m for s, m in by_subject.items() if "学籍记录已可查看" in s)
    assert any("毕业照片" in s for s in by_subject)
    body = matched.get_body(preferencelist=("plain",))
    assert body is not None and "https://jiaodui.test/photos.html" in body.get_content()

    items = await eventually(lambda: inbox(service, account, 3), what="three inbox messages")
    assert [i["channel"] for i in items] == ["email"] * 3
    assert all(secret not in str(i) for i in items)
    activation = next(i for i in items if i["template"] == "activation")
    assert "[***]" in str(activation["body"])


async def test_a_student_without_a_known_address_reads_it_in_the_inbox(service: Service) -> None:
    account = uid()
    await service.publish(
        r.IdentityUnmatched(account_id=account, reason="no_record", unmatched_at=NOW)
    )
    [item] = await eventually(lambda: inbox(service, account, 1), what="the inbox message")
    assert item["channel"] == "inbox" and item["delivery_status"] is None
    assert item["template"] == "identity_unmatched" and item["subject"]
    one_line = " ".join(str(item["body"]).split())
    assert one_line.startswith(str(item["excerpt"]).removesuffix("…")) and item["excerpt"]
    assert "https://jiaodui.test/id-correction.html" in str(item["body"])
    rows = await service.fetch("SELECT 1 FROM deliveries WHERE account_id = $1", uuid.UUID(account))
    assert rows == []
    other = await service.client.get("/v1/me/messages", headers=service.headers("student"))
    assert other.json()["items"] == []


async def test_the_delivery_log_is_for_ops_and_admin_with_masked_recipients(
    service: Service,
) -> None:
    to = f"Log-{uuid.uuid4().hex[:12]}@Example.edu.cn"
    await service.publish(
        c.SendExistingAccountNotice(
            account_id=uid(), email=to, login_url="https://x", recovery_url="https://x"
        )
    )

    async def logged() -> list[dict[str, object]] | None:
        answer = await service.client.get(
            "/v1/deliveries",
            params={"recipient": to.lower(), "status": "sent"},
            headers=service.headers("ops"),
        )
        assert answer.status_code == 200, answer.text
        items: list[dict[str, object]] = answer.json()["items"]
        return items or None

    [item] = await eventually(logged, what="the sent delivery in the log")
    assert item["recipient_masked"] == "L***@Example.edu.cn"
    assert item["template"] == "existing_account" and item["attempts"] == 1
    answer = await service.client.get("/v1/deliveries", headers=service.headers("admin"))
    assert answer.status_code == 200 and to not in answer.text
    for role, status in (("student", 403), ("college_staff", 403)):
        denied = await service.client.get("/v1/deliveries", headers=service.headers(role))
        assert denied.status_code == status and denied.json()["code"] == "forbidden_role"
    assert (await service.client.get("/v1/deliveries")).status_code == 401
    bad = await service.client.get(
        "/v1/deliveries", params={"status": "bogus", "limit": 0}, headers=service.headers("ops")
    )
    assert bad.status_code == 422 and bad.json()["code"] == "validation_failed"


async def test_a_matching_burst_mails_known_addresses_once_and_fills_every_inbox(
    service: Service,
) -> None:
    """A burst of IdentityMatched is accepted a poll at a time (one statement per table):
    every student hears of it once, by mail where notify knows the address."""
    known = {uid(): f"burst-{uuid.uuid4().hex[:12]}@example.edu.cn" for _ in range(15)}
    unknown = [uid() for _ in range(15)]
    await service.publish(
        *(
            c.SendActivationMail(account_id=a, email=to, activation_url="https://x/activate")
            for a, to in known.items()
        )
    )
    for to in known.values():
        await eventually(lambda to=to: mails(service, to, 1), what="the activation mail")
    record = {"institution_code": "10001", "branch": "信息学院", "cohort": "2026"}
    matched = await service.publish(
        *(
            r.IdentityMatched(
                account_id=a, record_id=uid(), student_number=f"B{i:05d}", matched_at=NOW,
                **record,
            )
            for i, a in enumerate([*known, *unknown])
        )
    )  # fmt: skip
    for a in [*known, *unknown]:
        await eventually(lambda a=a: inbox(service, a, 1 + (a in known)), what="the inbox")
    for to in known.values():
        await eventually(lambda to=to: mails(service, to, 2), what="the matched mail")

    await service.redeliver(*matched)
    sentinel = uid()
    await service.publish(
        r.IdentityUnmatched(account_id=sentinel, reason="no_record", unmatched_at=NOW)
    )
    await eventually(lambda: inbox(service, sentinel, 1), what="the sentinel's message")
    for a, to in known.items():
        assert len(service.smtp.mails(to)) == 2, to
        items = await inbox(service, a, 2)
        assert items is not None and len(items) == 2
    for a in unknown:
        items = await inbox(service, a, 1)
        assert items is not None and [i["channel"] for i in items] == ["inbox"]
    rows = await service.fetch(
        "SELECT count(*) AS n FROM deliveries WHERE cause_event_id = ANY($1::uuid[])",
        [e.id for e in matched],
    )
    assert rows[0]["n"] == len(known)
