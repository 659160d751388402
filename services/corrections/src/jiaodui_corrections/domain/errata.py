"""Errata (数据检查勘误表): which fields may be corrected, and the life of a form.

filed → approved → applied (when records and/or photos report the fix), or
filed → rejected (with a reason). An erratum is *open* while filed or approved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

RECORD_FIELDS = frozenset(
    {
        "name",
        "gender",
        "birth_date",
        "ethnicity",
        "id_number",
        "student_number",
        "exam_number",
        "department",
        "major",
        "class_name",
        "level",
        "education_type",
        "study_form",
        "enrollment_date",
    }
)
PHOTO_FIELDS = frozenset({"graduation_photo", "admission_photo"})
"""A photo item asks photos for a re-capture or a metadata fix; its ``correct_value`` is
free text (what is wrong), and ``old_value`` the disputed photo id when known."""
FIELDS = RECORD_FIELDS | PHOTO_FIELDS
MAX_ITEMS = 20
MAX_VALUE_LENGTH = 200
GENDERS = frozenset({"male", "female"})
DATE_FIELDS = frozenset({"birth_date", "enrollment_date"})


class ErratumStatus(StrEnum):
    FILED = "filed"
    APPROVED = "approved"
    REJECTED = "rejected"
    APPLIED = "applied"


OPEN_STATUSES = frozenset({ErratumStatus.FILED, ErratumStatus.APPROVED})


class ErratumError(ValueError):
    """A rule was broken; ``code`` is the problem code and ``status`` the HTTP status."""

    def __init__(self, code: str, detail: str, status: int = 422) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.status = status


@dataclass(frozen=True, slots=True)
class Item:
    field: str
    correct_value: str | None


def validate_items(items: list[Item]) -> list[Item]:
    """Known fields, each once, with a value (photo items may leave it empty)."""
    if not items:
        raise ErratumError("items_required", "Name at least one field to correct.")
    if len(items) > MAX_ITEMS:
        raise ErratumError("too_many_items", f"At most {MAX_ITEMS} items.")
    seen: set[str] = set()
    cleaned: list[Item] = []
    for item in items:
        if item.field not in FIELDS:
            raise ErratumError("field_unknown", f"The field {item.field!r} cannot be corrected.")
        if item.field in seen:
            raise ErratumError("field_repeated", f"The field {item.field!r} appears twice.")
        seen.add(item.field)
        value = (item.correct_value or "").strip() or None
        if value is not None and len(value) > MAX_VALUE_LENGTH:
            raise ErratumError("value_too_long", f"The value of {item.field!r} is too long.")
        if value is None and item.field in RECORD_FIELDS:
            raise ErratumError("value_required", f"Give the correct value of {item.field!r}.")
        if item.field == "gender" and value not in GENDERS:
            raise ErratumError("value_invalid", "gender is 'male' or 'female'.")
        if item.field in DATE_FIELDS and value is not None and not _is_date(value):
            raise ErratumError("value_invalid", f"{item.field} is a date (YYYY-MM-DD).")
        cleaned.append(Item(item.field, value))
    return cleaned


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def pending_parts(fields: list[str]) -> list[str]:
    """What must arrive before an approved erratum is applied: ``record`` and/or photo kinds."""
    parts = ["record"] if any(f in RECORD_FIELDS for f in fields) else []
    parts += sorted(f.removesuffix("_photo") for f in fields if f in PHOTO_FIELDS)
    return parts


def decide(current: str, decision: ErratumStatus) -> bool:
    """Whether a decision changes the state (False: the same decision again, answer alike)."""
    if current == decision:
        return False
    if current != ErratumStatus.FILED:
        raise ErratumError(
            "erratum_already_decided", f"The erratum is already {current}.", status=409
        )
    return True
