"""The API's literals are the domain's codes, and a stored record reads as a RecordRead."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, get_args

from jiaodui_records.domain.vocabulary import LABELS
from jiaodui_records.entrypoints import schemas
from jiaodui_records.service_layer.published import record_read
from jiaodui_runtime.idcard import ID_TYPES


def test_literals_list_the_vocabulary_codes() -> None:
    literals = {
        "gender": schemas.Gender,
        "level": schemas.Level,
        "education_type": schemas.EducationType,
        "study_form": schemas.StudyForm,
        "status": schemas.RecordStatus,
    }
    assert literals.keys() == LABELS.keys()
    for field, literal in literals.items():
        assert set(get_args(literal)) == set(LABELS[field]), field
    assert set(get_args(schemas.IdType)) == set(ID_TYPES)


def test_a_stored_record_reads_with_every_field() -> None:
    row: dict[str, Any] = {
        "record_id": uuid.uuid4(), "institution_code": "10001", "institution_name": "示范大学",
        "student_number": "S1", "exam_number": None, "name": "张三", "gender": "male",
        "ethnicity": None, "birth_date": date(2003, 5, 17), "id_type": "resident_id",
        "identity_hash": "h", "id_number_masked": "110101********1234", "branch": "信息学院",
        "department": None, "major": "软件工程", "class_name": None, "level": "bachelor",
        "duration_years": 4.0, "education_type": "regular", "study_form": "full_time",
        "enrollment_date": None, "status": "enrolled", "cohort": "2026",
        "updated_at": datetime.now(UTC),
    }  # fmt: skip
    shown = record_read(row)  # type: ignore[arg-type]
    read = schemas.RecordRead.model_validate(shown)
    assert set(schemas.RecordRead.model_fields) == set(shown)
    assert read.level_label == "本科" and "identity_hash" not in read.model_dump()
