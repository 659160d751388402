"""``/v1/subscribers``: register, list, read, change, rotate, ping, delete; the delivery log
and replay of one subscriber."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from jiaodui_runtime.deps import Db
from jiaodui_runtime.errors import Problem

from jiaodui_subscriptions.entrypoints.deps import Manager, SubscriptionsDep
from jiaodui_subscriptions.entrypoints.schemas import (
    DeliveryPage,
    DeliveryRead,
    DeliveryStatus,
    PingQueued,
    ReplayQueued,
    ReplayRequest,
    SecretRotated,
    SubscriberCreate,
    SubscriberCreated,
    SubscriberPage,
    SubscriberRead,
    SubscriberUpdate,
)
from jiaodui_subscriptions.service_layer import log, subscribers
from jiaodui_subscriptions.service_layer.access import subscriber_in_scope
from jiaodui_subscriptions.store import subscribers as store

router = APIRouter(prefix="/v1/subscribers", tags=["subscribers"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def register_subscriber(
    body: SubscriberCreate, principal: Manager, pool: Db, subs: SubscriptionsDep
) -> SubscriberCreated:
    """The webhook secret and the client secret are in this answer only. 422
    `unknown_event_type`, `url_not_allowed`; 403 `forbidden_scope` for a registrar naming
    another institution."""
    made = await subscribers.register(
        pool,
        subs,
        principal,
        name=body.name,
        owner_email=body.owner_email,
        url=str(body.url),
        event_types=body.event_types,
        institution_code=body.institution_code,
    )
    return SubscriberCreated(
        subscriber_id=str(made.row["id"]),
        secret=made.secret,
        client_id=made.row["client_id"],
        client_secret=made.client_secret,
    )


@router.get("")
async def list_subscribers(
    principal: Manager,
    pool: Db,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> SubscriberPage:
    """An admin sees every subscriber, a registrar those of their institution."""
    scope = None if principal.role == "admin" else principal.institution_code or ""
    async with pool.acquire() as conn:
        rows, total = await store.search(conn, institution_code=scope, limit=limit, offset=offset)
    return SubscriberPage(items=[SubscriberRead.of(r) for r in rows], total=total)


@router.get("/{subscriber_id}")
async def read_subscriber(subscriber_id: uuid.UUID, principal: Manager, pool: Db) -> SubscriberRead:
    async with pool.acquire() as conn:
        return SubscriberRead.of(await subscriber_in_scope(conn, principal, subscriber_id))


@router.patch("/{subscriber_id}")
async def change_subscriber(
    subscriber_id: uuid.UUID,
    body: SubscriberUpdate,
    principal: Manager,
    pool: Db,
    subs: SubscriptionsDep,
) -> SubscriberRead:
    """`enabled: true` switches an endpoint back on (its waiting deliveries resume)."""
    row = await subscribers.change(
        pool,
        subs,
        principal,
        subscriber_id,
        url=str(body.url) if body.url is not None else None,
        event_types=body.event_types,
        enabled=body.enabled,
    )
    return SubscriberRead.of(row)


@router.delete("/{subscriber_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_subscriber(subscriber_id: uuid.UUID, principal: Manager, pool: Db) -> Response:
    """Stops webhooks and the feed at once (identity revokes the client's tokens)."""
    await subscribers.delete(pool, principal, subscriber_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{subscriber_id}/rotate-secret")
async def rotate_secret(
    subscriber_id: uuid.UUID, principal: Manager, pool: Db, subs: SubscriptionsDep
) -> SecretRotated:
    """A new webhook secret (shown once); the previous one signs too until
    `previous_valid_until`."""
    secret, until = await subscribers.rotate_secret(pool, subs, principal, subscriber_id)
    return SecretRotated(secret=secret, previous_valid_until=until)


@router.post("/{subscriber_id}/ping", status_code=status.HTTP_202_ACCEPTED)
async def ping_subscriber(subscriber_id: uuid.UUID, principal: Manager, pool: Db) -> PingQueued:
    """Queue a test event (`jiaodui.subscriptions.Ping.v1`), signed like the others."""
    delivery_id = await subscribers.ping(pool, principal, subscriber_id)
    return PingQueued(delivery_id=str(delivery_id))


def _decode_after(after: str | None) -> tuple[datetime, uuid.UUID] | None:
    if not after:
        return None
    try:
        text = base64.urlsafe_b64decode(after + "=" * (-len(after) % 4)).decode()
        moment, _, delivery_id = text.partition("|")
        return datetime.fromisoformat(moment), uuid.UUID(delivery_id)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise Problem(422, "invalid_cursor", "Use the `next` of the previous page.") from exc


def _encode_after(item: DeliveryRead) -> str:
    text = f"{item.created_at.isoformat()}|{item.delivery_id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@router.get("/{subscriber_id}/deliveries")
async def list_deliveries(
    subscriber_id: uuid.UUID,
    principal: Manager,
    pool: Db,
    status: DeliveryStatus | None = None,
    after: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> DeliveryPage:
    """Newest first, with every attempt; `after` = the `next` of the previous page."""
    rows = await log.delivery_log(
        pool, principal, subscriber_id, status=status, before=_decode_after(after), limit=limit
    )
    items = [DeliveryRead.of(r) for r in rows]
    return DeliveryPage(items=items, next=_encode_after(items[-1]) if len(items) == limit else None)


@router.post("/{subscriber_id}/replay", status_code=status.HTTP_202_ACCEPTED)
async def replay(
    subscriber_id: uuid.UUID,
    body: ReplayRequest,
    principal: Manager,
    pool: Db,
    subs: SubscriptionsDep,
) -> ReplayQueued:
    """Every kept event since `since` goes out again, with its webhook-id (receivers that
    deduplicate see nothing twice). 422 `replay_window_exceeded` before what is kept."""
    queued = await log.replay(pool, subs, principal, subscriber_id, since=body.since)
    return ReplayQueued(queued=queued)
