"""Request and answer models of the reports API (the portal generates its types from them)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from jiaodui_reports.domain.codes import grouped
from jiaodui_reports.domain.validity import Status
from jiaodui_reports.service_layer.checks import Checked
from jiaodui_reports.state import Reports
from jiaodui_reports.store.reports import Report

Months = Literal[1, 3, 6]


class ReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    record_id: uuid.UUID
    months: Months = 1


class ReportExtend(BaseModel):
    model_config = ConfigDict(extra="forbid")
    months: Months


class RecordOnReport(BaseModel):
    """The record as the report shows it: the ID number masked, never plain."""

    name: str | None = None
    gender: str | None = None
    birth_date: str | None = None
    ethnicity: str | None = None
    id_type: str | None = None
    id_number_masked: str | None = None
    institution_name: str | None = None
    institution_code: str | None = None
    level: str | None = None
    major: str | None = None
    duration_years: str | None = None
    education_type: str | None = None
    study_form: str | None = None
    branch: str | None = None
    department: str | None = None
    class_name: str | None = None
    student_number: str | None = None
    enrollment_date: str | None = None
    status: str | None = None


class PdfLinks(BaseModel):
    zh: str
    en: str


class ReportRead(BaseModel):
    report_id: uuid.UUID
    code: str = Field(description="16 characters in groups of four, e.g. ABCD-EFGH-JKMN-PQRS")
    record_id: uuid.UUID
    status: Status
    months: int
    issued_at: datetime
    valid_until: datetime
    closed_at: datetime | None
    superseded_at: datetime | None
    superseded_reason: str | None
    check_count: int = Field(description="How often the code was checked (not by whom).")
    last_checked_at: datetime | None
    check_url: str
    revision: int
    key_id: str
    record: RecordOnReport
    pdf: PdfLinks

    @classmethod
    def of(cls, report: Report, status: Status, rep: Reports) -> ReportRead:
        base = f"/api/reports/v1/me/reports/{report.report_id}/pdf"
        return cls(
            report_id=uuid.UUID(report.report_id),
            code=grouped(report.code),
            record_id=uuid.UUID(report.record_id),
            status=status,
            months=report.months,
            issued_at=report.issued_at,
            valid_until=report.valid_until,
            closed_at=report.closed_at,
            superseded_at=report.superseded_at,
            superseded_reason=report.superseded_reason,
            check_count=report.check_count,
            last_checked_at=report.last_checked_at,
            check_url=rep.check_url(report.code),
            revision=report.revision,
            key_id=report.key_id,
            record=RecordOnReport.model_validate(report.record),
            pdf=PdfLinks(zh=f"{base}?lang=zh", en=f"{base}?lang=en"),
        )


class VerifyRead(BaseModel):
    """A public check: the report as issued while it is valid; otherwise only its status."""

    code: str
    status: Status
    issued_at: datetime
    valid_until: datetime
    record: RecordOnReport | None = Field(description="Only while the report is valid.")
    photo_url: str | None = Field(description="Only while the report is valid.")
    signature: str | None = Field(
        description="Compact JWS (EdDSA) over the canonical report document; the key is "
        "in /api/reports/.well-known/jwks.json under the JWS header's kid. Only while valid."
    )
    key_id: str | None
    revision: int | None

    @classmethod
    def of(cls, checked: Checked) -> VerifyRead:
        report, valid = checked.report, checked.status == "valid"
        code = grouped(report.code)
        return cls(
            code=code,
            status=checked.status,
            issued_at=report.issued_at,
            valid_until=report.valid_until,
            record=RecordOnReport.model_validate(report.record) if valid else None,
            photo_url=f"/api/reports/v1/verify/{code}/photo" if valid else None,
            signature=report.signature if valid else None,
            key_id=report.key_id if valid else None,
            revision=report.revision if valid else None,
        )


class Jwk(BaseModel):
    model_config = ConfigDict(extra="allow")
    kty: str
    crv: str
    x: str
    kid: str
    use: str
    alg: str


class Jwks(BaseModel):
    keys: list[Jwk]
