"""Staff accounts, administered by an admin."""

from __future__ import annotations

import uuid
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Depends, Query, status
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.deps import Db, Runtime, require_roles
from jiaodui_runtime.errors import Problem
from pydantic import BaseModel, Field

from jiaodui_identity.domain.accounts import (
    check_password,
    is_valid_email,
    normalise_email,
)
from jiaodui_identity.entrypoints.deps import IdentityDep
from jiaodui_identity.entrypoints.schemas import StaffCreated, StaffPage, StaffRead, StaffRole
from jiaodui_identity.service_layer import staff

router = APIRouter(prefix="/v1/staff", tags=["staff"])
Admin = Annotated[Principal, Depends(require_roles("admin"))]


class StaffCreate(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)
    role: str = Field(max_length=32)
    institution_code: str | None = Field(default=None, max_length=32)
    college: str | None = Field(default=None, max_length=100)


class StaffUpdate(BaseModel):
    """Fields left out stay as they are; ``disabled`` true ends the account's sessions."""

    institution_code: str | None = Field(default=None, min_length=1, max_length=32)
    college: str | None = Field(default=None, min_length=1, max_length=100)
    disabled: bool | None = None


def staff_read(row: asyncpg.Record) -> StaffRead:
    return StaffRead(
        account_id=str(row["id"]),
        email=row["email"],
        name=row["name"],
        role=row["role"],
        institution_code=row["institution_code"],
        college=row["college"],
        status="disabled" if row["disabled_at"] is not None else "active",
        created_at=row["created_at"],
        last_login_at=row["last_login_at"],
        disabled_at=row["disabled_at"],
    )


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_staff(body: StaffCreate, _: Admin, pool: Db, idn: IdentityDep) -> StaffCreated:
    email = normalise_email(body.email)
    if not is_valid_email(email):
        raise Problem(422, "email_invalid", "The e-mail address is not valid.")
    if (problem := check_password(body.password, body.password)) is not None:
        raise Problem(422, problem.value, "The password does not meet the rules.")
    account_id = await staff.create_staff(
        pool,
        idn,
        email=email,
        password=body.password,
        role=body.role,
        institution_code=body.institution_code,
        college=body.college,
    )
    return StaffCreated(account_id=account_id)


@router.get("")
async def list_staff(
    _: Admin,
    pool: Db,
    role: StaffRole | None = None,
    institution_code: Annotated[str | None, Query(max_length=32)] = None,
    q: Annotated[str | None, Query(max_length=100, description="Part of e-mail or name")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> StaffPage:
    """Staff accounts (never students), newest first; `q` is part of the e-mail or name."""
    page = await staff.list_staff(
        pool, role=role, institution_code=institution_code, q=q, limit=limit, offset=offset
    )
    return StaffPage(items=[staff_read(row) for row in page.rows], total=page.total)


@router.patch("/{account_id}")
async def update_staff(
    account_id: uuid.UUID, body: StaffUpdate, admin: Admin, pool: Db, rt: Runtime
) -> StaffRead:
    """Change a staff account's scope (what its role is scoped to: 422 otherwise) or disable /
    enable it. A new scope or disabling ends every session of the account at once; a disabled
    account's login answers 423 `account_disabled`. An admin cannot disable itself (409
    `cannot_disable_self`); a student's or unknown id is 404 `staff_not_found`."""
    row = await staff.update_staff(
        pool, rt.verifier, admin, account_id=account_id, changes=body.model_dump(exclude_unset=True)
    )
    return staff_read(row)
