"""What photos answers: one model per answer, so the OpenAPI document names every field."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

Kind = Literal["graduation", "admission"]
SlotState = Literal["missing", "pending", "confirmed", "disputed"]
Phase = Literal["open", "closed", "recheck", "over"]
FileStatus = Literal["linked", "unlinked", "invalid"]
BatchStatus = Literal["processing", "done", "interrupted"]
CheckStateName = Literal["running", "passed", "under_review", "accepted"]
ReviewVerdict = Literal["fail", "uncertain", "anomaly"]
UnlinkedReason = Literal["no_record", "name_mismatch", "student_number_mismatch", "id_mismatch"]
# a moment in the display zone (Asia/Shanghai), with its offset: 2026-03-17T23:59:59+08:00
DisplayTime = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]


class Read(BaseModel):
    """An answer carries every field, null when empty: the schema marks them all required."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class BatchAccepted(Read):
    batch_id: str


class FindingRead(Read):
    code: str = Field(description="What the machine check found: no_face, too_dark, …")
    value: float | str | None = Field(description="The measured value, when there is one.")


class BatchFileRead(Read):
    file: str
    photo_id: str | None
    status: FileStatus
    reason: str | None = Field(
        description="Why the file is invalid (a check's code) or its photo unlinked."
    )
    findings: list[FindingRead] | None = Field(
        description="The machine check's findings once the photo is checked (DESIGN §9)."
    )


class BatchRead(Read):
    batch_id: str
    institution_code: str
    uploaded_by: str = Field(description="The uploader's account id.")
    created_at: datetime
    finished_at: datetime | None
    status: BatchStatus
    total: int
    processed: int
    linked: int
    unlinked: int
    invalid: int
    files: list[BatchFileRead]


class BatchSummary(Read):
    batch_id: str
    institution_code: str
    uploaded_by: str = Field(description="The uploader's account id.")
    created_at: datetime
    finished_at: datetime | None
    status: BatchStatus
    total: int
    processed: int
    linked: int
    unlinked: int
    invalid: int


class BatchPage(Read):
    items: list[BatchSummary]
    total: int


class WindowTimes(Read):
    phase: Phase
    confirm_until: DisplayTime | None
    recheck_from: DisplayTime | None
    recheck_until: DisplayTime | None


class WindowRead(Read):
    institution_code: str
    cohort: str
    phase: Phase
    confirm_until: DisplayTime
    recheck_from: DisplayTime
    recheck_until: DisplayTime


class WindowList(Read):
    items: list[WindowRead]


class PhotoSlotRead(Read):
    photo_id: str | None
    status: SlotState
    answered_at: DisplayTime | None
    image_url: str | None
    check: CheckStateName | None = Field(
        description="The machine check: confirm waits for passed or accepted (DESIGN §9)."
    )


class RecordPhotosRead(Read):
    record_id: str
    institution_code: str
    cohort: str
    window: WindowTimes
    graduation: PhotoSlotRead
    admission: PhotoSlotRead


class PhotoAnswer(Read):
    photo_id: str
    record_id: str
    kind: Kind
    status: Literal["pending", "confirmed", "disputed"]
    answered_at: DisplayTime | None
    reason: str | None


class UnlinkedPhotoRead(Read):
    photo_id: str
    batch_id: str
    institution_code: str
    file: str | None
    kind: Kind
    uploaded_at: datetime
    name: str | None = Field(description="The name the manifest gave (null for a code row).")
    student_number: str | None
    id_number_masked: str | None = Field(description="The manifest's ID number, masked.")
    by_collection_code: bool = Field(description="The manifest row gave a collection code.")
    reason: UnlinkedReason | None


class UnlinkedPhotoPage(Read):
    items: list[UnlinkedPhotoRead]
    total: int


class SlotCounts(Read):
    missing: int
    pending: int
    confirmed: int
    disputed: int


class KindCounts(Read):
    graduation: SlotCounts
    admission: SlotCounts


class ClassProgress(Read):
    institution_code: str
    college: str
    class_name: str | None
    graduation: SlotCounts
    admission: SlotCounts


class CollegeProgress(Read):
    institution_code: str
    college: str
    records: int = Field(description="Records of the college (each has both kinds of photo).")
    graduation: SlotCounts
    admission: SlotCounts


class StatsRead(Read):
    groups: list[ClassProgress] = Field(description="Per institution, college and class.")
    colleges: list[CollegeProgress] = Field(description="Per institution and college.")
    totals: KindCounts
    unlinked_photos: int


class ReviewRead(Read):
    photo_id: str
    record_id: str
    kind: Kind
    institution_code: str
    college: str
    class_name: str | None
    name: str
    student_number: str
    verdict: ReviewVerdict
    distance: float | None = Field(description="Euclidean distance of the two faces' embeddings.")
    findings: list[FindingRead]
    checked_at: datetime
    image_url: str
    other_photo_id: str | None = Field(description="The record's photo of the other kind.")
    other_image_url: str | None


class ReviewPage(Read):
    items: list[ReviewRead]
    total: int


class ReviewDecision(Read):
    photo_id: str
    record_id: str
    kind: Kind
    verdict: ReviewVerdict
    review: Literal["accepted", "recapture"]
    check: CheckStateName
    reason: str | None
