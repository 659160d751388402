"""Row validation of registry imports, and the registry vocabulary."""

from __future__ import annotations

from datetime import date

import pytest
from jiaodui_records.domain.rows import COLUMNS, STORED, missing_columns, parse_day, validate_row
from jiaodui_records.domain.vocabulary import code_of, label_of
from jiaodui_runtime.testing.accounts import resident_id

SECRET = b"unit-test-secret"
BORN = date(2003, 5, 17)


def raw(**overrides: str) -> dict[str, str]:
    values = dict.fromkeys(COLUMNS, "x")
    values.update(
        gender="女", birth_date="2003/5/17", id_type="resident_id",
        id_number=resident_id(BORN, "female"), level="硕士", duration_years="3",
        education_type="普通高等教育", study_form="全日制", enrollment_date="20220901",
        status="注册学籍", exam_number="",
    )  # fmt: skip
    values.update(overrides)
    return values


def test_a_good_row_becomes_a_record_without_the_plain_id() -> None:
    given = raw()
    row, errors = validate_row(given, line=2, secret=SECRET)
    assert errors == [] and row is not None
    stored = dict(zip(STORED, row.values, strict=True))
    assert given["id_number"] not in str(stored)
    assert stored["level"] == "master" and stored["study_form"] == "full_time"
    assert stored["status"] == "enrolled" and stored["gender"] == "female"
    assert stored["birth_date"] == BORN and stored["enrollment_date"] == date(2022, 9, 1)
    assert stored["exam_number"] is None and stored["duration_years"] == 3.0


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"name": " "}, "name", "required"),
        ({"level": "学士"}, "level", "invalid_value"),
        ({"birth_date": "2003-02-30"}, "birth_date", "invalid_date"),
        ({"duration_years": "four"}, "duration_years", "invalid_number"),
        ({"id_type": "driving_licence"}, "id_type", "invalid_value"),
        ({"id_number": "110101200305171230"}, "id_number", "id_number_invalid"),
        ({"birth_date": "2003-05-18"}, "birth_date", "birth_date_mismatch"),
        ({"gender": "male"}, "gender", "gender_mismatch"),
        ({"major": "x" * 201}, "major", "too_long"),
    ],
)
def test_each_bad_field_is_named(overrides: dict[str, str], field: str, code: str) -> None:
    row, errors = validate_row(raw(**overrides), line=7, secret=SECRET)
    assert row is None
    assert [(e.line, e.field, e.code) for e in errors] == [(7, field, code)]


def test_passports_are_checked_by_shape_only() -> None:
    row, errors = validate_row(
        raw(id_type="passport", id_number="E12345678"), line=2, secret=SECRET
    )
    assert row is not None and errors == []


def test_vocabulary_and_columns() -> None:
    assert code_of("level", "本科") == code_of("level", "bachelor") == "bachelor"
    assert code_of("study_form", "ｆｕｌｌ_ｔｉｍｅ") == "full_time"
    assert code_of("status", "graduated") == "graduated" and code_of("status", "?") is None
    assert label_of("education_type", "regular") == "普通"
    assert missing_columns(["Institution_Code", "name"])[:2] == ["birth_date", "branch"]
    assert parse_day("2003.5.17") == BORN and parse_day("17/05/2003") is None
