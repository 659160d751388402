"""The delivery log, resend and replay."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.errors import Problem

from jiaodui_subscriptions.service_layer.access import check_institution, subscriber_in_scope
from jiaodui_subscriptions.state import Subscriptions
from jiaodui_subscriptions.store import deliveries, events


async def delivery_log(
    pool: asyncpg.Pool,
    principal: Principal,
    subscriber_id: uuid.UUID,
    *,
    status: str | None,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[asyncpg.Record]:
    async with pool.acquire() as conn:
        await subscriber_in_scope(conn, principal, subscriber_id)
        return await deliveries.log(
            conn, subscriber_id=subscriber_id, status=status, before=before, limit=limit
        )


async def resend(pool: asyncpg.Pool, principal: Principal, delivery_id: uuid.UUID) -> None:
    async with pool.acquire() as conn, conn.transaction():
        row = await deliveries.get(conn, delivery_id)
        if row is None:
            raise Problem(404, "delivery_not_found", "No such delivery.")
        check_institution(principal, row["institution_code"])
        await deliveries.resend(conn, delivery_id)


async def replay(
    pool: asyncpg.Pool,
    subs: Subscriptions,
    principal: Principal,
    subscriber_id: uuid.UUID,
    *,
    since: datetime,
) -> int:
    """Every kept event since ``since`` that the subscriber chose goes out again."""
    now = datetime.now(UTC)
    if since > now:
        raise Problem(422, "since_in_future", "Replay starts at a moment in the past.")
    oldest = now - timedelta(seconds=subs.settings.retention_s)
    if since < oldest:
        raise Problem(
            422,
            "replay_window_exceeded",
            "Events are kept for a limited time; replay from a later moment.",
            oldest=oldest.isoformat(),
        )
    async with pool.acquire() as conn, conn.transaction():
        row = await subscriber_in_scope(conn, principal, subscriber_id)
        found = await events.since(
            conn,
            since=since,
            institution_code=row["institution_code"],
            types=list(row["event_types"]),
        )
        return await deliveries.replay(conn, subscriber_id=subscriber_id, events=found)
