"""Campus sign-on configuration: each institution's provider, and staff numbers (admin)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

import asyncpg
from fastapi import APIRouter, Depends, Path, Response, status
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.deps import Db, require_roles
from jiaodui_runtime.errors import Problem
from pydantic import AnyHttpUrl, BaseModel, Field, field_validator

from jiaodui_identity import sso_store
from jiaodui_identity.entrypoints.schemas import Read
from jiaodui_identity.service_layer import sso_admin

router = APIRouter(prefix="/v1/sso", tags=["sso"])
Admin = Annotated[Principal, Depends(require_roles("admin"))]
InstitutionCode = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
Claim = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_:.\-/]+$")]


def _plain_url(value: AnyHttpUrl) -> str:
    text = str(value).rstrip("/")
    if value.query or value.fragment or value.username:
        raise ValueError("an issuer or server URL has no query, fragment or user")
    return text


class OidcSettings(BaseModel):
    issuer: AnyHttpUrl = Field(
        description="The issuer; discovery is read at `<issuer>/.well-known/openid-configuration`."
    )
    client_id: str = Field(min_length=1, max_length=200)
    client_secret: str = Field(min_length=1, max_length=500)
    scopes: str = Field(default="openid profile email", max_length=300, pattern=r"^openid( |$)")
    number_claim: Claim = Field(
        default="student_number", description="The ID token claim with the student/staff number."
    )
    email_claim: Claim = "email"

    @field_validator("issuer")
    @classmethod
    def _issuer(cls, value: AnyHttpUrl) -> AnyHttpUrl:
        _plain_url(value)
        return value


class CasSettings(BaseModel):
    server_url: AnyHttpUrl = Field(
        description="The CAS server's base, e.g. https://cas.x.edu.cn/cas"
    )
    number_attribute: Claim | None = Field(
        default=None, description="The attribute with the number; null: the CAS user name."
    )
    email_attribute: Claim | None = "mail"
    validate_path: Literal["serviceValidate", "p3/serviceValidate"] = "serviceValidate"

    @field_validator("server_url")
    @classmethod
    def _server(cls, value: AnyHttpUrl) -> AnyHttpUrl:
        _plain_url(value)
        return value


class SsoInstitutionPut(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    oidc: OidcSettings | None = None
    cas: CasSettings | None = None


class OidcRead(Read):
    issuer: str
    client_id: str
    scopes: str
    number_claim: str
    email_claim: str


class CasRead(Read):
    server_url: str
    number_attribute: str | None
    email_attribute: str | None
    validate_path: str


class SsoInstitutionRead(Read):
    """An institution's campus sign-on; the client secret is never shown again."""

    institution_code: str
    name: str
    oidc: OidcRead | None
    cas: CasRead | None


class SsoInstitutionPublic(Read):
    institution_code: str
    name: str
    protocols: list[Literal["oidc", "cas"]]


class SsoInstitutionList(Read):
    items: list[SsoInstitutionPublic]


class StaffLinkPut(BaseModel):
    staff_number: str = Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z._-]+$")


class StaffLinkRead(Read):
    account_id: str
    institution_code: str
    staff_number: str


@router.get("/institutions")
async def list_institutions(pool: Db) -> SsoInstitutionList:
    """Public: which institutions offer campus sign-on, for the login page's buttons."""
    async with pool.acquire() as conn:
        rows = await sso_store.institutions(conn)
    return SsoInstitutionList(
        items=[
            SsoInstitutionPublic(
                institution_code=row["institution_code"],
                name=row["name"],
                protocols=[p for p in ("oidc", "cas") if row[p] is not None],
            )
            for row in rows
        ]
    )


@router.put("/institutions/{institution_code}")
async def put_institution(
    institution_code: InstitutionCode, body: SsoInstitutionPut, admin: Admin, pool: Db
) -> SsoInstitutionRead:
    """Admin: set an institution's OIDC provider and/or CAS server (replaces the whole
    configuration; 422 `sso_protocol_required` with neither)."""
    if body.oidc is None and body.cas is None:
        raise Problem(422, "sso_protocol_required", "Configure an OIDC provider or a CAS server.")
    oidc = body.oidc.model_dump(mode="json") if body.oidc else None
    cas = body.cas.model_dump(mode="json") if body.cas else None
    for config, key in ((oidc, "issuer"), (cas, "server_url")):
        if config is not None:
            config[key] = config[key].rstrip("/")
    async with pool.acquire() as conn:
        row = await sso_store.put_institution(
            conn,
            institution_code,
            name=body.name,
            oidc=oidc,
            cas=cas,
            by=uuid.UUID(admin.account_id),
        )
    return _read(row)


@router.get("/institutions/{institution_code}")
async def get_institution(
    institution_code: InstitutionCode, admin: Admin, pool: Db
) -> SsoInstitutionRead:
    async with pool.acquire() as conn:
        row = await sso_store.institution(conn, institution_code)
    if row is None:
        raise Problem(404, "sso_institution_unknown", "No campus sign-on for this institution.")
    return _read(row)


@router.delete("/institutions/{institution_code}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_institution(institution_code: InstitutionCode, admin: Admin, pool: Db) -> Response:
    """Admin: campus sign-on off for this institution (password login is unaffected; the
    links of numbers to accounts stay for when it is configured again)."""
    async with pool.acquire() as conn:
        if not await sso_store.delete_institution(conn, institution_code):
            raise Problem(404, "sso_institution_unknown", "No campus sign-on for this institution.")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/staff-links/{account_id}")
async def put_staff_link(
    account_id: uuid.UUID, body: StaffLinkPut, admin: Admin, pool: Db
) -> StaffLinkRead:
    """Admin: the campus staff number (工号) that opens this staff account at its
    institution; 404 `staff_not_found`, 409 `staff_number_taken`."""
    code = await sso_admin.link_staff(pool, account_id=account_id, number=body.staff_number)
    return StaffLinkRead(
        account_id=str(account_id), institution_code=code, staff_number=body.staff_number
    )


@router.delete("/staff-links/{account_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_staff_link(account_id: uuid.UUID, admin: Admin, pool: Db) -> Response:
    async with pool.acquire() as conn:
        if not await sso_store.delete_staff_link(conn, account_id):
            raise Problem(404, "staff_link_not_found", "This account has no campus staff number.")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _read(row: asyncpg.Record) -> SsoInstitutionRead:
    oidc, cas = row["oidc"], row["cas"]
    return SsoInstitutionRead(
        institution_code=row["institution_code"],
        name=row["name"],
        oidc=OidcRead.model_validate(oidc) if oidc else None,
        cas=CasRead.model_validate(cas) if cas else None,
    )
