"""The public keys other services verify access tokens with."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from jiaodui_identity.entrypoints.deps import IdentityDep

router = APIRouter(tags=["keys"])


@router.get("/.well-known/jwks.json")
async def jwks(idn: IdentityDep, response: Response) -> dict[str, Any]:
    response.headers["Cache-Control"] = "public, max-age=300"
    return idn.signer.jwks()
