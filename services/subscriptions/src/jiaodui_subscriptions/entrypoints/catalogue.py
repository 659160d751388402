"""``GET /v1/catalogue``: the public event catalogue (no login: it documents the contract)."""

from __future__ import annotations

from functools import cache
from typing import Any

import orjson
from fastapi import APIRouter, Response
from jiaodui_contracts.catalogue import document
from jiaodui_contracts.generate import VERSION, schemas

router = APIRouter(prefix="/v1/catalogue", tags=["catalogue"])


@cache
def _rendered() -> bytes:
    return orjson.dumps(document(VERSION, schemas()))


@router.get("", response_model=dict[str, Any])
async def read_catalogue() -> Response:
    """Every public event type: JSON Schema, example CloudEvent, version, producer; and how
    to verify a webhook signature (Python, Java)."""
    return Response(
        _rendered(), media_type="application/json", headers={"cache-control": "max-age=300"}
    )
