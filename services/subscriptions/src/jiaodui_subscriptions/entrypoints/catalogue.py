"""``GET /v1/catalogue``: the public event catalogue (no login: it documents the contract)."""

from __future__ import annotations

from functools import cache

from fastapi import APIRouter, Response
from jiaodui_contracts.catalogue import document
from jiaodui_contracts.generate import VERSION, schemas

from jiaodui_subscriptions.entrypoints.schemas import Catalogue

router = APIRouter(prefix="/v1/catalogue", tags=["catalogue"])


@cache
def _rendered() -> bytes:
    # through the answer's model: what is served is what the OpenAPI document declares
    return (
        Catalogue.model_validate(document(VERSION, schemas()))
        .model_dump_json(by_alias=True)
        .encode()
    )


@router.get("", response_model=Catalogue)
async def read_catalogue() -> Response:
    """Every public event type: JSON Schema, example CloudEvent, version, producer; and how
    to verify a webhook signature (Python, Java)."""
    return Response(
        _rendered(), media_type="application/json", headers={"cache-control": "max-age=300"}
    )
