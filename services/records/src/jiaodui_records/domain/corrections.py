"""Which fields an approved erratum may change on a record, and how values are read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jiaodui_records.domain.names import name_key
from jiaodui_records.domain.rows import MAX_TEXT, parse_day
from jiaodui_records.domain.vocabulary import code_of

TEXT_FIELDS = frozenset(
    {"ethnicity", "student_number", "exam_number", "department", "major", "class_name"}
)
ENUM_FIELDS = frozenset({"gender", "level", "education_type", "study_form", "status"})
DATE_FIELDS = frozenset({"birth_date", "enrollment_date"})


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    correct_value: str | None
    correct_value_masked: str | None = None
    correct_identity_hash: str | None = None


def column_values(change: Change) -> dict[str, Any] | None:
    """The record columns one approved change sets; None when it cannot apply."""
    value = (change.correct_value or "").strip()
    if change.field == "id_number":
        if not change.correct_identity_hash or not change.correct_value_masked:
            return None
        return {
            "identity_hash": change.correct_identity_hash,
            "id_number_masked": change.correct_value_masked,
        }
    if not value or len(value) > MAX_TEXT:
        return None
    if change.field == "name":
        return {"name": value, "name_key": name_key(value)}
    if change.field in TEXT_FIELDS:
        return {change.field: value}
    if change.field in ENUM_FIELDS:
        code = code_of(change.field, value)
        return {change.field: code} if code else None
    if change.field in DATE_FIELDS:
        day = parse_day(value)
        return {change.field: day} if day else None
    return None  # photo items and unknown fields are not the record's
