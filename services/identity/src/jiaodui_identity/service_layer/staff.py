"""Staff accounts, administered by an admin: create, list, change scope, disable."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg
from jiaodui_runtime.auth import STAFF_ROLES, Principal, TokenVerifier
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.logging import get_logger

from jiaodui_identity import store
from jiaodui_identity.domain.accounts import STAFF_SCOPE, AccountStatus, staff_scope_problem
from jiaodui_identity.state import Identity

_log = get_logger(__name__)
_SCOPE_DETAIL = {
    "institution_required": "This role needs an institution_code.",
    "college_required": "This role needs a college.",
    "scope_not_applicable": "This role has no such scope (only what the role is scoped to).",
}


async def create_staff(
    pool: asyncpg.Pool,
    idn: Identity,
    *,
    email: str,
    password: str,
    role: str,
    institution_code: str | None,
    college: str | None,
) -> str:
    if role not in STAFF_ROLES:
        raise Problem(422, "role_invalid", "Unknown staff role.")
    scope = STAFF_SCOPE.get(role, ())
    if "institution" in scope and not institution_code:
        raise Problem(422, "institution_required", _SCOPE_DETAIL["institution_required"])
    if "college" in scope and not college:
        raise Problem(422, "college_required", _SCOPE_DETAIL["college_required"])
    # what the role is not scoped to is dropped here (the form may carry it blank or not)
    if "institution" not in scope:
        institution_code = None
    if "college" not in scope:
        college = None
    password_hash = await idn.passwords.hash(password)
    try:
        async with pool.acquire() as conn, conn.transaction():
            account_id = await store.insert_account(
                conn,
                email=email,
                password_hash=password_hash,
                status=AccountStatus.ACTIVE,
                role=role,
                institution_code=institution_code,
                college=college,
            )
    except asyncpg.UniqueViolationError as exc:
        raise Problem(409, "email_taken", "An account with this e-mail exists.") from exc
    return str(account_id)


@dataclass(frozen=True, slots=True)
class StaffPage:
    rows: list[asyncpg.Record]
    total: int


async def list_staff(
    pool: asyncpg.Pool,
    *,
    role: str | None,
    institution_code: str | None,
    q: str | None,
    limit: int,
    offset: int,
) -> StaffPage:
    async with pool.acquire() as conn:
        rows, total = await store.staff_page(
            conn,
            role=role,
            institution_code=institution_code,
            q=q.strip() if q and q.strip() else None,
            limit=limit,
            offset=offset,
        )
    return StaffPage(rows, total)


async def update_staff(
    pool: asyncpg.Pool,
    verifier: TokenVerifier,
    admin: Principal,
    *,
    account_id: uuid.UUID,
    changes: dict[str, Any],
) -> asyncpg.Record:
    """Change a staff account's scope or disable / enable it.

    Tokens carry the scope, so a new scope or a disabled account ends every session of
    the account (the same "revoked before" mark as a password reset); a disabled account
    cannot log in until it is enabled again.
    """
    async with pool.acquire() as conn, conn.transaction():
        before = await store.staff_by_id(conn, account_id)
        if before is None:
            raise Problem(404, "staff_not_found", "There is no such staff account.")
        was_disabled = before["disabled_at"] is not None
        disabled = changes.get("disabled")
        disabled = was_disabled if disabled is None else bool(disabled)
        if disabled and not was_disabled and str(account_id) == admin.account_id:
            raise Problem(409, "cannot_disable_self", "An admin cannot disable their own account.")
        institution_code = changes.get("institution_code", before["institution_code"])
        college = changes.get("college", before["college"])
        if (problem := staff_scope_problem(before["role"], institution_code, college)) is not None:
            raise Problem(422, problem, _SCOPE_DETAIL[problem])
        after = await store.update_staff(
            conn,
            account_id,
            institution_code=institution_code,
            college=college,
            disabled=disabled,
            by=uuid.UUID(admin.account_id),
        )
        rescoped = (institution_code, college) != (before["institution_code"], before["college"])
        end_sessions = rescoped or (disabled and not was_disabled)
        if end_sessions:
            # before the commit too: a crash after it must not leave the old tokens working
            await verifier.revoke_all(str(account_id))
    if end_sessions:
        # and after it: a login that read the account just before the change took its lock
        await verifier.revoke_all(str(account_id))
    if after["disabled_at"] != before["disabled_at"] or rescoped:
        _log.info(
            "staff_account_changed",
            account_id=str(account_id),
            by=admin.account_id,
            disabled=disabled,
            rescoped=rescoped,
        )
    return after
