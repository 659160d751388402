"""The pull feed: a campus system's own institution's events of the types it chose (and its
token's scopes allow), in order, from an opaque cursor."""

from __future__ import annotations

import asyncpg
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.errors import Problem

from jiaodui_subscriptions.domain import cursor
from jiaodui_subscriptions.domain.catalogue import readable
from jiaodui_subscriptions.store import events, subscribers


async def read(
    pool: asyncpg.Pool,
    principal: Principal,
    *,
    after: str | None,
    types: list[str] | None,
    limit: int,
) -> tuple[list[bytes], str]:
    try:
        position = cursor.decode(after)
    except cursor.InvalidCursor as exc:
        raise Problem(422, "invalid_cursor", "Use a cursor this feed handed out.") from exc
    async with pool.acquire() as conn:
        sub = await subscribers.by_client(conn, principal.account_id)
        if sub is None or sub["institution_code"] != principal.institution_code:
            raise Problem(403, "client_revoked", "These client credentials no longer hold.")
        chosen = readable(sub["event_types"], principal.scopes)
        if types:
            chosen = [t for t in chosen if t in set(types)]
        rows = await events.page(
            conn,
            after=position,
            institution_code=sub["institution_code"],
            types=chosen,
            limit=limit,
        )
    last = rows[-1]["position"] if rows else position
    return [bytes(r["body"]) for r in rows], cursor.encode(last)
