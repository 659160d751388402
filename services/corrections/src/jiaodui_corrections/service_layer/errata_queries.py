"""Reading errata: one case with its history, the office's queue, the student's own."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

import asyncpg
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.errors import Problem

from jiaodui_corrections.domain.errata import ErratumStatus
from jiaodui_corrections.service_layer.errata import check_scope
from jiaodui_corrections.service_layer.views import erratum_view
from jiaodui_corrections.store import errata as store
from jiaodui_corrections.store import history


async def read_erratum(
    pool: asyncpg.Pool, principal: Principal, erratum_id: uuid.UUID
) -> dict[str, Any]:
    async with pool.acquire() as conn:
        row = await store.read(conn, erratum_id)
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


def _in_scope(principal: Principal, where: store.QueueFilter) -> store.QueueFilter:
    """A college's staff see their college, a registrar the institution (ops, admin: all)."""
    if principal.role not in {"college_staff", "registrar"}:
        return where
    if where.institution_code not in (None, principal.institution_code):
        raise Problem(403, "forbidden_scope", "This is outside your institution.")
    where = replace(where, institution_code=principal.institution_code)
    if principal.role == "college_staff":
        if where.college not in (None, principal.college):
            raise Problem(403, "forbidden_scope", "This is outside your college.")
        where = replace(where, college=principal.college)
    return where


async def list_errata(
    pool: asyncpg.Pool,
    principal: Principal,
    where: store.QueueFilter,
    *,
    status: str | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """The staff queue, oldest first: a page, how many in all, and how many per status."""
    where = _in_scope(principal, where)
    async with pool.acquire() as conn:
        rows = await store.queue(conn, where, status=status, limit=limit, offset=offset)
        counts = await store.counts(conn, where)
    per_status = {s.value: counts.get(s.value, 0) for s in ErratumStatus}
    total = per_status[status] if status else sum(per_status.values())
    return {"items": [erratum_view(r) for r in rows], "total": total, "counts": per_status}


async def my_errata(pool: asyncpg.Pool, principal: Principal) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        return [erratum_view(r) for r in await store.of_account(conn, principal.account_id)]
