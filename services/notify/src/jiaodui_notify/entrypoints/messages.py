"""``GET /v1/me/messages``: the caller's in-app inbox (links with tokens redacted)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from jiaodui_runtime.deps import CurrentPrincipal, Db

from jiaodui_notify.domain.notices import excerpt
from jiaodui_notify.entrypoints.schemas import MessagePage, MessageRead
from jiaodui_notify.store import people

router = APIRouter(prefix="/v1/me/messages", tags=["inbox"])


@router.get("")
async def my_messages(
    principal: CurrentPrincipal,
    pool: Db,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> MessagePage:
    async with pool.acquire() as conn:
        rows = await people.messages_of(conn, principal.account_id, limit=limit)
    return MessagePage(
        items=[
            MessageRead(
                message_id=str(row["id"]),
                template=row["template"],
                channel=row["channel"],
                subject=row["subject"],
                excerpt=excerpt(row["body"]),
                body=row["body"],
                delivery_status=row["status"],
                created_at=row["created_at"],
            )
            for row in rows
        ]
    )
