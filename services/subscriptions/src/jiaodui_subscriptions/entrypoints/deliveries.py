"""``POST /v1/deliveries/{id}/resend``: one delivery goes out again (same webhook-id)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status
from jiaodui_runtime.deps import Db

from jiaodui_subscriptions.entrypoints.deps import Manager
from jiaodui_subscriptions.entrypoints.schemas import ResendQueued
from jiaodui_subscriptions.service_layer import log

router = APIRouter(prefix="/v1/deliveries", tags=["deliveries"])


@router.post("/{delivery_id}/resend", status_code=status.HTTP_202_ACCEPTED)
async def resend_delivery(delivery_id: uuid.UUID, principal: Manager, pool: Db) -> ResendQueued:
    await log.resend(pool, principal, delivery_id)
    return ResendQueued(delivery_id=str(delivery_id))
