"""Records for their owner and for staff in scope; progress of matching per class."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.deps import CurrentPrincipal, Db
from jiaodui_runtime.errors import Problem

from jiaodui_records.entrypoints.deps import RecordsDep, Staff
from jiaodui_records.service_layer.published import record_read
from jiaodui_records.store import records

router = APIRouter(prefix="/v1", tags=["records"])


def _scope(
    principal: Principal, institution_code: str | None, college: str | None
) -> tuple[str, str | None]:
    """The institution and college a staff member asks for, within what they may see."""
    institution = institution_code or principal.institution_code
    if not institution:
        raise Problem(422, "institution_code_required", "Name the institution_code.")
    if principal.role == "college_staff":
        college = college or principal.college
    if not principal.in_scope(institution, college) or principal.role == "photographer":
        raise Problem(403, "forbidden_scope", "These records are outside your scope.")
    return institution, college


@router.get("/records/{record_id}")
async def get_record(record_id: uuid.UUID, principal: CurrentPrincipal, db: Db) -> dict[str, Any]:
    async with db.acquire() as conn:
        row = await records.get(conn, record_id)
        if principal.role == "student":
            owner = row is not None and await records.owned_by(
                conn, record_id, uuid.UUID(principal.account_id)
            )
            if not owner:
                raise Problem(404, "record_not_found", "No such record of yours.")
    if row is None:
        raise Problem(404, "record_not_found", "No such record.")
    if principal.role != "student" and not principal.in_scope(
        row["institution_code"], row["branch"]
    ):
        raise Problem(403, "forbidden_scope", "This record is outside your scope.")
    return record_read(row)


@router.get("/records")
async def list_records(
    principal: Staff,
    db: Db,
    state: RecordsDep,
    institution_code: str | None = None,
    college: str | None = None,
    class_name: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    institution, college = _scope(principal, institution_code, college)
    async with db.acquire() as conn:
        rows = await records.page(
            conn, institution_code=institution, college=college, class_name=class_name,
            after=cursor, limit=min(limit, state.settings.records_page_max),
        )  # fmt: skip
    next_cursor = rows[-1]["student_number"] if len(rows) == limit else None
    return {"items": [record_read(r) for r in rows], "next_cursor": next_cursor}


@router.get("/progress")
async def progress(
    principal: Staff, db: Db, institution_code: str | None = None, college: str | None = None
) -> dict[str, Any]:
    """Roster size against matched records, per college (branch) and class."""
    institution, college = _scope(principal, institution_code, college)
    async with db.acquire() as conn:
        rows = await records.progress(conn, institution_code=institution, college=college)
    groups = [dict(r) for r in rows]
    return {
        "institution_code": institution,
        "college": college,
        "roster": sum(g["roster"] for g in groups),
        "matched": sum(g["matched"] for g in groups),
        "groups": groups,
    }
