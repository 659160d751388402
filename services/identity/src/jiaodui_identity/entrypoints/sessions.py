"""Login and logout."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from jiaodui_runtime.deps import CurrentPrincipal, Db, Runtime
from pydantic import BaseModel, Field

from jiaodui_identity.domain.accounts import normalise_email
from jiaodui_identity.entrypoints.deps import IdentityDep
from jiaodui_identity.entrypoints.schemas import SessionCreated
from jiaodui_identity.service_layer import sessions

router = APIRouter(prefix="/v1/sessions", tags=["sessions"])


class SessionCreate(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)


def client_ip(request: Request) -> str:
    # The gateway sets X-Real-IP from the connection (a client's own value is replaced).
    return request.headers.get("x-real-ip") or (request.client.host if request.client else "-")


@router.post("")
async def log_in(
    body: SessionCreate, request: Request, pool: Db, idn: IdentityDep
) -> SessionCreated:
    """401 `invalid_credentials` for a wrong password or an unknown address alike; 423
    `account_locked` after repeated failures; 423 `account_disabled` (to the right password
    only) for a staff account an admin disabled."""
    session = await sessions.log_in(
        pool,
        idn,
        email=normalise_email(body.email),
        password=body.password,
        client_ip=client_ip(request),
    )
    return SessionCreated(access_token=session.access_token, expires_in=session.expires_in)


@router.delete("/current", status_code=status.HTTP_204_NO_CONTENT)
async def log_out(principal: CurrentPrincipal, rt: Runtime) -> Response:
    await sessions.log_out(rt.verifier, principal)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
