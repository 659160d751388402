"""Errata routes: filing, the office's queue, decisions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from jiaodui_runtime.deps import CurrentStudent, Db

from jiaodui_corrections.domain.errata import ErratumStatus as S
from jiaodui_corrections.domain.errata import Item
from jiaodui_corrections.entrypoints.deps import (
    CorrectionsDep,
    ErrataFiler,
    ErrataReader,
    ErrataReviewer,
    StaffReader,
)
from jiaodui_corrections.entrypoints.schemas import (
    ErratumCreate,
    ErratumDetail,
    ErratumFiled,
    ErratumPage,
    ErratumRead,
    Rejection,
)
from jiaodui_corrections.service_layer import errata, errata_queries
from jiaodui_corrections.store.errata import QueueFilter

router = APIRouter(tags=["errata"])


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
    return ErratumFiled.model_validate(answer)


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


@router.get("/v1/errata")
async def list_errata(
    principal: StaffReader,
    pool: Db,
    status: S | None = None,
    institution_code: Annotated[str | None, Query(max_length=32)] = None,
    college: Annotated[str | None, Query(max_length=100)] = None,
    class_name: Annotated[str | None, Query(max_length=200)] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, description="The beginning of the student's name or number"),
    ] = None,
    filed_after: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ErratumPage:
    """The office's queue (staff in scope), oldest first, with counts per status."""
    where = QueueFilter(
        institution_code=institution_code, college=college, class_name=_text(class_name),
        q=_text(q), filed_after=filed_after,
    )  # fmt: skip
    page = await errata_queries.list_errata(
        pool, principal, where, status=status, limit=limit, offset=offset
    )
    return ErratumPage.model_validate(page)


@router.get("/v1/me/errata")
async def my_errata(principal: CurrentStudent, pool: Db) -> list[ErratumRead]:
    """The student's errata, newest first, each with its timeline."""
    return [ErratumRead.model_validate(e) for e in await errata_queries.my_errata(pool, principal)]


@router.get("/v1/errata/{erratum_id}")
async def read_erratum(erratum_id: uuid.UUID, principal: ErrataReader, pool: Db) -> ErratumDetail:
    return ErratumDetail.model_validate(
        await errata_queries.read_erratum(pool, principal, erratum_id)
    )


@router.post("/v1/errata/{erratum_id}/approve")
async def approve(erratum_id: uuid.UUID, principal: ErrataReviewer, pool: Db) -> ErratumRead:
    return ErratumRead.model_validate(
        await errata.decide_erratum(pool, principal, erratum_id, decision=S.APPROVED)
    )


@router.post("/v1/errata/{erratum_id}/reject")
async def reject(
    erratum_id: uuid.UUID, body: Rejection, principal: ErrataReviewer, pool: Db
) -> ErratumRead:
    return ErratumRead.model_validate(
        await errata.decide_erratum(
            pool, principal, erratum_id, decision=S.REJECTED, reason=body.reason.strip()
        )
    )
