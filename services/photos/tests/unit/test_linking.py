"""Linking rules: which record a photo belongs to, and why not."""

from __future__ import annotations

from jiaodui_photos.domain.linking import (
    PhotoKey,
    RecordKey,
    UnlinkedReason,
    decide_link,
    name_key,
)

REC = RecordKey("r1", "10001", name_key("张三"), "h1", "2014001", "2014")


def photo(**overrides: str | None) -> PhotoKey:
    base: dict[str, str | None] = {
        "institution_code": "10001",
        "name_key": name_key("张三"),
        "identity_hash": "h1",
        "student_number": "2014001",
    }
    base.update(overrides)
    return PhotoKey(**base)  # type: ignore[arg-type]


def test_institution_id_name_and_number_link() -> None:
    assert decide_link(photo(), [REC]).record_id == "r1"


def test_student_number_is_optional() -> None:
    assert decide_link(photo(student_number=None), [REC]).record_id == "r1"


def test_names_compare_without_spaces_and_width() -> None:
    assert decide_link(photo(name_key=name_key(" 张 三 ")), [REC]).linked
    assert name_key("ＬＩ Lei") == name_key("li lei")


def test_each_difference_has_its_reason() -> None:
    cases = {
        UnlinkedReason.NAME_MISMATCH: photo(name_key=name_key("李四")),
        UnlinkedReason.STUDENT_NUMBER_MISMATCH: photo(student_number="2014999"),
        UnlinkedReason.ID_MISMATCH: photo(identity_hash="other"),
        UnlinkedReason.NO_RECORD: photo(identity_hash="other", student_number="1"),
    }
    for reason, key in cases.items():
        decision = decide_link(key, [REC])
        assert decision.record_id is None and decision.reason == reason


def test_another_institution_never_links() -> None:
    decision = decide_link(photo(institution_code="10002"), [REC])
    assert decision.reason == UnlinkedReason.NO_RECORD


def test_collection_code_names_its_record_within_the_institution() -> None:
    assert decide_link(PhotoKey("10001", code_record_id="r1"), [REC]).record_id == "r1"
    assert not decide_link(PhotoKey("10002", code_record_id="r1"), [REC]).linked
    assert decide_link(PhotoKey("10001", code_record_id="r2"), [REC]).reason == "no_record"


def test_without_number_the_latest_cohort_wins() -> None:
    master = RecordKey("r2", "10001", name_key("张三"), "h1", "2018001", "2018")
    assert decide_link(photo(student_number=None), [REC, master]).record_id == "r2"
    assert decide_link(photo(), [REC, master]).record_id == "r1"
