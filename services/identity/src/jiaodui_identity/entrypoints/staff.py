"""Staff accounts, created by an admin."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.deps import Db, require_roles
from jiaodui_runtime.errors import Problem
from pydantic import BaseModel, Field

from jiaodui_identity.domain.accounts import (
    check_password,
    is_valid_email,
    normalise_email,
)
from jiaodui_identity.entrypoints.deps import IdentityDep
from jiaodui_identity.service_layer import profile

router = APIRouter(prefix="/v1/staff", tags=["staff"])
Admin = Annotated[Principal, Depends(require_roles("admin"))]


class StaffCreate(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)
    role: str = Field(max_length=32)
    institution_code: str | None = Field(default=None, max_length=32)
    college: str | None = Field(default=None, max_length=100)


class StaffCreated(BaseModel):
    account_id: str


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_staff(body: StaffCreate, _: Admin, pool: Db, idn: IdentityDep) -> StaffCreated:
    email = normalise_email(body.email)
    if not is_valid_email(email):
        raise Problem(422, "email_invalid", "The e-mail address is not valid.")
    if (problem := check_password(body.password, body.password)) is not None:
        raise Problem(422, problem.value, "The password does not meet the rules.")
    account_id = await profile.create_staff(
        pool,
        idn,
        email=email,
        password=body.password,
        role=body.role,
        institution_code=body.institution_code,
        college=body.college,
    )
    return StaffCreated(account_id=account_id)
