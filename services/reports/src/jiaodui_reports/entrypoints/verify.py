"""The public check (no login) and the keys reports are signed with."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from jiaodui_runtime.deps import Db

from jiaodui_reports.entrypoints.deps import ReportsDep, client_ip
from jiaodui_reports.entrypoints.schemas import Jwks, VerifyRead
from jiaodui_reports.service_layer import checks

router = APIRouter(tags=["verify"])
_JPEG: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}
}
Code = Annotated[
    str, Path(max_length=64, description="The verification code, with or without dashes")
]


@router.get("/v1/verify/{code}")
async def verify_report(
    code: Code, request: Request, pool: Db, rep: ReportsDep, response: Response
) -> VerifyRead:
    checked = await checks.check_report(pool, rep, code_text=code, client_ip=client_ip(request))
    response.headers["Cache-Control"] = "no-store"
    return VerifyRead.of(checked)


@router.get("/v1/verify/{code}/photo", response_class=Response, responses=_JPEG)
async def verify_photo(code: Code, request: Request, pool: Db, rep: ReportsDep) -> Response:
    data = await checks.check_photo(pool, rep, code_text=code, client_ip=client_ip(request))
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.get("/.well-known/jwks.json")
async def jwks(rep: ReportsDep, response: Response) -> Jwks:
    response.headers["Cache-Control"] = "public, max-age=300"
    return Jwks.model_validate(rep.signer.jwks())
