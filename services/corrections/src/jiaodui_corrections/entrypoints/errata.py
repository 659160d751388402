"""Errata routes: filing, the office's queue, decisions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query, status
from jiaodui_runtime.deps import CurrentStudent, Db
from pydantic import BaseModel, Field

from jiaodui_corrections.domain.errata import ErratumStatus as S
from jiaodui_corrections.domain.errata import Item
from jiaodui_corrections.entrypoints.deps import (
    CorrectionsDep,
    ErrataFiler,
    ErrataReader,
    ErrataReviewer,
    StaffReader,
)
from jiaodui_corrections.service_layer import errata, errata_queries

router = APIRouter(tags=["errata"])


class ErratumItem(BaseModel):
    field: str = Field(max_length=40)
    correct_value: str | None = Field(default=None, max_length=200)


class ErratumCreate(BaseModel):
    record_id: uuid.UUID
    items: list[ErratumItem] = Field(max_length=20)
    note: str | None = Field(default=None, max_length=1000)


class ErratumFiled(BaseModel):
    erratum_id: str
    status: str


class Rejection(BaseModel):
    reason: str = Field(min_length=1, max_length=500, pattern=r"\S")


@router.post("/v1/errata", status_code=status.HTTP_201_CREATED)
async def file_erratum(
    body: ErratumCreate, principal: ErrataFiler, pool: Db, corr: CorrectionsDep
) -> ErratumFiled:
    answer = await errata.file_erratum(
        pool,
        corr.settings,
        principal,
        record_id=body.record_id,
        items=[Item(i.field, i.correct_value) for i in body.items],
        note=(body.note or "").strip() or None,
    )
    return ErratumFiled(**answer)


@router.get("/v1/errata")
async def list_errata(
    principal: StaffReader,
    pool: Db,
    status: S | None = None,
    institution_code: str | None = Query(default=None, max_length=32),
    college: str | None = Query(default=None, max_length=100),
    filed_after: datetime | None = None,
    limit: int = Query(default=100, ge=1, le=500),
) -> list[dict[str, Any]]:
    return await errata_queries.list_errata(
        pool, principal, status=status, institution_code=institution_code, college=college,
        limit=limit, after=filed_after,
    )  # fmt: skip


@router.get("/v1/me/errata")
async def my_errata(principal: CurrentStudent, pool: Db) -> list[dict[str, Any]]:
    return await errata_queries.my_errata(pool, principal)


@router.get("/v1/errata/{erratum_id}")
async def read_erratum(erratum_id: uuid.UUID, principal: ErrataReader, pool: Db) -> dict[str, Any]:
    return await errata_queries.read_erratum(pool, principal, erratum_id)


@router.post("/v1/errata/{erratum_id}/approve")
async def approve(erratum_id: uuid.UUID, principal: ErrataReviewer, pool: Db) -> dict[str, Any]:
    return await errata.decide_erratum(pool, principal, erratum_id, decision=S.APPROVED)


@router.post("/v1/errata/{erratum_id}/reject")
async def reject(
    erratum_id: uuid.UUID, body: Rejection, principal: ErrataReviewer, pool: Db
) -> dict[str, Any]:
    return await errata.decide_erratum(
        pool, principal, erratum_id, decision=S.REJECTED, reason=body.reason.strip()
    )
