"""Which record a photo belongs to: exact rules, and why a photo stays unlinked.

A photo links to a record of its institution when the ID (type + number, as a keyed
hash) and the name match, and the student number too when the manifest gives one. A
collection code names its record outright. Otherwise the reason says what differs.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class UnlinkedReason(StrEnum):
    NO_RECORD = "no_record"
    NAME_MISMATCH = "name_mismatch"
    STUDENT_NUMBER_MISMATCH = "student_number_mismatch"
    ID_MISMATCH = "id_mismatch"


def name_key(name: str) -> str:
    """Full-width folded, spaces dropped, case folded: 张 三 == 张三, ＬＩ == li."""
    folded = unicodedata.normalize("NFKC", name)
    return "".join(folded.split()).casefold()


class KeptRecord(Protocol):
    """What photos keeps of a record (its replica: linking, slots by college and class), as
    it reads it from records' events: a full record event, or a view of an import's records
    with these fields (:data:`KEPT_FIELDS`)."""

    @property
    def record_id(self) -> str: ...
    @property
    def institution_code(self) -> str: ...
    @property
    def branch(self) -> str: ...
    @property
    def class_name(self) -> str | None: ...
    @property
    def cohort(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def id_type(self) -> str: ...
    @property
    def identity_hash(self) -> str: ...
    @property
    def student_number(self) -> str: ...


KEPT_FIELDS: tuple[str, ...] = tuple(
    name for name, member in vars(KeptRecord).items() if isinstance(member, property)
)
"""The fields of :class:`KeptRecord`, in its order: what photos reads of an imported record."""


@dataclass(frozen=True, slots=True)
class RecordKey:
    record_id: str
    institution_code: str
    name_key: str
    identity_hash: str
    student_number: str
    cohort: str


@dataclass(frozen=True, slots=True)
class PhotoKey:
    institution_code: str
    code_record_id: str | None = None
    name_key: str | None = None
    identity_hash: str | None = None
    student_number: str | None = None


@dataclass(frozen=True, slots=True)
class LinkDecision:
    record_id: str | None
    reason: UnlinkedReason | None = None

    @property
    def linked(self) -> bool:
        return self.record_id is not None


def decide_link(photo: PhotoKey, candidates: Sequence[RecordKey]) -> LinkDecision:
    """Decide against the records of the photo's institution that share its ID, student
    number or collection-code record (the store finds those candidates)."""
    mine = [r for r in candidates if r.institution_code == photo.institution_code]
    if photo.code_record_id is not None:
        for record in mine:
            if record.record_id == photo.code_record_id:
                return LinkDecision(record.record_id)
        return LinkDecision(None, UnlinkedReason.NO_RECORD)
    same_id = [r for r in mine if r.identity_hash == photo.identity_hash]
    same_name = [r for r in same_id if r.name_key == photo.name_key]
    if photo.student_number:
        exact = [r for r in same_name if r.student_number == photo.student_number]
        if exact:
            return LinkDecision(exact[0].record_id)
    elif same_name:
        # several records of one person at one institution (bachelor, then master): the latest
        return LinkDecision(max(same_name, key=lambda r: (r.cohort, r.record_id)).record_id)
    if same_name:
        return LinkDecision(None, UnlinkedReason.STUDENT_NUMBER_MISMATCH)
    if same_id:
        return LinkDecision(None, UnlinkedReason.NAME_MISMATCH)
    if photo.student_number and any(r.student_number == photo.student_number for r in mine):
        return LinkDecision(None, UnlinkedReason.ID_MISMATCH)
    return LinkDecision(None, UnlinkedReason.NO_RECORD)
