"""Register, change, rotate, ping and delete subscribers; identity learns each change of
their client credentials from ``ClientCredentialsChanged`` in the same transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import orjson
from jiaodui_contracts.subscriptions import ClientCredentialsChanged
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.outbox import add_to_outbox
from jiaodui_runtime.workqueue import wake

from jiaodui_subscriptions.domain.catalogue import PING_TYPE, scopes_for, unknown_types
from jiaodui_subscriptions.domain.network import UrlNotAllowed
from jiaodui_subscriptions.domain.signing import (
    new_client_id,
    new_client_secret,
    new_webhook_secret,
    secret_sha256,
)
from jiaodui_subscriptions.service_layer.access import check_institution, subscriber_in_scope
from jiaodui_subscriptions.state import SOURCE, Subscriptions
from jiaodui_subscriptions.store import deliveries, subscribers
from jiaodui_subscriptions.store.deliveries import WAKE_CHANNEL


@dataclass(frozen=True, slots=True)
class Registered:
    row: asyncpg.Record
    secret: str
    client_secret: str


def check_types(event_types: list[str]) -> list[str]:
    unknown = unknown_types(event_types)
    if unknown:
        raise Problem(
            422,
            "unknown_event_type",
            "Choose event types from the public catalogue.",
            unknown=unknown,
        )
    return sorted(set(event_types))


async def check_url(subs: Subscriptions, url: str) -> None:
    try:
        await subs.sender.check(url)
    except UrlNotAllowed as exc:
        raise Problem(
            422,
            "url_not_allowed",
            "The endpoint must be an http(s) URL that resolves into the allowed networks.",
            reason=exc.reason,
        ) from exc


async def _announce(conn: DbConnection, row: asyncpg.Record, *, deleted: bool = False) -> None:
    await add_to_outbox(
        conn,
        ClientCredentialsChanged(
            client_id=row["client_id"],
            subscriber_id=str(row["id"]),
            institution_code=row["institution_code"],
            scopes=scopes_for(row["event_types"]),
            secret_sha256=row["client_secret_sha256"],
            enabled=not deleted,
            revision=row["revision"],
            changed_at=row["updated_at"],
        ),
        source=SOURCE,
    )


async def register(
    pool: asyncpg.Pool,
    subs: Subscriptions,
    principal: Principal,
    *,
    name: str,
    owner_email: str,
    url: str,
    event_types: list[str],
    institution_code: str,
) -> Registered:
    check_institution(principal, institution_code)
    types = check_types(event_types)
    await check_url(subs, url)
    secret, client_secret = new_webhook_secret(), new_client_secret()
    async with pool.acquire() as conn, conn.transaction():
        row = await subscribers.insert(
            conn,
            subscriber_id=uuid.uuid4(),
            name=name,
            owner_email=owner_email,
            url=url,
            event_types=types,
            institution_code=institution_code,
            client_id=new_client_id(),
            client_secret_sha256=secret_sha256(client_secret),
            created_by=principal.account_id,
            sealed_secret=subs.sealer.seal(secret),
        )
        await _announce(conn, row)
    return Registered(row, secret, client_secret)


async def change(
    pool: asyncpg.Pool,
    subs: Subscriptions,
    principal: Principal,
    subscriber_id: uuid.UUID,
    *,
    url: str | None,
    event_types: list[str] | None,
    enabled: bool | None,
) -> asyncpg.Record:
    types = check_types(event_types) if event_types is not None else None
    if url is not None:
        await check_url(subs, url)
    async with pool.acquire() as conn, conn.transaction():
        row = await subscriber_in_scope(conn, principal, subscriber_id, for_update=True)
        now_enabled = row["enabled"] if enabled is None else enabled
        switched_on = now_enabled and not row["enabled"]
        updated = await subscribers.update(
            conn,
            subscriber_id,
            url=url if url is not None else row["url"],
            event_types=types if types is not None else list(row["event_types"]),
            enabled=now_enabled,
            # switched back on: a fresh start (its pending deliveries resume)
            disabled_reason=None if now_enabled else (row["disabled_reason"] or "by_staff"),
            failing_since=None if switched_on else row["failing_since"],
        )
        if types is not None and types != sorted(row["event_types"]):
            await _announce(conn, updated)
        if switched_on:
            await wake(conn, WAKE_CHANNEL)
    return updated


async def delete(pool: asyncpg.Pool, principal: Principal, subscriber_id: uuid.UUID) -> None:
    """Idempotent: deleting a deleted subscriber answers the same."""
    async with pool.acquire() as conn, conn.transaction():
        row = await subscribers.get_any(conn, subscriber_id)
        if row is None:
            raise Problem(404, "subscriber_not_found", "No such subscriber.")
        check_institution(principal, row["institution_code"])
        if row["deleted_at"] is not None:
            return
        gone = await subscribers.mark_deleted(conn, subscriber_id)
        await _announce(conn, gone, deleted=True)


async def rotate_secret(
    pool: asyncpg.Pool, subs: Subscriptions, principal: Principal, subscriber_id: uuid.UUID
) -> tuple[str, datetime]:
    """A new ``whsec_`` secret; the previous one keeps signing for the overlap."""
    secret = new_webhook_secret()
    until = datetime.now(UTC) + timedelta(seconds=subs.settings.secret_overlap_s)
    async with pool.acquire() as conn, conn.transaction():
        await subscriber_in_scope(conn, principal, subscriber_id, for_update=True)
        await subscribers.add_secret(
            conn, subscriber_id, subs.sealer.seal(secret), previous_until=until
        )
    return secret, until


def ping_body(subscriber_id: uuid.UUID, event_id: str, now: datetime) -> bytes:
    """A CloudEvent like the others, of the test type (never on Kafka, never in the feed)."""
    return orjson.dumps(
        {
            "specversion": "1.0",
            "id": event_id,
            "source": SOURCE,
            "type": PING_TYPE,
            "time": now.isoformat().replace("+00:00", "Z"),
            "subject": str(subscriber_id),
            "datacontenttype": "application/json",
            "data": {"subscriber_id": str(subscriber_id), "message": "ping", "sent_at": str(now)},
        }
    )


async def ping(pool: asyncpg.Pool, principal: Principal, subscriber_id: uuid.UUID) -> uuid.UUID:
    event_id = str(uuid.uuid4())
    async with pool.acquire() as conn, conn.transaction():
        await subscriber_in_scope(conn, principal, subscriber_id)
        return await deliveries.insert_ping(
            conn,
            subscriber_id=subscriber_id,
            event_id=event_id,
            event_type=PING_TYPE,
            body=ping_body(subscriber_id, event_id, datetime.now(UTC)),
        )
