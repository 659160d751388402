"""Students' photos: the list, the image, confirm and dispute."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from jiaodui_runtime.deps import CurrentPrincipal
from jiaodui_runtime.privacy import scrub_text
from pydantic import BaseModel, Field

from jiaodui_photos.domain.answers import SlotStatus
from jiaodui_photos.entrypoints.deps import PhotosDep, Student
from jiaodui_photos.service_layer import answers, views

router = APIRouter(tags=["photos"])


class PhotoAnswer(BaseModel):
    photo_id: str
    record_id: str
    kind: Literal["graduation", "admission"]
    status: Literal["pending", "confirmed", "disputed"]
    answered_at: str | None
    reason: str | None


class DisputeCreate(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


@router.get("/v1/me/photos")
async def my_photos(principal: Student, ph: PhotosDep) -> list[dict[str, Any]]:
    return await views.my_photos(ph, principal)


@router.get("/v1/photos/{photo_id}/image", response_class=Response)
async def photo_image(
    photo_id: uuid.UUID, request: Request, principal: CurrentPrincipal, ph: PhotosDep
) -> Response:
    key = await views.image_facts(ph, principal, photo_id)
    etag = f'"{key.removeprefix("sha256:")}"'  # content-addressed: the key is a strong ETag
    headers = {
        "ETag": etag,
        "Cache-Control": f"private, max-age={ph.settings.image_max_age_s}",
        "Vary": "Authorization",
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    data = await views.load_image(ph, key)
    return Response(content=data, media_type="image/jpeg", headers=headers)


@router.post("/v1/photos/{photo_id}/confirm")
async def confirm_photo(photo_id: uuid.UUID, principal: Student, ph: PhotosDep) -> dict[str, Any]:
    return await answers.answer_photo(ph, principal, photo_id=photo_id, wanted=SlotStatus.CONFIRMED)


@router.post("/v1/photos/{photo_id}/dispute", response_model=PhotoAnswer)
async def dispute_photo(
    photo_id: uuid.UUID, body: DisputeCreate, principal: Student, ph: PhotosDep
) -> dict[str, Any]:
    return await answers.answer_photo(
        ph,
        principal,
        photo_id=photo_id,
        wanted=SlotStatus.DISPUTED,
        # free text goes on a public event: ID and phone numbers in it are masked
        reason=scrub_text(body.reason.strip()),
    )
