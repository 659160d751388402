"""Recovering a forgotten user name or password (always 202 / 204: nothing is revealed)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from jiaodui_runtime.deps import Db, Runtime
from jiaodui_runtime.errors import Problem
from pydantic import BaseModel, Field

from jiaodui_identity.domain.accounts import check_password
from jiaodui_identity.entrypoints.accounts import valid_email
from jiaodui_identity.entrypoints.deps import IdentityDep
from jiaodui_identity.entrypoints.schemas import Accepted, IdType
from jiaodui_identity.service_layer import recovery

router = APIRouter(prefix="/v1/recovery", tags=["recovery"])


class UsernameRecovery(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    id_type: IdType
    id_number: str = Field(min_length=1, max_length=32)


class PasswordRecovery(BaseModel):
    email: str = Field(max_length=254)


class PasswordReset(BaseModel):
    token: str = Field(min_length=10, max_length=200)
    password: str = Field(max_length=128)
    password_confirm: str = Field(max_length=128)


@router.post("/username", status_code=status.HTTP_202_ACCEPTED)
async def recover_username(body: UsernameRecovery, pool: Db, idn: IdentityDep) -> Accepted:
    await recovery.remind_username(
        pool, idn, name=body.name, id_type=body.id_type, id_number=body.id_number
    )
    return Accepted()


@router.post("/password", status_code=status.HTTP_202_ACCEPTED)
async def recover_password(body: PasswordRecovery, pool: Db, idn: IdentityDep) -> Accepted:
    await recovery.request_password_reset(pool, idn, email=valid_email(body.email))
    return Accepted()


@router.post("/password/reset", status_code=status.HTTP_204_NO_CONTENT)
async def reset_password(body: PasswordReset, pool: Db, idn: IdentityDep, rt: Runtime) -> Response:
    if (problem := check_password(body.password, body.password_confirm)) is not None:
        raise Problem(422, problem.value, "The password does not meet the rules.")
    await recovery.reset_password(pool, idn, rt.verifier, token=body.token, password=body.password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
