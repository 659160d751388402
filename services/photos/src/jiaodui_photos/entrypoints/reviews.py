"""The college office's review queue of machine-checked photos (DESIGN §9)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from jiaodui_runtime.privacy import scrub_text
from pydantic import BaseModel, Field

from jiaodui_photos.domain.checks import Review
from jiaodui_photos.entrypoints.deps import PhotosDep, Reviewer
from jiaodui_photos.entrypoints.schemas import ReviewDecision, ReviewPage
from jiaodui_photos.service_layer import reviews

router = APIRouter(tags=["reviews"])


class RecaptureCreate(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


@router.get("/v1/reviews", response_model=ReviewPage)
async def list_reviews(
    principal: Reviewer,
    ph: PhotosDep,
    institution_code: Annotated[str | None, Query(max_length=64)] = None,
    college: Annotated[str | None, Query(max_length=100)] = None,
    verdict: Literal["fail", "uncertain", "anomaly"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """Photos whose check waits for the office, oldest first, with the record's other photo."""
    return await reviews.list_reviews(
        ph, principal, institution_code=institution_code, college=college, verdict=verdict,
        limit=limit, offset=offset,
    )  # fmt: skip


@router.post("/v1/reviews/{photo_id}/accept", response_model=ReviewDecision)
async def accept_photo(photo_id: uuid.UUID, principal: Reviewer, ph: PhotosDep) -> dict[str, Any]:
    """The same person after all: the student may confirm the photo."""
    return await reviews.review_photo(ph, principal, photo_id=photo_id, wanted=Review.ACCEPTED)


@router.post("/v1/reviews/{photo_id}/recapture", response_model=ReviewDecision)
async def request_recapture(
    photo_id: uuid.UUID, body: RecaptureCreate, principal: Reviewer, ph: PhotosDep
) -> dict[str, Any]:
    """Ask for a new photo: an erratum opens; the new photo is checked again."""
    return await reviews.review_photo(
        ph,
        principal,
        photo_id=photo_id,
        wanted=Review.RECAPTURE,
        # free text goes on a public event: ID and phone numbers in it are masked
        reason=scrub_text(body.reason.strip()),
    )
