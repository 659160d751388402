"""Photo batches: a manifest CSV and a ZIP of JPEGs."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from jiaodui_runtime.deps import CurrentPrincipal
from jiaodui_runtime.errors import Problem

from jiaodui_photos.adapters.upload import UploadRejectedError, receive_batch
from jiaodui_photos.entrypoints.deps import BatchReader, PhotosDep, Uploader
from jiaodui_photos.entrypoints.schemas import BatchAccepted, BatchPage, BatchRead
from jiaodui_photos.service_layer import batches, views, workbench

router = APIRouter(tags=["batches"])


@router.post(
    "/v1/batches",
    status_code=status.HTTP_202_ACCEPTED,
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["manifest", "archive"],
                        "properties": {
                            "manifest": {"type": "string", "format": "binary"},
                            "archive": {"type": "string", "format": "binary"},
                        },
                    }
                }
            },
            "required": True,
        }
    },
)
async def upload_batch(request: Request, principal: Uploader, ph: PhotosDep) -> BatchAccepted:
    s = ph.settings
    try:
        received = await receive_batch(
            request.headers,
            request.stream(),
            max_manifest_bytes=s.max_manifest_bytes,
            max_archive_bytes=s.max_archive_bytes,
        )
    except UploadRejectedError as exc:
        raise Problem(exc.status, exc.code, exc.detail) from exc
    batch_id = await batches.start_batch(ph, principal, received)
    return BatchAccepted(batch_id=str(batch_id))


@router.get("/v1/batches", response_model=BatchPage)
async def list_batches(
    principal: BatchReader,
    ph: PhotosDep,
    institution_code: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """Recent batches of the institution, newest first, with their files' counts."""
    page = await workbench.recent_batches(
        ph, principal, institution_code=institution_code, limit=limit, offset=offset
    )
    return {"items": page.items, "total": page.total}


@router.get("/v1/batches/{batch_id}", response_model=BatchRead)
async def read_batch(
    batch_id: uuid.UUID, principal: CurrentPrincipal, ph: PhotosDep
) -> dict[str, Any]:
    if principal.role == "student":
        raise Problem(403, "forbidden_role", "Your role may not do this.")
    return await views.batch_view(ph, principal, batch_id)
