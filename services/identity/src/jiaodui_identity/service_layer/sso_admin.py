"""Admin's side of campus sign-on: which staff number opens which staff account."""

from __future__ import annotations

import uuid

import asyncpg
from jiaodui_runtime.errors import Problem

from jiaodui_identity import sso_store, store


async def link_staff(pool: asyncpg.Pool, *, account_id: uuid.UUID, number: str) -> str:
    """Link (or re-link) a staff account to its campus staff number; the institution is the
    account's own. Returns that institution's code."""
    async with pool.acquire() as conn, conn.transaction():
        account = await store.staff_by_id(conn, account_id)
        if account is None:
            raise Problem(404, "staff_not_found", "No staff account with this id.")
        code = account["institution_code"]
        if code is None:
            raise Problem(
                409,
                "staff_without_institution",
                "This staff account belongs to no institution: it logs in with its password.",
            )
        await sso_store.delete_staff_link(conn, account_id)
        if not await sso_store.insert_link(conn, code, number, account_id, kind="staff"):
            raise Problem(
                409, "staff_number_taken", "This number already opens another account here."
            )
    return str(code)
