"""Photo batches: a manifest CSV and a ZIP of JPEGs."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, status
from jiaodui_runtime.deps import CurrentPrincipal
from jiaodui_runtime.errors import Problem
from pydantic import BaseModel

from jiaodui_photos.adapters.upload import UploadRejectedError, receive_batch
from jiaodui_photos.entrypoints.deps import PhotosDep, Uploader
from jiaodui_photos.service_layer import batches, views

router = APIRouter(tags=["batches"])


class BatchAccepted(BaseModel):
    batch_id: str


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


@router.get("/v1/batches/{batch_id}")
async def read_batch(
    batch_id: uuid.UUID, principal: CurrentPrincipal, ph: PhotosDep
) -> dict[str, Any]:
    if principal.role == "student":
        raise Problem(403, "forbidden_role", "Your role may not do this.")
    return await views.batch_view(ph, principal, batch_id)
