"""The public keys other services verify access tokens with."""

from __future__ import annotations

from fastapi import APIRouter, Response

from jiaodui_identity.entrypoints.deps import IdentityDep
from jiaodui_identity.entrypoints.schemas import Jwks

router = APIRouter(tags=["keys"])


@router.get("/.well-known/jwks.json")
async def jwks(idn: IdentityDep, response: Response) -> Jwks:
    response.headers["Cache-Control"] = "public, max-age=300"
    return Jwks.model_validate(idn.signer.jwks())
