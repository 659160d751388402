"""Confirmation windows per institution and cohort."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import AwareDatetime, BaseModel

from jiaodui_photos.domain.windows import Window, phase_of
from jiaodui_photos.entrypoints.deps import PhotosDep, Registrar, WindowReader
from jiaodui_photos.entrypoints.schemas import WindowList, WindowRead
from jiaodui_photos.service_layer import workbench
from jiaodui_photos.service_layer.windows import set_window, window_view

router = APIRouter(tags=["windows"])


class WindowUpdate(BaseModel):
    confirm_until: AwareDatetime
    recheck_from: AwareDatetime
    recheck_until: AwareDatetime


@router.put("/v1/windows/{institution_code}/{cohort}", response_model=WindowRead)
async def put_window(
    body: WindowUpdate,
    principal: Registrar,
    ph: PhotosDep,
    institution_code: str = Path(min_length=1, max_length=64),
    cohort: str = Path(min_length=1, max_length=32),
) -> dict[str, Any]:
    window = Window(body.confirm_until, body.recheck_from, body.recheck_until)
    await set_window(ph, principal, institution_code=institution_code, cohort=cohort, window=window)
    view = window_view(window, phase_of(window, datetime.now(UTC)), ph.display_zone)
    return {"institution_code": institution_code, "cohort": cohort, **view}


@router.get("/v1/windows", response_model=WindowList)
async def list_windows(
    principal: WindowReader,
    ph: PhotosDep,
    institution_code: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """The windows set for each cohort (times in the display zone, like /v1/me/photos)."""
    items = await workbench.confirmation_windows(ph, principal, institution_code=institution_code)
    return {"items": items}
