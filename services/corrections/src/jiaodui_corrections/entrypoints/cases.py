"""Identity cases: ``/v1/identity-corrections`` and ``/v1/identity-disputes`` (same shape)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from jiaodui_runtime.deps import CurrentStudent, Db
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.idcard import ID_TYPES

from jiaodui_corrections.adapters.forms import read_form
from jiaodui_corrections.domain.cases import CaseKind, CaseStatus
from jiaodui_corrections.entrypoints.deps import CaseReader, CorrectionsDep, Support
from jiaodui_corrections.entrypoints.schemas import (
    CaseDecision,
    CaseDetail,
    CaseOpened,
    CasePage,
    CaseRead,
    CaseRejection,
)
from jiaodui_corrections.service_layer import cases

SCAN_FIELD = "scan"


# the form is read as a stream, so FastAPI cannot document it: say what it takes
_CASE_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [SCAN_FIELD, "id_type", "id_number", "contact_phone"],
                    "properties": {
                        SCAN_FIELD: {"type": "string", "format": "binary"},
                        "id_type": {"type": "string", "enum": sorted(ID_TYPES)},
                        "id_number": {"type": "string", "maxLength": 32},
                        "contact_phone": {"type": "string", "maxLength": 32},
                        "reply_email": {"type": "string", "format": "email"},
                    },
                }
            }
        },
    }
}


_SCAN_IMAGE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The scan (JPEG, re-encoded)",
        "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _required(fields: dict[str, str], name: str, max_length: int) -> str:
    value = fields.get(name, "").strip()
    if not value:
        raise Problem(422, "field_required", f"The form needs {name!r}.", field=name)
    if len(value) > max_length:
        raise Problem(422, "field_too_long", f"{name!r} is too long.", field=name)
    return value


def case_router(kind: CaseKind, path: str) -> APIRouter:
    router = APIRouter(prefix=path, tags=[f"identity-{kind.value}s"])

    @router.post("", status_code=status.HTTP_201_CREATED, openapi_extra=_CASE_FORM)
    async def open_case(
        request: Request, principal: CurrentStudent, pool: Db, corr: CorrectionsDep
    ) -> CaseOpened:
        """Multipart: ``scan`` (JPEG ≤ 1 MB), ``id_type``, ``id_number``, ``contact_phone``,
        ``reply_email`` (optional)."""
        form = await read_form(
            request.headers.get("content-type", ""),
            request.headers.get("content-length"),
            request.stream(),
            file_field=SCAN_FIELD,
            max_file_bytes=corr.settings.scan_max_bytes,
        )
        scan = form.files.get(SCAN_FIELD)
        if not scan:
            raise Problem(422, "scan_required", "Attach the scan of the ID card (JPEG).")
        id_type = _required(form.fields, "id_type", 32)
        if id_type not in ID_TYPES:
            raise Problem(422, "id_type_invalid", "Unknown ID type.", field="id_type")
        answer = await cases.open_case(
            pool,
            corr,
            principal,
            kind=kind,
            id_type=id_type,
            id_number=_required(form.fields, "id_number", 32),
            contact_phone=_required(form.fields, "contact_phone", 32),
            reply_email=form.fields.get("reply_email"),
            scan=scan,
        )
        return CaseOpened.model_validate(answer)

    @router.get("")
    async def list_cases(
        _: Support,
        pool: Db,
        status: CaseStatus | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> CasePage:
        """Support's queue, oldest first, with counts per status."""
        page = await cases.list_cases(pool, kind=kind, status=status, limit=limit, offset=offset)
        return CasePage.model_validate(page)

    @router.get("/{case_id}")
    async def read_case(case_id: uuid.UUID, principal: CaseReader, pool: Db) -> CaseDetail:
        """The case with its history (and, for support, who read the scan)."""
        return CaseDetail.model_validate(await cases.read_case(pool, principal, case_id, kind))

    @router.get("/{case_id}/scan", response_class=Response, responses=_SCAN_IMAGE)
    async def read_scan(
        case_id: uuid.UUID, principal: CaseReader, pool: Db, corr: CorrectionsDep
    ) -> Response:
        data = await cases.read_scan(pool, corr, principal, case_id, kind)
        return Response(
            data,
            media_type="image/jpeg",
            headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
        )

    @router.post("/{case_id}/approve")
    async def approve(
        case_id: uuid.UUID, principal: Support, pool: Db, body: CaseDecision | None = None
    ) -> CaseRead:
        reason = (body.reason or "").strip() or None if body else None
        return CaseRead.model_validate(
            await cases.decide_case(
                pool, principal, case_id, kind=kind, decision=CaseStatus.APPROVED, reason=reason
            )
        )

    @router.post("/{case_id}/reject")
    async def reject(
        case_id: uuid.UUID, body: CaseRejection, principal: Support, pool: Db
    ) -> CaseRead:
        answer = await cases.decide_case(
            pool, principal, case_id, kind=kind, decision=CaseStatus.REJECTED,
            reason=body.reason.strip(),
        )  # fmt: skip
        return CaseRead.model_validate(answer)

    return router


corrections_router = case_router(CaseKind.CORRECTION, "/v1/identity-corrections")
disputes_router = case_router(CaseKind.DISPUTE, "/v1/identity-disputes")
me_router = APIRouter(tags=["identity-cases"])


@me_router.get("/v1/me/identity-cases")
async def my_cases(principal: CurrentStudent, pool: Db) -> list[CaseRead]:
    return [CaseRead.model_validate(c) for c in await cases.my_cases(pool, principal)]
