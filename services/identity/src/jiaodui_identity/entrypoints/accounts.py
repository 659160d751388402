"""HTTP routes for registration and activation."""

from __future__ import annotations

from fastapi import APIRouter, status
from jiaodui_runtime.deps import Db
from jiaodui_runtime.errors import Problem
from pydantic import BaseModel, Field

from jiaodui_identity.domain.accounts import check_password, is_valid_email, normalise_email
from jiaodui_identity.entrypoints.deps import IdentityDep
from jiaodui_identity.entrypoints.schemas import Accepted, ActivationRead
from jiaodui_identity.service_layer import accounts as account_cases

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])


class AccountCreate(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)
    password_confirm: str = Field(max_length=128)
    accept_terms: bool


class ActivationMailRequest(BaseModel):
    email: str = Field(max_length=254)


class ActivationRequest(BaseModel):
    token: str = Field(min_length=10, max_length=200)


def valid_email(raw: str) -> str:
    email = normalise_email(raw)
    if not is_valid_email(email):
        raise Problem(422, "email_invalid", "The e-mail address is not valid.")
    return email


@router.post("", status_code=status.HTTP_202_ACCEPTED)
async def register(body: AccountCreate, pool: Db, idn: IdentityDep) -> Accepted:
    email = valid_email(body.email)
    if not body.accept_terms:
        raise Problem(422, "terms_not_accepted", "The terms of use must be accepted.")
    problem = check_password(body.password, body.password_confirm)
    if problem is not None:
        raise Problem(422, problem.value, "The password does not meet the rules.")
    await account_cases.register_account(pool, idn, email=email, password=body.password)
    return Accepted()


@router.post("/activation-mail", status_code=status.HTTP_202_ACCEPTED)
async def resend_activation_mail(
    body: ActivationMailRequest, pool: Db, idn: IdentityDep
) -> Accepted:
    # an impossible address is refused (it reveals nothing); a possible one is silent
    await account_cases.resend_activation(pool, idn, email=valid_email(body.email))
    return Accepted()


@router.post("/activate")
async def activate(body: ActivationRequest, pool: Db, idn: IdentityDep) -> ActivationRead:
    result = await account_cases.activate_account(pool, idn, token=body.token)
    return ActivationRead(
        account_id=result.account_id,
        status=result.status,
        access_token=result.access_token,
    )
