"""``/healthz`` (the process lives), ``/readyz`` (its dependencies answer), ``/metrics``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Literal

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field

from jiaodui_runtime.kafka import kafka_reachable

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"]


class Checks(BaseModel):
    database: bool
    redis: bool
    kafka: bool


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"] = Field(description="503 when unavailable.")
    checks: Checks


@router.get("/healthz")
async def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness)
async def readyz(request: Request, response: Response) -> dict[str, object]:
    rt = request.app.state.runtime

    async def database() -> bool:
        async with rt.pool.acquire() as conn:
            return bool(await conn.fetchval("SELECT 1"))

    async def redis() -> bool:
        return bool(await rt.redis.ping())

    async def kafka() -> bool:
        return await kafka_reachable(rt.producer)

    checks: dict[str, Callable[[], Awaitable[bool]]] = {
        "database": database,
        "redis": redis,
        "kafka": kafka,
    }

    async def guarded(check: Callable[[], Awaitable[bool]]) -> bool:
        try:
            return await asyncio.wait_for(check(), 3.0)
        except Exception:
            return False

    results = await asyncio.gather(*(guarded(c) for c in checks.values()))
    status = dict(zip(checks, results, strict=True))
    ready = all(results)
    if not ready:
        response.status_code = 503
    return {"status": "ready" if ready else "unavailable", "checks": status}


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
