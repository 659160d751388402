"""``POST /v1/oauth/token``: OAuth 2.0 client credentials grant (RFC 6749 §4.4) for campus
systems (DESIGN §8). Form-encoded; the client authenticates with ``client_id`` and
``client_secret`` in the form or with HTTP Basic (§2.3.1)."""

from __future__ import annotations

import base64
import binascii
from typing import Literal
from urllib.parse import parse_qs, unquote_plus

from fastapi import APIRouter, Request, Response
from jiaodui_runtime.deps import Db
from pydantic import BaseModel

from jiaodui_identity.entrypoints.deps import IdentityDep
from jiaodui_identity.entrypoints.sessions import client_ip
from jiaodui_identity.service_layer.clients import issue, oauth_problem

router = APIRouter(prefix="/v1/oauth", tags=["oauth"])
MAX_FORM_BYTES = 4096


class ClientTokenIssued(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - the scheme, not a token
    expires_in: int
    scope: str


def _basic(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (unquote_plus(client_id), unquote_plus(secret)) if sep else None


async def _form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise oauth_problem(
            400, "invalid_request", "Send the form as application/x-www-form-urlencoded."
        )
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise oauth_problem(400, "invalid_request", "The form is too large.")
    try:
        fields = parse_qs(body.decode(), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError) as exc:
        raise oauth_problem(400, "invalid_request", "The form cannot be read.") from exc
    if any(len(values) > 1 for values in fields.values()):
        raise oauth_problem(400, "invalid_request", "A parameter was given twice.")
    return {name: values[0] for name, values in fields.items()}


@router.post(
    "/token",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["grant_type"],
                        "properties": {
                            "grant_type": {"const": "client_credentials"},
                            "client_id": {"type": "string"},
                            "client_secret": {"type": "string"},
                            "scope": {"type": "string"},
                        },
                    }
                }
            },
        }
    },
)
async def client_token(
    request: Request, response: Response, pool: Db, idn: IdentityDep
) -> ClientTokenIssued:
    """400 `invalid_request` / `unsupported_grant_type` / `invalid_scope`; 401
    `invalid_client` (unknown, wrong secret, or removed: the same answer); 429 after repeated
    failures."""
    form = await _form(request)
    grant = form.get("grant_type")
    if not grant:
        raise oauth_problem(400, "invalid_request", "grant_type is required.")
    if grant != "client_credentials":
        raise oauth_problem(400, "unsupported_grant_type", "Only client_credentials is served.")
    basic = _basic(request.headers.get("authorization", ""))
    client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
    if not client_id or not secret or len(client_id) > 100 or len(secret) > 200:
        raise oauth_problem(400, "invalid_request", "client_id and client_secret are required.")
    token = await issue(
        pool,
        idn,
        client_id=client_id,
        client_secret=secret,
        scope=form.get("scope") or None,
        client_ip=client_ip(request),
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return ClientTokenIssued(
        access_token=token.access_token, expires_in=token.expires_in, scope=token.scope
    )
