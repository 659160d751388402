"""Ledger fault test for webhooks: kill -9 the subscriptions service in the middle of a burst
of events for one subscriber whose receiver fails every event's first attempt, restart it,
then check the books.

Every published event must reach the receiver with a 2xx answer at least once (nothing
lost), under one and the same ``webhook-id`` however often it arrived (a receiver that
deduplicates by it sees each event once), verified with the published ``standardwebhooks``
package; and subscriptions must hold exactly one delivery row per (event, subscriber), each
ending delivered. The short version runs in `make test`; JIAODUI_FAULTS_LONG=1 sends more.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import httpx
import pytest
import pytest_asyncio
from jiaodui_contracts.photos import PhotoConfirmed
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import admin_credentials, log_in
from jiaodui_runtime.testing.events import publish
from jiaodui_runtime.testing.webhooks import Received, Reply, WebhookReceiver

from .ledger import services
from .test_kill_services import kill_9

pytestmark = [pytest.mark.integration, pytest.mark.faults]
LONG = os.environ.get("JIAODUI_FAULTS_LONG") == "1"


def first_attempt_fails(got: Received) -> Reply:
    """503 to the first arrival of each webhook-id (the service retries on its schedule),
    200 after a think to the others, so that deliveries are in flight at the kill (a request
    cut off by it arrives again: attempt 3 and more)."""
    return Reply(503, body=b"busy") if got.attempt == 1 else Reply(200, delay_s=0.3)


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    started = await WebhookReceiver(first_attempt_fails).start()
    yield started
    await started.stop()


def confirmed(code: str) -> PhotoConfirmed:
    return PhotoConfirmed(
        photo_id=str(uuid.uuid4()), record_id=str(uuid.uuid4()), account_id=str(uuid.uuid4()),
        institution_code=code, branch="信息学院", kind="graduation", confirmed_at=datetime.now(UTC),
    )  # fmt: skip


@dataclass(frozen=True)
class WebhookTally:
    published: int
    delivered: int  # events whose retry the receiver answered with 200
    arrivals: int  # requests that reached the receiver (first-attempt 503s and repeats too)
    repeated: int  # arrivals past the planned two per event (cut off by the kill, resent)
    unverified: int
    lost: int
    ids_per_event_over_1: int
    rows: int
    rows_per_event_over_1: int
    rows_not_delivered: int

    def __str__(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.__dict__.items())


async def tally(
    stack: StackEndpoints, receiver: WebhookReceiver, subscriber_id: str, event_ids: set[str]
) -> WebhookTally:
    conn = await asyncpg.connect(stack.dsn_for("subscriptions"))
    try:
        rows = await conn.fetch(
            "SELECT event_id::text, count(*) AS n, bool_and(status = 'delivered') AS done"
            " FROM deliveries WHERE subscriber_id = $1 GROUP BY event_id",
            uuid.UUID(subscriber_id),
        )
    finally:
        await conn.close()
    ids: dict[str, set[str]] = defaultdict(set)
    answered_2xx: set[str] = set()
    for got in receiver.received:
        event_id = str(got.event.get("id"))
        ids[event_id].add(got.webhook_id)
        if got.attempt > 1 and got.verified:  # the receiver answers 200 from the second on
            answered_2xx.add(event_id)
    return WebhookTally(
        published=len(event_ids),
        delivered=len(answered_2xx & event_ids),
        arrivals=len(receiver.received),
        repeated=sum(1 for r in receiver.received if r.attempt > 2),
        unverified=sum(1 for r in receiver.received if not r.verified),
        lost=len(event_ids - answered_2xx),
        ids_per_event_over_1=sum(1 for e in event_ids if len(ids[e]) > 1),
        rows=sum(r["n"] for r in rows),
        rows_per_event_over_1=sum(1 for r in rows if r["n"] > 1),
        rows_not_delivered=sum(1 for r in rows if not r["done"]),
    )


async def test_kill_9_subscriptions_mid_burst_loses_and_doubles_nothing(
    gateway: httpx.AsyncClient, stack: StackEndpoints, receiver: WebhookReceiver
) -> None:
    if stack.stack_dir is None:
        pytest.skip("needs the local stack's processes")
    total = 600 if LONG else 120
    code = f"K{uuid.uuid4().hex[:7]}"
    admin = {"Authorization": f"Bearer {await log_in(gateway, *admin_credentials(stack))}"}
    made = await gateway.post(
        "/api/subscriptions/v1/subscribers",
        json={
            "name": "故障演练", "owner_email": f"o-{code.lower()}@campus.example.edu.cn",
            "url": receiver.url, "event_types": [PhotoConfirmed.TYPE], "institution_code": code,
        },
        headers=admin,
    )  # fmt: skip
    assert made.status_code == 201, made.text
    subscriber = made.json()
    receiver.verify_with(subscriber["secret"])

    burst = [confirmed(code) for _ in range(total)]
    published = await publish(stack.kafka_bootstrap, *burst[: total // 2])
    # mid-burst: deliveries under way (first attempts refused, retries going out)
    await eventually(
        lambda: asyncio.sleep(0, sum(r.attempt > 1 for r in receiver.received) >= total // 8),
        timeout_s=60,
        what="retries under way",
    )
    in_flight_at_kill = len(receiver.received)
    kill_9(stack, "subscriptions")
    published += await publish(stack.kafka_bootstrap, *burst[total // 2 :])
    await services("start", "subscriptions")
    event_ids = {str(e.id) for e in published}

    async def settled() -> bool:
        # the receiver saw a retry of every event and the service recorded each 2xx answer
        books = await tally(stack, receiver, subscriber["subscriber_id"], event_ids)
        return books.lost == 0 and books.rows == total and books.rows_not_delivered == 0

    await eventually(settled, timeout_s=180, interval_s=1, what="every event delivered")
    books = await tally(stack, receiver, subscriber["subscriber_id"], event_ids)
    print(f"kill -9 subscriptions mid-burst (arrivals at kill {in_flight_at_kill}): {books}")
    assert books.lost == 0 and books.delivered == total, str(books)
    assert books.unverified == 0, str(books)
    assert books.ids_per_event_over_1 == 0, str(books)
    assert books.rows == total and books.rows_per_event_over_1 == 0, str(books)
    assert books.rows_not_delivered == 0, str(books)
