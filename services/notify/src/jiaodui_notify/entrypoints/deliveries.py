"""``GET /v1/deliveries``: the delivery log for operations (recipients masked)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from jiaodui_runtime.deps import Db

from jiaodui_notify.domain.delivery import Status
from jiaodui_notify.entrypoints.deps import OpsOrAdmin
from jiaodui_notify.entrypoints.schemas import DeliveryPage, DeliveryRead
from jiaodui_notify.service_layer.notices import recipient_key
from jiaodui_notify.store import deliveries

router = APIRouter(prefix="/v1/deliveries", tags=["deliveries"])


@router.get("")
async def list_deliveries(
    _principal: OpsOrAdmin,
    pool: Db,
    recipient: Annotated[str | None, Query(max_length=320)] = None,
    status: Status | None = None,
    before: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> DeliveryPage:
    key = None
    if recipient:
        key = recipient_key("email" if "@" in recipient else "sms", recipient)
    async with pool.acquire() as conn:
        rows = await deliveries.search(
            conn, recipient_key=key, status=status, before=before, limit=limit
        )
    items = [
        DeliveryRead(
            delivery_id=str(row["id"]),
            channel=row["channel"],
            template=row["template"],
            recipient_masked=row["recipient_masked"],
            account_id=str(row["account_id"]) if row["account_id"] else None,
            status=row["status"],
            attempts=row["attempts"],
            error=row["error"],
            cause_type=row["cause_type"],
            cause_event_id=str(row["cause_event_id"]),
            subject=row["subject"],
            created_at=row["created_at"],
            sent_at=row["sent_at"],
            failed_at=row["failed_at"],
            next_attempt_at=row["next_attempt_at"] if row["status"] == "pending" else None,
        )
        for row in rows
    ]
    next_before = items[-1].created_at if len(items) == limit else None
    return DeliveryPage(items=items, next_before=next_before)
