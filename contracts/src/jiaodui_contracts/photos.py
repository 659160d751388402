"""Events of the photos service (topic ``photos.events``, key ``record_id``).

Keyed by record: a record's photo history (linked, replaced, confirmed, disputed)
stays in order. ``account_id`` is carried where a student acted or is addressed.
A photo that links to no record emits nothing: it has no owner to tell, and the
photographer sees why in the batch report (``GET /v1/batches/{id}``).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from jiaodui_contracts._base import Day, Event, PhotoKind, Timestamp, Uuid


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
