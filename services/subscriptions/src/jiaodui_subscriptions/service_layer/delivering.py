"""Deliver what is due: one webhook request per claimed row, its outcome in the same
transaction. The row stays locked while the request runs (``SKIP LOCKED``), so instances
never send one delivery at the same time; a process killed mid-request leaves the row
pending, and it goes out again with the same ``webhook-id`` (at least once; receivers
deduplicate by the id)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import asyncpg
from jiaodui_contracts.commands import SendWebhookDisabledNotice
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.outbox import add_to_outbox
from jiaodui_runtime.ratelimit import Limit

from jiaodui_subscriptions import metrics
from jiaodui_subscriptions.domain.attempts import judge
from jiaodui_subscriptions.domain.signing import sign
from jiaodui_subscriptions.state import SOURCE, Subscriptions
from jiaodui_subscriptions.store import deliveries, subscribers

_log = get_logger(__name__)
CONTENT_TYPE = "application/cloudevents+json"


async def deliver_due(pool: asyncpg.Pool, subs: Subscriptions) -> int:
    """Claim and attempt one due delivery; 1 when there was one."""
    in_flight = subs.in_flight
    async with pool.acquire() as conn, conn.transaction():
        async with in_flight.claiming:
            row = await deliveries.claim(conn, busy=in_flight.full())
            if row is None:
                return 0
            hold = in_flight.hold(row["subscriber_id"])
            hold.__enter__()
        try:
            await attempt(conn, subs, row)
        finally:
            hold.__exit__(None, None, None)
    return 1


async def _rate_limited(subs: Subscriptions, subscriber_id: uuid.UUID) -> float | None:
    if subs.limiter is None:
        return None
    try:
        limit = [Limit(subs.settings.endpoint_rate_per_s, 1)]
        return await subs.limiter.hit(f"endpoint:{subscriber_id}", limit)
    except Exception as exc:  # Redis away: delivering matters more than the rate limit
        _log.warning("endpoint_rate_limit_unavailable", error=repr(exc))
        return None


async def attempt(conn: DbConnection, subs: Subscriptions, row: asyncpg.Record) -> None:
    sid: uuid.UUID = row["subscriber_id"]
    sub = await subscribers.get(conn, sid)
    if sub is None or not sub["enabled"]:
        return
    wait = await _rate_limited(subs, sid)
    if wait is not None:
        await deliveries.postpone(conn, row["id"], delay_s=max(wait, 0.05))
        return
    secrets = [subs.sealer.open(s) for s in await subscribers.signing_secrets(conn, sid)]
    timestamp = int(time.time())
    headers = {
        "content-type": CONTENT_TYPE,
        "user-agent": "jiaodui-webhooks/1.0",
        "webhook-id": row["webhook_id"],
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(
            secrets_=secrets, msg_id=row["webhook_id"], timestamp=timestamp, body=row["body"]
        ),
    }
    sent = await subs.sender.post(sub["url"], bytes(row["body"]), headers)
    answer = sent.answer
    await deliveries.record_attempt(
        conn,
        row,
        status_code=answer.status,
        latency_ms=sent.latency_ms,
        error=answer.error,
        excerpt=sent.excerpt,
    )
    now = datetime.now(UTC)
    verdict = judge(
        answer,
        attempts=row["round_attempts"] + 1,
        policy=subs.schedule,
        now=now,
        retry_after_max_s=subs.settings.retry_after_max_s,
    )
    metrics.WEBHOOK_ATTEMPTS.labels(outcome=verdict.kind).inc()
    metrics.WEBHOOK_LATENCY.observe(sent.latency_ms / 1000)
    if verdict.kind == "delivered":
        await deliveries.settle(conn, row["id"], status="delivered")
        await subscribers.note_success(conn, sid)
        return
    if verdict.kind == "gone":
        await deliveries.settle(conn, row["id"], status="failed")
        await _disable(conn, subs, sid, reason="gone", failing_since=None)
        return
    since = await subscribers.note_failure(conn, sid)
    if verdict.kind == "retry":
        await deliveries.settle(conn, row["id"], status="pending", delay_s=verdict.delay_s)
    else:
        await deliveries.settle(conn, row["id"], status="failed")
    if (now - since).total_seconds() >= subs.settings.disable_after_s:
        await _disable(conn, subs, sid, reason="failing", failing_since=since)


async def disable_failing(pool: asyncpg.Pool, subs: Subscriptions) -> int:
    """Endpoints without a success for longer than the limit are switched off (once)."""
    async with pool.acquire() as conn, conn.transaction():
        rows = await subscribers.failing_for(conn, seconds=subs.settings.disable_after_s)
        for row in rows:
            await _disable(
                conn, subs, row["id"], reason="failing", failing_since=row["failing_since"]
            )
    return len(rows)


async def _disable(
    conn: DbConnection,
    subs: Subscriptions,
    subscriber_id: uuid.UUID,
    *,
    reason: str,
    failing_since: datetime | None,
) -> None:
    row = await subscribers.disable(conn, subscriber_id, reason=reason)
    if row is None:
        return
    _log.warning("webhook_endpoint_disabled", subscriber_id=str(subscriber_id), reason=reason)
    base = subs.settings.public_base_url
    await add_to_outbox(
        conn,
        SendWebhookDisabledNotice(
            subscriber_id=str(subscriber_id),
            email=row["owner_email"],
            subscriber_name=row["name"],
            url=row["url"],
            reason="gone" if reason == "gone" else "failing",
            failing_since=failing_since,
            manage_url=f"{base}/staff/admin/subscribers/{subscriber_id}",
        ),
        source=SOURCE,
    )
