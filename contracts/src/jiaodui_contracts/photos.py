"""Events of the photos service (topic ``photos.events``, key ``record_id``).

Keyed by record: a record's photo history (linked, replaced, confirmed, disputed)
stays in order. ``account_id`` is carried where a student acted or is addressed.
Machine checks (DESIGN §9) publish ``PhotoChecked`` with the verdict and findings, never an
embedding or image bytes; the college office's request for a new photo publishes
``PhotoRecaptureRequested`` (corrections opens an erratum for it).
A photo that links to no record emits nothing: it has no owner to tell, and the
photographer sees why in the batch report (``GET /v1/batches/{id}``).
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field, StringConstraints

from jiaodui_contracts._base import FROZEN, Day, Event, PhotoKind, Timestamp, Uuid


class _PhotoEvent(Event):
    TOPIC: ClassVar[str] = "photos.events"
    KEY_FIELD: ClassVar[str] = "record_id"
    record_id: Uuid
    institution_code: str
    branch: str


class PhotoLinked(_PhotoEvent):
    """A photo of a batch was linked to its record; it awaits the student's answer."""

    TYPE: ClassVar[str] = "jiaodui.photos.PhotoLinked.v1"
    photo_id: Uuid
    kind: PhotoKind
    batch_id: Uuid
    linked_at: Timestamp


class PhotoReplaced(_PhotoEvent):
    """A newer photo of the same kind replaced the record's photo (status back to pending)."""

    TYPE: ClassVar[str] = "jiaodui.photos.PhotoReplaced.v1"
    photo_id: Uuid
    previous_photo_id: Uuid
    kind: PhotoKind
    replaced_at: Timestamp


class PhotoConfirmed(_PhotoEvent):
    """The student confirmed the photo is right (final within the window)."""

    TYPE: ClassVar[str] = "jiaodui.photos.PhotoConfirmed.v1"
    photo_id: Uuid
    account_id: Uuid
    kind: PhotoKind
    confirmed_at: Timestamp


class PhotoDisputed(_PhotoEvent):
    """The student said the photo is wrong: the errata path opens."""

    TYPE: ClassVar[str] = "jiaodui.photos.PhotoDisputed.v1"
    photo_id: Uuid
    account_id: Uuid
    kind: PhotoKind
    reason: str
    disputed_at: Timestamp


class DeadlineReminderDue(_PhotoEvent):
    """A student still has unconfirmed photos and the window closes soon."""

    TYPE: ClassVar[str] = "jiaodui.photos.DeadlineReminderDue.v1"
    account_id: Uuid
    cohort: str
    pending_kinds: list[PhotoKind]
    confirm_until: Timestamp
    stage: Literal["first", "last"]
    due_on: Day


Verdict = Literal["pass", "fail", "uncertain", "anomaly"]
FindingCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
"""A finding's code: a snake_case name such as ``no_face`` or ``too_dark``."""


class PhotoFinding(BaseModel):
    """One thing a machine check found, with the measured value when there is one."""

    model_config = FROZEN
    code: FindingCode
    value: float | str | None = None


class PhotoChecked(_PhotoEvent):
    """The machine checks of a linked photo finished (one face, the photo rules and, for a
    graduation photo whose record has an admission photo, the comparison of the two).

    ``verdict``: ``pass``/``fail``/``uncertain`` compare the two photos (same person, not the
    same, undecided); ``anomaly``: no usable face or a finding that blocks the photo; null:
    nothing to compare and nothing blocking. Anything but ``pass`` and null waits for the
    college office's review. A graduation photo is published again when the admission photo
    it was compared with changes."""

    TYPE: ClassVar[str] = "jiaodui.photos.PhotoChecked.v1"
    photo_id: Uuid
    kind: PhotoKind
    verdict: Verdict | None
    findings: list[PhotoFinding] = Field(default_factory=list)
    checked_at: Timestamp


class PhotoRecaptureRequested(_PhotoEvent):
    """The college office reviewed a checked photo and asked for a new one (an erratum opens;
    the photographer's next photo of this kind replaces it and is checked again)."""

    TYPE: ClassVar[str] = "jiaodui.photos.PhotoRecaptureRequested.v1"
    photo_id: Uuid
    kind: PhotoKind
    reason: str
    requested_by: Uuid
    requested_role: Literal["college_staff", "registrar"]
    requested_at: Timestamp
