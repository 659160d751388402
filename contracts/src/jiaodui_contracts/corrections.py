"""Events of the corrections service (topic ``corrections.events``).

Errata are keyed by ``record_id`` (the record's fixes stay in order); identity
corrections and disputes by ``account_id`` (the account's identity stays in order).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, model_validator

from jiaodui_contracts._base import (
    FROZEN,
    Event,
    IdentityHash,
    IdType,
    MaskedIdNumber,
    Timestamp,
    Uuid,
)

FilerRole = Literal["student", "college_staff", "registrar"]
PHOTO_FIELDS = frozenset({"graduation_photo", "admission_photo"})
"""``FieldChange.field`` values that concern the photo, not the record."""
_NEVER_PLAIN = frozenset({"id_number", "phone"})


class FieldChange(BaseModel):
    """One field to fix.

    ``field`` is a record field (``name``, ``student_number``, ``major``...),
    ``id_number``, or a photo (``graduation_photo``, ``admission_photo``: then
    ``old_value`` is the photo id and ``correct_value`` the student's reason).
    For ``id_number`` the plain value never travels: ``old_value`` is the masked
    old number, ``correct_value`` stays empty, and ``correct_value_masked`` and
    ``correct_identity_hash`` carry the new one (records re-keys the record by it).
    """

    model_config = FROZEN

    field: str
    old_value: str | None = None
    correct_value: str | None = None
    correct_value_masked: MaskedIdNumber | None = None
    correct_identity_hash: IdentityHash | None = None

    @model_validator(mode="after")
    def _no_plain_identifier(self) -> FieldChange:
        if self.field in _NEVER_PLAIN and self.correct_value is not None:
            raise ValueError(f"a {self.field} change carries only its masked form and hash")
        return self


class _ErratumEvent(Event):
    TOPIC: ClassVar[str] = "corrections.events"
    KEY_FIELD: ClassVar[str] = "record_id"
    erratum_id: Uuid
    record_id: Uuid
    institution_code: str
    branch: str
    account_id: Uuid | None = None


class ErrataFiled(_ErratumEvent):
    """An errata form (数据检查勘误表) was filed with the college office."""

    TYPE: ClassVar[str] = "jiaodui.corrections.ErrataFiled.v1"
    filed_by: Uuid
    filed_by_role: FilerRole
    items: list[FieldChange]
    filed_at: Timestamp


class ErrataApproved(_ErratumEvent):
    """The office approved the erratum: records (and photos, for photo items) apply it."""

    TYPE: ClassVar[str] = "jiaodui.corrections.ErrataApproved.v1"
    changes: list[FieldChange]
    approved_by: Uuid
    approved_at: Timestamp


class ErrataRejected(_ErratumEvent):
    """The office rejected the erratum (``reason`` is shown to the student)."""

    TYPE: ClassVar[str] = "jiaodui.corrections.ErrataRejected.v1"
    reason: str
    rejected_by: Uuid
    rejected_at: Timestamp


class ErrataApplied(_ErratumEvent):
    """The approved fix arrived (RecordCorrected or the new photo): the case is closed."""

    TYPE: ClassVar[str] = "jiaodui.corrections.ErrataApplied.v1"
    applied_at: Timestamp


class _IdentityCaseEvent(Event):
    TOPIC: ClassVar[str] = "corrections.events"
    KEY_FIELD: ClassVar[str] = "account_id"
    case_id: Uuid
    account_id: Uuid


class IdentityCorrectionRequested(_IdentityCaseEvent):
    """A student asked support to correct the ID number (scan attached, kept private)."""

    TYPE: ClassVar[str] = "jiaodui.corrections.IdentityCorrectionRequested.v1"
    id_type: IdType
    id_number_masked: MaskedIdNumber
    requested_at: Timestamp


class IdentityCorrectionApproved(_IdentityCaseEvent):
    """Support approved: identity binds the account to this ID."""

    TYPE: ClassVar[str] = "jiaodui.corrections.IdentityCorrectionApproved.v1"
    id_type: IdType
    identity_hash: IdentityHash
    id_number_masked: MaskedIdNumber
    approved_by: Uuid
    approved_at: Timestamp


class IdentityCorrectionRejected(_IdentityCaseEvent):
    """Support rejected the ID correction; the account keeps its ID."""

    TYPE: ClassVar[str] = "jiaodui.corrections.IdentityCorrectionRejected.v1"
    reason: str
    rejected_by: Uuid
    rejected_at: Timestamp


class IdentityDisputeFiled(_IdentityCaseEvent):
    """A student claims an ID that another account registered (``account_id`` = claimant)."""

    TYPE: ClassVar[str] = "jiaodui.corrections.IdentityDisputeFiled.v1"
    id_type: IdType
    identity_hash: IdentityHash
    id_number_masked: MaskedIdNumber
    filed_at: Timestamp


class IdentityDisputeResolved(_IdentityCaseEvent):
    """Support decided a dispute; ``released``: identity takes the ID from its holder and
    binds it to the claimant (``account_id``)."""

    TYPE: ClassVar[str] = "jiaodui.corrections.IdentityDisputeResolved.v1"
    outcome: Literal["released", "rejected"]
    id_type: IdType
    identity_hash: IdentityHash
    id_number_masked: MaskedIdNumber
    reason: str | None = None
    resolved_by: Uuid
    resolved_at: Timestamp
