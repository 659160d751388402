"""What records answers, as the OpenAPI document (and the portal's generated types) see it.

Every field is always present; the ones that may be empty are ``X | None``. Coded values
are literals: the codes of domain/vocabulary.py (a unit test keeps the two in step).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Schema(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


Gender = Literal["male", "female"]
IdType = Literal["resident_id", "passport", "hk_macao_permit", "taiwan_permit"]
Level = Literal[
    "associate", "bachelor", "bachelor_from_associate", "second_bachelor", "master", "doctor"
]
EducationType = Literal["regular", "adult", "online", "open", "self_study"]
StudyForm = Literal["full_time", "part_time", "correspondence", "spare_time", "off_job", "online"]
RecordStatus = Literal[
    "enrolled", "suspended", "retained", "withdrawn", "expelled", "graduated", "completed",
    "incomplete",
]  # fmt: skip
ImportStatus = Literal["pending", "running", "done", "failed"]
ImportFormat = Literal["csv", "ndjson"]


class RecordRead(Schema):
    """A record as its owner and staff in scope see it: the ID number only masked, each
    coded value with its Chinese label beside it (``level`` → ``level_label``)."""

    record_id: str
    institution_code: str
    institution_name: str
    student_number: str
    exam_number: str | None
    name: str
    gender: Gender
    gender_label: str
    ethnicity: str | None
    birth_date: date
    id_type: IdType
    id_number_masked: str
    branch: str = Field(description="The college (分院)")
    department: str | None
    major: str
    class_name: str | None
    level: Level
    level_label: str
    duration_years: float | None
    education_type: EducationType
    education_type_label: str
    study_form: StudyForm
    study_form_label: str
    enrollment_date: date | None
    status: RecordStatus
    status_label: str
    cohort: str
    updated_at: datetime


class RecordPage(Schema):
    items: list[RecordRead]
    total: int = Field(description="Records matching the filters, all pages together")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")


class MatchHint(Schema):
    zh: str
    en: str


class MatchRead(Schema):
    status: Literal["matched", "unmatched", "pending"]
    reason: Literal["no_record", "name_mismatch"] | None = Field(
        description="Why no record matches (only when unmatched)"
    )
    hint: MatchHint


class CollectionCodeRead(Schema):
    record_id: str
    code: str
    qr_svg: str


class ProgressGroup(Schema):
    branch: str
    class_name: str | None
    roster: int
    matched: int


class ProgressRead(Schema):
    institution_code: str
    college: str | None
    roster: int
    matched: int
    groups: list[ProgressGroup]


class ImportAccepted(Schema):
    import_id: str


class ImportError(Schema):  # shadows the builtin here only: the name the API gives it
    line: int = Field(description="The file's line (for CSV the header is line 1)")
    field: str = Field(description="The column, or empty when the whole line is malformed")
    code: str


class ImportSummary(Schema):
    """An import and its counts, committed batch by batch while it runs."""

    import_id: str
    status: ImportStatus
    institution_code: str | None = Field(description="None: an admin's (any institution)")
    format: ImportFormat
    submitted_by: str
    bytes: int
    bytes_done: int = Field(description="How far into the file processing has got")
    progress: float = Field(ge=0, le=1, description="bytes_done / bytes (below 1 until done)")
    total: int
    accepted: int
    rejected: int
    created: int
    changed: int
    unchanged: int
    failure: str | None
    received_at: datetime
    finished_at: datetime | None


class ImportRead(ImportSummary):
    errors: list[ImportError] = Field(description="A page of the kept errors, in line order")
    errors_kept: int = Field(description="Errors kept for this import (at most the limit)")
    errors_total: int = Field(description="Errors found, kept or not")


class ImportPage(Schema):
    items: list[ImportSummary]
    total: int
