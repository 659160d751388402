"""The student's own views: matching state, records, print view, collection code."""

from __future__ import annotations

import uuid
from typing import Any

import segno
from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from jiaodui_runtime.codes import sign_collection_code
from jiaodui_runtime.deps import CurrentStudent, Db
from jiaodui_runtime.errors import Problem

from jiaodui_records.adapters.printable import render_printable
from jiaodui_records.domain.hints import hint
from jiaodui_records.domain.matching import MatchStatus
from jiaodui_records.entrypoints.deps import RecordsDep
from jiaodui_records.entrypoints.schemas import CollectionCodeRead, MatchRead, RecordRead
from jiaodui_records.service_layer.published import record_read
from jiaodui_records.store import matching, records

router = APIRouter(prefix="/v1/me", tags=["me"])


@router.get("/match")
async def my_match(student: CurrentStudent, db: Db) -> MatchRead:
    async with db.acquire() as conn:
        account_id = uuid.UUID(student.account_id)
        state = (await matching.states(conn, [account_id])).get(account_id)
    status = state.status if state else MatchStatus.PENDING
    reason = state.reason if state else None
    return MatchRead.model_validate(
        {
            "status": status.value,
            "reason": reason.value if reason else None,
            "hint": hint(status, reason),
        }
    )


@router.get("/records")
async def my_records(student: CurrentStudent, db: Db) -> list[RecordRead]:
    async with db.acquire() as conn:
        rows = await records.of_account(conn, uuid.UUID(student.account_id))
    return [RecordRead.model_validate(record_read(r)) for r in rows]


async def _own_record(db: Db, record_id: uuid.UUID, account_id: str) -> Any:
    async with db.acquire() as conn:
        if not await records.owned_by(conn, record_id, uuid.UUID(account_id)):
            raise Problem(404, "record_not_found", "No such record of yours.")
        return await records.get(conn, record_id)


@router.get("/records/{record_id}/printable", response_class=HTMLResponse)
async def printable(record_id: uuid.UUID, student: CurrentStudent, db: Db) -> HTMLResponse:
    row = await _own_record(db, record_id, student.account_id)
    return HTMLResponse(render_printable(record_read(row)), headers={"Cache-Control": "no-store"})


@router.get("/records/{record_id}/collection-code")
async def collection_code(
    record_id: uuid.UUID, student: CurrentStudent, db: Db, state: RecordsDep
) -> CollectionCodeRead:
    await _own_record(db, record_id, student.account_id)
    code = sign_collection_code(state.settings.collection_code_key, str(record_id))
    qr = segno.make(code, error="m")
    return CollectionCodeRead(record_id=str(record_id), code=code, qr_svg=qr.svg_inline(scale=4))
