"""One row of a registry import: validated into a record, or refused field by field."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Final

from jiaodui_runtime.idcard import ID_TYPES, IdProblem, check_id_number, parse_resident_id
from jiaodui_runtime.privacy import identity_hash, mask_id_number, normalise_id_number

from jiaodui_records.domain.names import name_key
from jiaodui_records.domain.vocabulary import code_of

COLUMNS: Final = (
    "institution_code", "institution_name", "student_number", "exam_number", "name",
    "gender", "ethnicity", "birth_date", "id_type", "id_number", "branch", "department",
    "major", "class_name", "level", "duration_years", "education_type", "study_form",
    "enrollment_date", "status", "cohort",
)  # fmt: skip
REQUIRED: Final = frozenset(
    {"institution_code", "institution_name", "student_number", "name", "gender", "birth_date",
     "id_type", "id_number", "branch", "major", "level", "education_type", "study_form",
     "status", "cohort"}
)  # fmt: skip
OPTIONAL_TEXT: Final = ("exam_number", "ethnicity", "department", "class_name")
REQUIRED_TEXT: Final = ("institution_code", "institution_name", "student_number", "branch",
                        "major", "cohort")  # fmt: skip
ENUMERATED: Final = ("gender", "level", "education_type", "study_form", "status")
MAX_TEXT: Final = 200
# text PostgreSQL cannot store: one such row must be refused, not fail the whole import
_UNSTORABLE: Final = re.compile("[\x00\ud800-\udfff]")
STORED: Final = (
    "institution_code", "institution_name", "student_number", "exam_number", "name",
    "name_key", "gender", "ethnicity", "birth_date", "id_type", "identity_hash",
    "id_number_masked", "branch", "department", "major", "class_name", "level",
    "duration_years", "education_type", "study_form", "enrollment_date", "status", "cohort",
)  # fmt: skip
"""The record's stored columns, in the order of :meth:`RecordRow.values`."""


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    field: str
    code: str


@dataclass(frozen=True, slots=True)
class RecordRow:
    line: int
    values: tuple[object, ...]  # in STORED order

    @property
    def key(self) -> tuple[str, str]:
        return str(self.values[0]), str(self.values[2])


def missing_columns(header: list[str]) -> list[str]:
    present = {h.strip().lower() for h in header}
    return sorted(REQUIRED - present)


def parse_day(text: str) -> date | None:
    """ISO dates, also written with / or . (2003/5/17), or as 20030517."""
    text = text.strip()
    try:
        if len(text) == 10 and text[4] == "-":
            return date.fromisoformat(text)
        if len(text) == 8 and text.isdigit():
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        parts = text.replace("/", "-").replace(".", "-").split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None
    return None


def _duration(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0 < value <= 12 else None


def validate_row(
    raw: dict[str, str], *, line: int, secret: bytes
) -> tuple[RecordRow | None, list[RowError]]:
    """Turn a row (column → text) into a record, or say what is wrong with each field."""
    errors: list[RowError] = []
    get = raw.get

    def fail(field: str, code: str) -> None:
        errors.append(RowError(line, field, code))

    text: dict[str, str | None] = {}
    for field in COLUMNS:
        value = (get(field) or "").strip()
        if not value:
            if field in REQUIRED:
                fail(field, "required")
            text[field] = None
        elif len(value) > MAX_TEXT:
            fail(field, "too_long")
            text[field] = None
        elif _UNSTORABLE.search(value):
            fail(field, "invalid_characters")
            text[field] = None
        else:
            text[field] = value
    codes: dict[str, str | None] = {}
    for field in ENUMERATED:
        given = text[field]
        codes[field] = code_of(field, given) if given else None
        if given and codes[field] is None:
            fail(field, "invalid_value")
    birth = parse_day(text["birth_date"]) if text["birth_date"] else None
    if text["birth_date"] and birth is None:
        fail("birth_date", "invalid_date")
    enrolled = parse_day(text["enrollment_date"]) if text["enrollment_date"] else None
    if text["enrollment_date"] and enrolled is None:
        fail("enrollment_date", "invalid_date")
    duration = _duration(text["duration_years"]) if text["duration_years"] else None
    if text["duration_years"] and duration is None:
        fail("duration_years", "invalid_number")
    id_type, id_number = text["id_type"], text["id_number"]
    if id_type and id_type not in ID_TYPES:
        fail("id_type", "invalid_value")
    elif id_type and id_number:
        _check_id(id_type, id_number, birth, codes["gender"], fail)
    if errors:
        return None, errors
    assert id_type is not None and id_number is not None and text["name"] is not None
    number = normalise_id_number(id_number)
    return RecordRow(
        line,
        (
            text["institution_code"], text["institution_name"], text["student_number"],
            text["exam_number"], text["name"], name_key(text["name"]), codes["gender"],
            text["ethnicity"], birth, id_type, identity_hash(secret, id_type, number),
            mask_id_number(number), text["branch"], text["department"], text["major"],
            text["class_name"], codes["level"], duration, codes["education_type"],
            codes["study_form"], enrolled, codes["status"], text["cohort"],
        ),
    ), []  # fmt: skip


def _check_id(
    id_type: str,
    id_number: str,
    birth: date | None,
    gender: str | None,
    fail: Callable[[str, str], None],
) -> None:
    if id_type != "resident_id":
        problem = check_id_number(id_type, id_number)
        if problem is not None:
            fail("id_number", problem.value)
        return
    parsed = parse_resident_id(id_number)
    if parsed is None:
        fail("id_number", IdProblem.INVALID.value)
        return
    if birth is not None and parsed.birth_date != birth:
        fail("birth_date", IdProblem.BIRTH_DATE_MISMATCH.value)
    if gender is not None and parsed.gender != gender:
        fail("gender", IdProblem.GENDER_MISMATCH.value)
