"""What identity answers: one model per answer, so the OpenAPI document names every field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["student", "college_staff", "registrar", "photographer", "support", "ops", "admin"]
StaffRole = Literal["college_staff", "registrar", "photographer", "support", "ops", "admin"]
AccountState = Literal["registered", "email_verified", "active"]
IdType = Literal["resident_id", "passport", "hk_macao_permit", "taiwan_permit"]


class Read(BaseModel):
    """An answer carries every field, null when empty: the schema marks them all required."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class Accepted(Read):
    status: Literal["accepted"] = "accepted"


class ActivationRead(Read):
    account_id: str
    status: Literal["email_verified", "active"]
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - a scheme name


class SessionCreated(Read):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - a scheme name
    expires_in: int = Field(description="Seconds until the access token expires.")


class RealNameRead(Read):
    status: Literal["active"]


class ProfileRead(Read):
    account_id: str
    email: str
    role: Role
    status: AccountState
    name: str | None
    nickname: str | None
    gender: Literal["male", "female"] | None
    id_type: IdType | None
    id_number_masked: str | None
    birth_date: date | None
    province: str | None
    city: str | None
    phone_masked: str | None
    institution_code: str | None
    college: str | None


class StaffCreated(Read):
    account_id: str


class StaffRead(Read):
    account_id: str
    email: str
    name: str | None
    role: StaffRole
    institution_code: str | None
    college: str | None
    status: Literal["active", "disabled"]
    created_at: datetime
    last_login_at: datetime | None
    disabled_at: datetime | None


class StaffPage(Read):
    items: list[StaffRead]
    total: int = Field(description="Staff accounts matching the filters, over all pages.")


class Jwk(Read):
    """An Ed25519 public key (RFC 8037)."""

    kty: Literal["OKP"]
    crv: Literal["Ed25519"]
    x: str
    kid: str
    use: Literal["sig"]
    alg: Literal["EdDSA"]


class Jwks(Read):
    keys: list[Jwk]
