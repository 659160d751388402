"""``GET /v1/me/messages``: the caller's in-app inbox (links with tokens redacted)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from jiaodui_runtime.deps import CurrentPrincipal, Db
from pydantic import BaseModel

from jiaodui_notify.store import people

router = APIRouter(prefix="/v1/me/messages", tags=["inbox"])


class MessageRead(BaseModel):
    message_id: str
    template: str
    channel: Literal["email", "sms", "inbox"]
    """``inbox``: notify knows no address for the account, so it is only shown here."""
    subject: str
    body: str
    delivery_status: str | None
    created_at: datetime


class MessagePage(BaseModel):
    items: list[MessageRead]


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
                body=row["body"],
                delivery_status=row["status"],
                created_at=row["created_at"],
            )
            for row in rows
        ]
    )
