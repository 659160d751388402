"""What corrections takes and answers, as the OpenAPI document (and the portal's generated
types) see it. Every answer field is always present; those that may be empty are
``X | None``. The literals are the domain's values (a unit test keeps them in step)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class Schema(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


ErratumStatus = Literal["filed", "approved", "rejected", "applied"]
ErratumField = Literal[
    "name", "gender", "birth_date", "ethnicity", "id_number", "student_number", "exam_number",
    "department", "major", "class_name", "level", "education_type", "study_form",
    "enrollment_date", "graduation_photo", "admission_photo",
]  # fmt: skip
AwaitedPart = Literal["record", "graduation", "admission"]
CaseKind = Literal["correction", "dispute"]
CaseStatus = Literal["open", "approved", "rejected"]
IdType = Literal["resident_id", "passport", "hk_macao_permit", "taiwan_permit"]
HistoryAction = Literal[
    "opened", "filed", "item_added", "approved", "rejected", "record_fixed",
    "graduation_fixed", "admission_fixed", "applied", "scan_deleted",
]  # fmt: skip
ActorRole = Literal["student", "college_staff", "registrar", "support", "system"]


# requests


class ErratumItem(BaseModel):
    field: str = Field(max_length=40)
    correct_value: str | None = Field(default=None, max_length=200)


class ErratumCreate(BaseModel):
    record_id: uuid.UUID
    items: list[ErratumItem] = Field(max_length=20)
    note: str | None = Field(default=None, max_length=1000)


class Rejection(BaseModel):
    reason: str = Field(min_length=1, max_length=500, pattern=r"\S")


class CaseDecision(BaseModel):
    reason: str | None = Field(default=None, max_length=500)


class CaseRejection(BaseModel):
    reason: str = Field(min_length=1, max_length=500, pattern=r"\S")


class WindowSet(BaseModel):
    confirm_until: AwareDatetime
    recheck_from: AwareDatetime | None = None
    recheck_until: AwareDatetime | None = None


# answers


class ErratumFiled(Schema):
    erratum_id: str
    status: Literal["filed"]


class ErratumItemRead(Schema):
    field: ErratumField
    old_value: str | None = Field(
        description="The record's value when filed (an ID number masked); for a photo item "
        "the disputed photo's id (photos serves its image)"
    )
    correct_value: str | None = Field(
        description="The value asked for (for a photo item: what is wrong); None for an ID "
        "number, which is kept only masked"
    )
    correct_value_masked: str | None


class StatusStep(Schema):
    """One step of an erratum's life: filed → approved or rejected → applied."""

    status: ErratumStatus
    at: datetime
    actor_id: str | None = Field(description="None for applied: the fix arrived by itself")
    reason: str | None = Field(description="Why, for a rejection (or an approval with one)")


class HistoryDetail(Schema):
    """What the history adds to an action; each key only where that action sets it."""

    fields: list[str] | None = Field(default=None, description="filed: the form's fields")
    field: str | None = Field(default=None, description="item_added: the field")
    from_: str | None = Field(default=None, alias="from", description="item_added: from where")
    reason: str | None = Field(default=None, description="approved/rejected: the reason")
    kind: CaseKind | None = Field(default=None, description="opened: the identity case's kind")
    id_number_masked: str | None = Field(
        default=None, description="opened: the ID number asked for, masked"
    )


class HistoryEntry(Schema):
    action: HistoryAction
    actor_id: str | None
    actor_role: ActorRole
    detail: HistoryDetail
    at: datetime


class ErratumRead(Schema):
    erratum_id: str
    record_id: str
    institution_code: str
    college: str = Field(description="The record's college (branch, 分院)")
    cohort: str | None
    account_id: str | None = Field(description="The record's student, when known")
    student_name: str | None = Field(description="The record's name (None until known)")
    student_number: str | None
    class_name: str | None
    status: ErratumStatus
    origin: Literal["form", "photo_dispute"]
    items: list[ErratumItemRead]
    note: str | None
    filed_by: str
    filed_by_role: Literal["student", "college_staff", "registrar"]
    filed_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None = Field(description="The decision's reason (a rejection's always)")
    awaiting: list[AwaitedPart] = Field(description="Approved: the fixes still to arrive")
    applied_at: datetime | None
    timeline: list[StatusStep]


class ErratumDetail(ErratumRead):
    history: list[HistoryEntry]


class ErratumCounts(Schema):
    filed: int
    approved: int
    rejected: int
    applied: int


class ErratumPage(Schema):
    items: list[ErratumRead]
    total: int = Field(description="Errata matching every filter, all pages together")
    counts: ErratumCounts = Field(description="Per status, for the filters other than status")


class CaseOpened(Schema):
    case_id: str
    status: Literal["open"]


class CaseRead(Schema):
    case_id: str
    kind: CaseKind
    account_id: str
    status: CaseStatus
    id_type: IdType
    id_number_masked: str
    contact_phone_masked: str
    reply_email_masked: str | None
    has_scan: bool
    scan_deleted_at: datetime | None
    reason: str | None
    decided_by: str | None
    opened_at: datetime
    closed_at: datetime | None


class ScanRead(Schema):
    reader_id: str
    reader_role: Literal["student", "support"]
    read_at: datetime


class CaseDetail(CaseRead):
    history: list[HistoryEntry]
    scan_reads: list[ScanRead] | None = Field(description="Who read the scan (support only)")


class CaseCounts(Schema):
    open: int
    approved: int
    rejected: int


class CasePage(Schema):
    items: list[CaseRead]
    total: int
    counts: CaseCounts = Field(description="Per status (the status filter aside)")


class WindowRead(Schema):
    institution_code: str
    cohort: str
    confirm_until: datetime
    recheck_from: datetime | None
    recheck_until: datetime | None
