"""The student's reports: issue, list, extend, close, PDF."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Query, Request, Response
from jiaodui_runtime.deps import CurrentStudent, Db

from jiaodui_reports.domain import validity
from jiaodui_reports.entrypoints.deps import ReportsDep, bearer
from jiaodui_reports.entrypoints.schemas import ReportCreate, ReportExtend, ReportRead
from jiaodui_reports.service_layer import issuing
from jiaodui_reports.store.reports import Report

router = APIRouter(prefix="/v1/me/reports", tags=["reports"])
_PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
}


def _read(report: Report, rep: ReportsDep) -> ReportRead:
    status = validity.status(
        datetime.now(UTC),
        valid_until=report.valid_until,
        closed_at=report.closed_at,
        superseded_at=report.superseded_at,
    )
    return ReportRead.of(report, status, rep)


@router.post("", status_code=201)
async def create_report(
    body: ReportCreate, student: CurrentStudent, pool: Db, rep: ReportsDep, request: Request
) -> ReportRead:
    report = await issuing.issue_report(
        pool,
        rep,
        principal=student,
        record_id=body.record_id,
        months=body.months,
        bearer=bearer(request),
    )
    return _read(report, rep)


@router.get("")
async def my_reports(student: CurrentStudent, pool: Db, rep: ReportsDep) -> list[ReportRead]:
    return [_read(r, rep) for r in await issuing.list_reports(pool, student)]


@router.post("/{report_id}/extend")
async def extend_report(
    report_id: uuid.UUID, body: ReportExtend, student: CurrentStudent, pool: Db, rep: ReportsDep
) -> ReportRead:
    report = await issuing.extend_report(
        pool, rep, principal=student, report_id=report_id, months=body.months
    )
    return _read(report, rep)


@router.post("/{report_id}/close")
async def close_report(
    report_id: uuid.UUID, student: CurrentStudent, pool: Db, rep: ReportsDep
) -> ReportRead:
    return _read(await issuing.close_report(pool, principal=student, report_id=report_id), rep)


@router.get("/{report_id}/pdf", response_class=Response, responses=_PDF)
async def report_pdf(
    report_id: uuid.UUID,
    student: CurrentStudent,
    pool: Db,
    rep: ReportsDep,
    lang: Literal["zh", "en"] = Query("zh"),
) -> Response:
    report, data = await issuing.report_pdf(
        pool, rep, principal=student, report_id=report_id, lang=lang
    )
    name = f"report-{report.code[:4]}-{lang}.pdf"
    return Response(
        content=data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )
