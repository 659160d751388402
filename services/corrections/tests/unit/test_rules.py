"""The pure rules of errata, identity cases and windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from jiaodui_corrections.domain import cases, errata
from jiaodui_corrections.domain.errata import ErratumError, ErratumStatus, Item
from jiaodui_corrections.domain.windows import may_file


def test_items_are_cleaned_and_checked() -> None:
    cleaned = errata.validate_items(
        [
            Item("name", "  张叁 "),
            Item("graduation_photo", None),
            Item("gender", "female"),
            Item("birth_date", "2003-05-17"),
        ]
    )
    assert cleaned == [
        Item("name", "张叁"),
        Item("graduation_photo", None),
        Item("gender", "female"),
        Item("birth_date", "2003-05-17"),
    ]


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([], "items_required"),
        ([Item("salary", "1")], "field_unknown"),
        ([Item("name", "a"), Item("name", "b")], "field_repeated"),
        ([Item("major", "")], "value_required"),
        ([Item("gender", "other")], "value_invalid"),
        ([Item("birth_date", "2003-13-01")], "value_invalid"),
        ([Item("enrollment_date", "20220901")], "value_invalid"),
        ([Item("name", "x" * 201)], "value_too_long"),
        ([Item("name", str(i)) for i in range(21)], "too_many_items"),
    ],
)
def test_bad_items_are_refused(items: list[Item], code: str) -> None:
    with pytest.raises(ErratumError) as caught:
        errata.validate_items(items)
    assert caught.value.code == code


def test_pending_parts_name_who_must_report_the_fix() -> None:
    assert errata.pending_parts(["name", "major"]) == ["record"]
    assert errata.pending_parts(["admission_photo", "graduation_photo"]) == [
        "admission",
        "graduation",
    ]
    assert errata.pending_parts(["id_number", "graduation_photo"]) == ["record", "graduation"]


def test_a_decision_is_taken_once_and_repeating_it_changes_nothing() -> None:
    assert errata.decide("filed", ErratumStatus.APPROVED) is True
    assert errata.decide("approved", ErratumStatus.APPROVED) is False
    with pytest.raises(ErratumError) as caught:
        errata.decide("approved", ErratumStatus.REJECTED)
    assert (caught.value.code, caught.value.status) == ("erratum_already_decided", 409)
    with pytest.raises(ErratumError):
        errata.decide("applied", ErratumStatus.APPROVED)
    assert cases.decide("open", cases.CaseStatus.REJECTED) is True
    assert cases.decide("rejected", cases.CaseStatus.REJECTED) is False
    with pytest.raises(cases.CaseError):
        cases.decide("approved", cases.CaseStatus.REJECTED)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("138 1234 5678", "13812345678"), ("+86-138-1234-5678", "13812345678")],
)
def test_mobile_numbers_are_normalised(raw: str, expected: str) -> None:
    assert cases.normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "23812345678", "1381234567x", ""])
def test_other_phone_numbers_are_refused(raw: str) -> None:
    with pytest.raises(cases.CaseError):
        cases.normalise_phone(raw)


def test_reply_addresses() -> None:
    assert cases.normalise_email(None) is None
    assert cases.normalise_email("  ") is None
    assert cases.normalise_email("Me@Example.COM") == "me@example.com"
    with pytest.raises(cases.CaseError):
        cases.normalise_email("not-an-address")


def test_only_students_are_held_to_the_deadline() -> None:
    now = datetime.now(UTC)
    past, future = now - timedelta(seconds=1), now + timedelta(days=1)
    assert may_file(role="student", confirm_until=future, now=now)
    assert not may_file(role="student", confirm_until=past, now=now)
    assert may_file(role="student", confirm_until=None, now=now)
    assert may_file(role="college_staff", confirm_until=past, now=now)
