"""Reading errata: one case with its history, the office's queue, the student's own."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.errors import Problem

from jiaodui_corrections.service_layer.errata import check_scope
from jiaodui_corrections.service_layer.views import erratum_view
from jiaodui_corrections.store import errata as store
from jiaodui_corrections.store import history


async def read_erratum(
    pool: asyncpg.Pool, principal: Principal, erratum_id: uuid.UUID
) -> dict[str, Any]:
    async with pool.acquire() as conn:
        row = await store.get(conn, erratum_id)
        if row is None:
            raise Problem(404, "erratum_not_found", "There is no such erratum.")
        if principal.role == "student":
            if str(row["account_id"]) != principal.account_id:
                raise Problem(403, "forbidden_record", "This erratum is not about your record.")
        else:
            check_scope(principal, row)
        view = erratum_view(row)
        view["history"] = await history.of_case(conn, erratum_id)
    return view


async def list_errata(
    pool: asyncpg.Pool,
    principal: Principal,
    *,
    status: str | None,
    institution_code: str | None,
    college: str | None,
    limit: int,
    after: datetime | None,
) -> list[dict[str, Any]]:
    """The staff queue: a college's staff see their college, a registrar the institution."""
    if principal.role in {"college_staff", "registrar"}:
        if institution_code not in (None, principal.institution_code):
            raise Problem(403, "forbidden_scope", "This is outside your institution.")
        institution_code = principal.institution_code
        if principal.role == "college_staff":
            if college not in (None, principal.college):
                raise Problem(403, "forbidden_scope", "This is outside your college.")
            college = principal.college
    async with pool.acquire() as conn:
        rows = await store.queue(
            conn, status=status, institution_code=institution_code, college=college,
            limit=limit, after=after,
        )  # fmt: skip
    return [erratum_view(r) for r in rows]


async def my_errata(pool: asyncpg.Pool, principal: Principal) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        return [erratum_view(r) for r in await store.of_account(conn, principal.account_id)]
