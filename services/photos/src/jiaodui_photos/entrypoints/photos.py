"""Photos: the student's own, one record's for staff, the unlinked ones, images, answers."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from jiaodui_runtime.deps import CurrentPrincipal
from jiaodui_runtime.privacy import scrub_text
from pydantic import BaseModel, Field

from jiaodui_photos.domain.answers import SlotStatus
from jiaodui_photos.entrypoints.deps import PhotoLister, PhotosDep, RecordReader, Student
from jiaodui_photos.entrypoints.schemas import PhotoAnswer, RecordPhotosRead, UnlinkedPhotoPage
from jiaodui_photos.service_layer import answers, views, workbench

router = APIRouter(tags=["photos"])


class DisputeCreate(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


@router.get("/v1/me/photos", response_model=list[RecordPhotosRead])
async def my_photos(principal: Student, ph: PhotosDep) -> list[dict[str, Any]]:
    return await views.my_photos(ph, principal)


@router.get("/v1/records/{record_id}/photos", response_model=RecordPhotosRead)
async def record_photos(
    record_id: uuid.UUID, principal: RecordReader, ph: PhotosDep
) -> dict[str, Any]:
    """One record's photos as its student sees them (the college office's student search)."""
    return await views.record_photos(ph, principal, record_id)


@router.get("/v1/photos", response_model=UnlinkedPhotoPage)
async def list_photos(
    principal: PhotoLister,
    ph: PhotosDep,
    institution_code: Annotated[str | None, Query(max_length=64)] = None,
    status: Literal["unlinked"] = "unlinked",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """Photos that found no record yet, newest first, with what the manifest said."""
    page = await workbench.unlinked_photos(
        ph, principal, institution_code=institution_code, limit=limit, offset=offset
    )
    return {"items": page.items, "total": page.total}


_JPEG = {"content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}


@router.get(
    "/v1/photos/{photo_id}/image",
    response_class=Response,
    responses={
        200: {"description": "The photo (EXIF stripped)", **_JPEG},
        304: {"description": "Not modified (If-None-Match matched the ETag)"},
    },
)
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


@router.post("/v1/photos/{photo_id}/confirm", response_model=PhotoAnswer)
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
