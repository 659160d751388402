"""The signed-in account: profile, real-name registration, SMS codes."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, status
from jiaodui_runtime.deps import CurrentPrincipal, Db
from jiaodui_runtime.errors import Problem
from pydantic import BaseModel, ConfigDict, Field

from jiaodui_identity.domain.realname import RealName, normalise_mobile
from jiaodui_identity.entrypoints.deps import IdentityDep
from jiaodui_identity.entrypoints.schemas import Accepted, IdType, ProfileRead, RealNameRead
from jiaodui_identity.service_layer import profile, realname

router = APIRouter(tags=["me"])


class RealNameUpdate(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    gender: Literal["male", "female"]
    id_type: IdType
    id_number: str = Field(min_length=1, max_length=32)
    nickname: str | None = Field(default=None, max_length=200)
    birth_date: date
    province: str = Field(min_length=1, max_length=50)
    city: str = Field(min_length=1, max_length=50)
    phone: str | None = Field(default=None, max_length=20)
    sms_code: str | None = Field(default=None, max_length=10)
    consent_sensitive: bool = False


class SmsCodeRequest(BaseModel):
    phone: str = Field(max_length=20)
    purpose: Literal["realname", "phone_change"] = "realname"


def _mobile(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    phone = normalise_mobile(raw)
    if phone is None:
        raise Problem(422, "phone_invalid", "The mobile number is not valid.")
    return phone


@router.get("/v1/me", response_model=ProfileRead)
async def read_me(principal: CurrentPrincipal, pool: Db) -> dict[str, Any]:
    return await profile.read_profile(pool, principal)


class ProfileUpdate(BaseModel):
    # extra fields are kept so that ID fields get a clear `immutable_field` answer
    model_config = ConfigDict(extra="allow")
    name: str | None = Field(default=None, max_length=50)
    nickname: str | None = Field(default=None, max_length=200)
    province: str | None = Field(default=None, max_length=50)
    city: str | None = Field(default=None, max_length=50)


@router.patch("/v1/me", response_model=ProfileRead)
async def update_me(body: ProfileUpdate, principal: CurrentPrincipal, pool: Db) -> dict[str, Any]:
    return await profile.update_profile(pool, principal, body.model_dump(exclude_unset=True))


@router.put("/v1/me/realname")
async def register_realname(
    body: RealNameUpdate, principal: CurrentPrincipal, pool: Db, idn: IdentityDep
) -> RealNameRead:
    if not body.consent_sensitive:
        raise Problem(
            422,
            "consent_required",
            "Separate consent to processing the ID number is required (PIPL art. 29).",
        )
    form = RealName(
        name=body.name,
        gender=body.gender,
        id_type=body.id_type,
        id_number=body.id_number,
        birth_date=body.birth_date,
        province=body.province,
        city=body.city,
        nickname=body.nickname,
        phone=_mobile(body.phone),
    )
    await realname.register_realname(pool, idn, principal, form=form, sms_code=body.sms_code)
    return RealNameRead(status="active")


@router.post("/v1/sms-codes", status_code=status.HTTP_202_ACCEPTED)
async def request_sms_code(
    body: SmsCodeRequest, principal: CurrentPrincipal, idn: IdentityDep
) -> Accepted:
    phone = _mobile(body.phone)
    if phone is None:  # a code needs a number to go to: an empty one is not optional here
        raise Problem(422, "phone_invalid", "The mobile number is not valid.")
    await realname.request_sms_code(idn, principal, phone=phone, purpose=body.purpose)
    return Accepted()
