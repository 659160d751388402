"""The cohort's deadline as corrections knows it (photos owns the windows; this mirror is
set with the same request as photos' ``PUT /v1/windows/...`` and from photos' events)."""

from __future__ import annotations

from fastapi import APIRouter, Path
from jiaodui_runtime.deps import Db
from jiaodui_runtime.errors import Problem

from jiaodui_corrections.entrypoints.deps import WindowSetter
from jiaodui_corrections.entrypoints.schemas import WindowRead, WindowSet
from jiaodui_corrections.store import replica

router = APIRouter(prefix="/v1/windows", tags=["windows"])


@router.put("/{institution_code}/{cohort}")
async def set_window(
    body: WindowSet,
    principal: WindowSetter,
    pool: Db,
    institution_code: str = Path(min_length=1, max_length=64),
    cohort: str = Path(min_length=1, max_length=32),
) -> WindowRead:
    if not principal.in_scope(institution_code):
        raise Problem(403, "forbidden_scope", "This is outside your institution.")
    if body.recheck_from and body.recheck_until and body.recheck_until <= body.recheck_from:
        raise Problem(422, "window_invalid", "The re-check window ends before it starts.")
    async with pool.acquire() as conn:
        await replica.set_window(
            conn, institution_code, cohort, confirm_until=body.confirm_until,
            recheck_from=body.recheck_from, recheck_until=body.recheck_until,
            set_by=principal.account_id,
        )  # fmt: skip
    return WindowRead(institution_code=institution_code, cohort=cohort, **body.model_dump())
