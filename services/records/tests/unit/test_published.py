"""A stored record as the contracts publish it and as the API shows it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from jiaodui_contracts import from_json_bytes, new_event, parse_data, to_json_bytes
from jiaodui_contracts.records import RecordImported
from jiaodui_records.domain.rows import STORED, validate_row
from jiaodui_records.service_layer.published import record_fields, record_read
from jiaodui_runtime.testing.accounts import resident_id


def stored_row() -> dict[str, object]:
    raw = {
        "institution_code": "I1", "institution_name": "大学", "student_number": "S1",
        "name": "张三", "gender": "male", "birth_date": "2003-05-17", "id_type": "resident_id",
        "id_number": resident_id(date(2003, 5, 17), "male"), "branch": "信息学院",
        "major": "软件工程", "level": "本科", "education_type": "普通",
        "study_form": "普通全日制", "status": "在籍", "cohort": "2026", "duration_years": "4",
    }  # fmt: skip
    row, errors = validate_row(raw, line=2, secret=b"k")
    assert row is not None, errors
    now = datetime.now(UTC)
    return {
        **dict(zip(STORED, row.values, strict=True)),
        "record_id": uuid.uuid4(),
        "updated_at": now,
    }


def test_stored_records_publish_as_the_contract_says() -> None:
    row = stored_row()
    fields = record_fields(row)  # type: ignore[arg-type]
    event = new_event(
        RecordImported(
            **fields, import_id=str(uuid.uuid4()), change="created", imported_at=datetime.now(UTC)
        ),
        source="/jiaodui/records",
    )
    parsed = parse_data(from_json_bytes(to_json_bytes(event)))
    assert isinstance(parsed, RecordImported)
    assert parsed.record_id == str(row["record_id"]) and parsed.level == "bachelor"


def test_the_api_shows_labels_and_no_identity_hash() -> None:
    shown = record_read(stored_row())  # type: ignore[arg-type]
    assert "identity_hash" not in shown
    assert shown["study_form_label"] == "普通全日制" and shown["birth_date"] == "2003-05-17"
