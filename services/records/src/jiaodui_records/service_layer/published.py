"""A stored record as the contracts publish it and as the API shows it."""

from __future__ import annotations

from typing import Any

import asyncpg

from jiaodui_records.domain.vocabulary import LABELS, label_of

_PUBLISHED = (
    "institution_code", "institution_name", "student_number", "exam_number", "name", "gender",
    "ethnicity", "birth_date", "id_type", "identity_hash", "id_number_masked", "branch",
    "department", "major", "class_name", "level", "duration_years", "education_type",
    "study_form", "enrollment_date", "status", "cohort",
)  # fmt: skip


def record_fields(row: asyncpg.Record) -> dict[str, Any]:
    """The RecordFields of the contracts (the ID only hashed and masked)."""
    fields = {name: row[name] for name in _PUBLISHED}
    fields["record_id"] = str(row["record_id"])
    return fields


def record_read(row: asyncpg.Record) -> dict[str, Any]:
    """What the API answers: the fields, the Chinese label beside each coded value
    (``level_label``...), no identity hash."""
    fields = record_fields(row)
    del fields["identity_hash"]
    for day in ("birth_date", "enrollment_date"):
        fields[day] = fields[day].isoformat() if fields[day] is not None else None
    for field in LABELS:
        fields[f"{field}_label"] = label_of(field, row[field])
    fields["updated_at"] = row["updated_at"].isoformat()
    return fields
