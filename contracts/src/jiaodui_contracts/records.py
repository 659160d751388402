"""Events of the records service (topic ``records.events``).

Record events are keyed by ``record_id`` (a record's history stays in order);
matching events by ``account_id`` (an account's matches stay in order).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from jiaodui_contracts._base import (
    FROZEN,
    Day,
    Event,
    Gender,
    IdentityHash,
    IdType,
    MaskedIdNumber,
    Timestamp,
    Uuid,
)


class RecordFields(BaseModel):
    """The student-status record (学籍) as published: the ID number only masked and hashed."""

    model_config = FROZEN

    record_id: Uuid
    institution_code: str
    institution_name: str
    student_number: str
    exam_number: str | None = None
    name: str
    gender: Gender
    ethnicity: str | None = None
    birth_date: Day
    id_type: IdType
    identity_hash: IdentityHash
    id_number_masked: MaskedIdNumber
    branch: str
    """The college (分院) — the scope of college staff."""
    department: str | None = None
    major: str
    class_name: str | None = None
    level: str
    duration_years: float | None = None
    education_type: str
    study_form: str
    enrollment_date: Day | None = None
    status: str
    cohort: str


class RecordImported(Event, RecordFields):
    """A registry import created a record or changed it (unchanged rows emit nothing)."""

    TYPE: ClassVar[str] = "jiaodui.records.RecordImported.v1"
    TOPIC: ClassVar[str] = "records.events"
    KEY_FIELD: ClassVar[str] = "record_id"
    import_id: Uuid
    change: Literal["created", "changed"]
    imported_at: Timestamp


class RecordCorrected(Event, RecordFields):
    """An approved erratum was applied to the record."""

    TYPE: ClassVar[str] = "jiaodui.records.RecordCorrected.v1"
    TOPIC: ClassVar[str] = "records.events"
    KEY_FIELD: ClassVar[str] = "record_id"
    erratum_id: Uuid
    changed_fields: list[str]
    corrected_at: Timestamp
    skipped_fields: list[str] = Field(default_factory=list)
    """Approved items records could not apply (a value outside the registry's vocabulary,
    a student number already taken); photo items are not listed."""


class IdentityMatched(Event):
    """An account's real name and ID match a record: it is now shown to the student.

    One event per matched record (an account may have several, e.g. bachelor and master).
    """

    TYPE: ClassVar[str] = "jiaodui.records.IdentityMatched.v1"
    TOPIC: ClassVar[str] = "records.events"
    KEY_FIELD: ClassVar[str] = "account_id"
    account_id: Uuid
    record_id: Uuid
    institution_code: str
    branch: str
    cohort: str
    student_number: str
    matched_at: Timestamp


class IdentityUnmatched(Event):
    """An account has no record (any more): why, and which record differs when one does."""

    TYPE: ClassVar[str] = "jiaodui.records.IdentityUnmatched.v1"
    TOPIC: ClassVar[str] = "records.events"
    KEY_FIELD: ClassVar[str] = "account_id"
    account_id: Uuid
    reason: Literal["no_record", "name_mismatch"]
    record_id: Uuid | None = None
    """For ``name_mismatch``: the record with this ID whose name differs."""
    previously_matched_record_ids: list[Uuid] = Field(default_factory=list)
    unmatched_at: Timestamp
