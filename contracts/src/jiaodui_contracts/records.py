"""Events of the records service (topic ``records.events``).

Record events (RecordsImported, RecordCorrected) carry the record's *bucket* as their
Kafka key: the first two hex digits of ``record_id`` (256 buckets). Every event about
one record has the same key, so a record's history stays in order on one partition,
and an import can publish its records in batches (one bucket per RecordsImported).
Matching events are keyed by ``account_id`` (an account's matches stay in order).
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field, StringConstraints

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


RECORDS_PER_EVENT = 100
"""At most this many records in one RecordsImported."""
RecordBucket = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{2}$")]
_BUCKET_KEY = (
    "the record's bucket, the first two hex digits of data.record_id (`3f` for 3f2a…): "
    "every event about one record has this key, so a record's events stay in order"
)


def record_bucket(record_id: str) -> str:
    """The Kafka key of every event about this record (see the module's docstring)."""
    return record_id[:2]


class RecordImported(Event, RecordFields):
    """A registry import created a record or changed it (unchanged rows emit nothing).

    No longer produced: imports publish RecordsImported (up to 100 records per event).
    Consumers keep handling it for events already on the topic."""

    TYPE: ClassVar[str] = "jiaodui.records.RecordImported.v1"
    TOPIC: ClassVar[str] = "records.events"
    KEY_FIELD: ClassVar[str] = "record_id"
    KEY_DESCRIPTION: ClassVar[str | None] = f"{_BUCKET_KEY}; subject = data.record_id"
    import_id: Uuid
    change: Literal["created", "changed"]
    imported_at: Timestamp

    def partition_key(self) -> str:
        return record_bucket(self.record_id)


class ImportedRecord(RecordFields):
    """One record of a RecordsImported: its state after the import, and whether the import
    created it or changed it."""

    change: Literal["created", "changed"]


class RecordsImported(Event):
    """A registry import created or changed these records (one batch of one bucket and one
    institution).

    An import publishes every record it created or changed (unchanged rows emit nothing)
    in events of up to 100 records, all of one bucket and one institution; the batch's
    events are written with the batch's commit. Apply the records in the order given;
    events of one bucket arrive in order, and a record is never in two buckets."""

    TYPE: ClassVar[str] = "jiaodui.records.RecordsImported.v1"
    TOPIC: ClassVar[str] = "records.events"
    KEY_FIELD: ClassVar[str] = "bucket"
    KEY_DESCRIPTION: ClassVar[str | None] = f"= subject = data.bucket: {_BUCKET_KEY}"
    import_id: Uuid
    bucket: RecordBucket
    """The first two hex digits of every record_id in ``records``."""
    institution_code: str | None = None
    """The institution of every record in ``records`` (what a subscription is scoped by;
    absent only in events published before it was added)."""
    imported_at: Timestamp
    records: list[ImportedRecord] = Field(min_length=1, max_length=RECORDS_PER_EVENT)


class RecordCorrected(Event, RecordFields):
    """An approved erratum was applied to the record."""

    TYPE: ClassVar[str] = "jiaodui.records.RecordCorrected.v1"
    TOPIC: ClassVar[str] = "records.events"
    KEY_FIELD: ClassVar[str] = "record_id"
    KEY_DESCRIPTION: ClassVar[str | None] = f"{_BUCKET_KEY}; subject = data.record_id"
    erratum_id: Uuid
    changed_fields: list[str]
    corrected_at: Timestamp
    skipped_fields: list[str] = Field(default_factory=list)
    """Approved items records could not apply (a value outside the registry's vocabulary,
    a student number already taken); photo items are not listed."""

    def partition_key(self) -> str:
        return record_bucket(self.record_id)


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
