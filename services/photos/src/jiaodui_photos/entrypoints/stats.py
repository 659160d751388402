"""Progress counts for operations and staff."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from jiaodui_photos.entrypoints.deps import PhotosDep, Staff
from jiaodui_photos.entrypoints.schemas import StatsRead
from jiaodui_photos.service_layer import views

router = APIRouter(tags=["stats"])


@router.get("/v1/stats", response_model=StatsRead)
async def read_stats(
    principal: Staff,
    ph: PhotosDep,
    institution_code: str | None = Query(default=None, max_length=64),
    college: str | None = Query(default=None, max_length=100),
) -> dict[str, Any]:
    return await views.stats(ph, principal, institution_code=institution_code, college=college)
