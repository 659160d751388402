"""Campus single sign-on (DESIGN §8): OIDC and CAS 3.0 logins that end in the portal.

A browser is sent on with 303 and learns of a failure on the portal's landing page
(``/sso/done#error=<code>``); a client that asks for JSON (``Accept: application/json`` or
``application/problem+json``) gets the problem document itself, with its status.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from jiaodui_runtime.deps import Db
from jiaodui_runtime.errors import Problem, problem_response
from pydantic import BaseModel, Field

from jiaodui_identity.entrypoints.deps import IdentityDep
from jiaodui_identity.entrypoints.schemas import SessionCreated
from jiaodui_identity.entrypoints.sessions import client_ip
from jiaodui_identity.service_layer import sso
from jiaodui_identity.state import Identity

router = APIRouter(prefix="/v1/sso", tags=["sso"])
# a browser's steps: answered with a redirect (no body), documented as such
REDIRECT: dict[int | str, dict[str, object]] = {
    303: {
        "description": "See Other: on to the provider, or back to the portal",
        "headers": {"Location": {"schema": {"type": "string"}}},
    }
}
COOKIE = "jiaodui_sso"
InstitutionCode = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
Param = Annotated[str | None, Query(max_length=2048)]


class HandoverExchange(BaseModel):
    code: str = Field(min_length=1, max_length=128)


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept or "application/problem+json" in accept


def _started(idn: Identity, start: sso.LoginStart) -> Response:
    answer = RedirectResponse(start.redirect_to, status_code=303)
    settings = idn.settings
    answer.set_cookie(
        COOKIE,
        start.state,
        max_age=settings.sso_state_ttl_s,
        path=f"{settings.sso_public_path}/",
        secure=settings.public_base_url.startswith("https://"),
        httponly=True,
        samesite="lax",  # sent on the provider's top-level redirect back, not on cross-site posts
    )
    return answer


def _finished(idn: Identity, request: Request, outcome: str | Problem) -> Response:
    answer: Response
    if isinstance(outcome, Problem) and _wants_json(request):
        answer = problem_response(outcome, request)
    elif isinstance(outcome, Problem):
        answer = RedirectResponse(sso.portal_url(idn, error=outcome.code), status_code=303)
    else:
        answer = RedirectResponse(sso.portal_url(idn, code=outcome), status_code=303)
    answer.delete_cookie(COOKIE, path=f"{idn.settings.sso_public_path}/")
    answer.headers["Cache-Control"] = "no-store"
    answer.headers["Referrer-Policy"] = "no-referrer"
    return answer


@router.get(
    "/{institution_code}/oidc/login",
    status_code=303,
    response_class=RedirectResponse,
    responses=REDIRECT,
)
async def oidc_login(
    institution_code: InstitutionCode, request: Request, pool: Db, idn: IdentityDep
) -> Response:
    """303 to the institution's OpenID provider (authorization code + PKCE S256, state,
    nonce); 404 `sso_institution_unknown`; 502 `sso_provider_unavailable`."""
    start = await sso.start_oidc(
        pool, idn, institution_code=institution_code, client_ip=client_ip(request)
    )
    return _started(idn, start)


@router.get(
    "/oidc/callback",
    status_code=303,
    response_class=RedirectResponse,
    responses=REDIRECT,
)
async def oidc_callback(
    request: Request,
    pool: Db,
    idn: IdentityDep,
    state: Param = None,
    code: Param = None,
    error: Param = None,
) -> Response:
    """The provider's redirect back: 303 to the portal's `/sso/done#code=…` (a one-time
    code for `POST /v1/sso/sessions`) or `#error=<code>`: `sso_state_invalid`,
    `sso_provider_error`, `sso_code_rejected` (e.g. a PKCE verifier that does not fit),
    `sso_id_token_invalid`, `sso_nonce_mismatch`, `sso_number_missing`, `sso_not_in_roster`."""
    try:
        outcome: str | Problem = await sso.finish_oidc(
            pool,
            idn,
            cookie_state=request.cookies.get(COOKIE),
            state=state,
            code=code,
            error=error,
        )
    except Problem as problem:
        outcome = problem
    return _finished(idn, request, outcome)


@router.get(
    "/{institution_code}/cas/login",
    status_code=303,
    response_class=RedirectResponse,
    responses=REDIRECT,
)
async def cas_login(
    institution_code: InstitutionCode, request: Request, pool: Db, idn: IdentityDep
) -> Response:
    """303 to the institution's CAS server `/login?service=…`; 404 `sso_institution_unknown`."""
    start = await sso.start_cas(
        pool, idn, institution_code=institution_code, client_ip=client_ip(request)
    )
    return _started(idn, start)


@router.get(
    "/cas/callback",
    status_code=303,
    response_class=RedirectResponse,
    responses=REDIRECT,
)
async def cas_callback(
    request: Request,
    pool: Db,
    idn: IdentityDep,
    institution: Param = None,
    ticket: Param = None,
) -> Response:
    """CAS's redirect back with a service ticket, validated at `/serviceValidate` (CAS 3.0)
    for exactly this service URL: 303 to the portal as for OIDC; `sso_ticket_invalid` (the
    server's code in `cas_code`)."""
    try:
        outcome: str | Problem = await sso.finish_cas(
            pool,
            idn,
            cookie_state=request.cookies.get(COOKIE),
            institution_code=institution,
            ticket=ticket,
        )
    except Problem as problem:
        outcome = problem
    return _finished(idn, request, outcome)


@router.post("/sessions")
async def exchange_handover(body: HandoverExchange, pool: Db, idn: IdentityDep) -> SessionCreated:
    """The portal trades the one-time code from `/sso/done#code=…` for a session, once;
    400 `sso_code_invalid` when unknown, used or older than a minute."""
    session = await sso.redeem_handover(pool, idn, code=body.code)
    return SessionCreated(access_token=session.access_token, expires_in=session.expires_in)
