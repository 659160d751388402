"""Records for their owner and for staff in scope; progress of matching per class."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.deps import CurrentPrincipal, Db
from jiaodui_runtime.errors import Problem

from jiaodui_records.entrypoints.deps import RecordsDep, Staff
from jiaodui_records.entrypoints.schemas import ProgressGroup, ProgressRead, RecordPage, RecordRead
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
async def get_record(record_id: uuid.UUID, principal: CurrentPrincipal, db: Db) -> RecordRead:
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
    return RecordRead.model_validate(record_read(row))


@router.get("/records")
async def list_records(
    principal: Staff,
    db: Db,
    state: RecordsDep,
    institution_code: Annotated[str | None, Query(max_length=64)] = None,
    college: Annotated[str | None, Query(max_length=200)] = None,
    class_name: Annotated[str | None, Query(max_length=200)] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, description="A name's beginning or a student number's"),
    ] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> RecordPage:
    """A page of the roster in student-number order; ``next_cursor`` leads to the next."""
    institution, college = _scope(principal, institution_code, college)
    limit = min(limit, state.settings.records_page_max)
    search = (q or "").strip() or None
    async with db.acquire() as conn:
        rows = await records.page(
            conn, institution_code=institution, college=college, class_name=class_name,
            q=search, after=cursor, limit=limit,
        )  # fmt: skip
        total = await records.count(
            conn, institution_code=institution, college=college, class_name=class_name, q=search
        )
    next_cursor = rows[-1]["student_number"] if len(rows) == limit else None
    return RecordPage(
        items=[RecordRead.model_validate(record_read(r)) for r in rows],
        total=total,
        next_cursor=next_cursor,
    )


@router.get("/progress")
async def progress(
    principal: Staff, db: Db, institution_code: str | None = None, college: str | None = None
) -> ProgressRead:
    """Roster size against matched records, per college (branch) and class."""
    institution, college = _scope(principal, institution_code, college)
    async with db.acquire() as conn:
        rows = await records.progress(conn, institution_code=institution, college=college)
    groups = [ProgressGroup(**dict(r)) for r in rows]
    return ProgressRead(
        institution_code=institution,
        college=college,
        roster=sum(g.roster for g in groups),
        matched=sum(g.matched for g in groups),
        groups=groups,
    )
