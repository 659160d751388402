"""Events of the reports service (topic ``reports.events``, key ``record_id``).

A verification report (学籍在线验证报告) is a signed snapshot of a confirmed record and
its graduation photo that anyone holding its code can check. Keyed by record: a
record's reports (issued, extended, closed, superseded) stay in order. The
verification code is never published: it is what lets a reader see the report.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from jiaodui_contracts._base import Event, Timestamp, Uuid

SupersededReason = Literal["record_corrected", "record_changed", "photo_replaced", "unmatched"]


class _ReportEvent(Event):
    TOPIC: ClassVar[str] = "reports.events"
    KEY_FIELD: ClassVar[str] = "record_id"
    report_id: Uuid
    record_id: Uuid
    account_id: Uuid
    institution_code: str
    branch: str


class ReportIssued(_ReportEvent):
    """A student issued a verification report of a confirmed record."""

    TYPE: ClassVar[str] = "jiaodui.reports.ReportIssued.v1"
    months: int = Field(ge=1, le=6)
    valid_until: Timestamp
    key_id: str
    """The ``kid`` of the signing key in ``/api/reports/.well-known/jwks.json``."""
    issued_at: Timestamp


class ReportExtended(_ReportEvent):
    """The student extended the report's validity (at most six months from now)."""

    TYPE: ClassVar[str] = "jiaodui.reports.ReportExtended.v1"
    months: int = Field(ge=1, le=6)
    previous_valid_until: Timestamp
    valid_until: Timestamp
    extended_at: Timestamp


class ReportClosed(_ReportEvent):
    """The student closed the report: it now checks as closed."""

    TYPE: ClassVar[str] = "jiaodui.reports.ReportClosed.v1"
    closed_at: Timestamp


class ReportSuperseded(_ReportEvent):
    """The record or its photo changed after the report was issued: the report checks as
    superseded (never as the new data) and the student is told to issue a new one."""

    TYPE: ClassVar[str] = "jiaodui.reports.ReportSuperseded.v1"
    reason: SupersededReason
    erratum_id: Uuid | None = None
    """For ``record_corrected``: the erratum whose fix changed the record."""
    superseded_at: Timestamp
