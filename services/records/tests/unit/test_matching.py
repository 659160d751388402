"""Matching decisions, names, and what an approved erratum may change."""

from __future__ import annotations

from jiaodui_records.domain.corrections import Change, column_values
from jiaodui_records.domain.hints import hint
from jiaodui_records.domain.matching import (
    Candidate,
    MatchState,
    MatchStatus,
    UnmatchedReason,
    plan_match,
)
from jiaodui_records.domain.names import name_key

NO_RECORD = MatchState(MatchStatus.UNMATCHED, UnmatchedReason.NO_RECORD)


def test_name_key_folds_what_is_not_a_difference() -> None:
    assert name_key(" 张 三 ") == name_key("张三") == name_key("张三\u3000")
    assert name_key("买买提•艾力") == name_key("买买提·艾力")
    assert name_key("ｊｏｈｎ  smith") == "JOHN SMITH"
    assert name_key("张三") != name_key("张叁")


def test_every_record_with_the_same_identity_and_name_matches() -> None:
    found = [Candidate("r1", "张三"), Candidate("r2", "张三"), Candidate("r3", "李四")]
    plan = plan_match(name_key="张三", candidates=found, current={"r2"}, previous=None)
    assert plan.added == ["r1"] and plan.removed == []
    assert plan.state.status == MatchStatus.MATCHED and not plan.announce_unmatched


def test_a_differing_name_is_a_name_mismatch_announced_once() -> None:
    found = [Candidate("r1", "李四")]
    plan = plan_match(name_key="张三", candidates=found, current=set(), previous=None)
    assert plan.state == MatchState(MatchStatus.UNMATCHED, UnmatchedReason.NAME_MISMATCH, "r1")
    assert plan.announce_unmatched
    again = plan_match(name_key="张三", candidates=found, current=set(), previous=plan.state)
    assert not again.announce_unmatched


def test_losing_the_identity_removes_the_matches() -> None:
    plan = plan_match(
        name_key=None, candidates=[Candidate("r1", "张三")], current={"r1"}, previous=None
    )
    assert plan.removed == ["r1"] and plan.state == NO_RECORD and plan.announce_unmatched


def test_hints_speak_both_languages() -> None:
    for status, reason in [
        (MatchStatus.MATCHED, None),
        (MatchStatus.PENDING, None),
        (MatchStatus.UNMATCHED, UnmatchedReason.NAME_MISMATCH),
        (MatchStatus.UNMATCHED, UnmatchedReason.NO_RECORD),
    ]:
        text = hint(status, reason)
        assert text["zh"] and text["en"]


def test_erratum_values() -> None:
    assert column_values(Change("level", "博士研究生")) == {"level": "doctor"}
    assert column_values(Change("level", "学士")) is None
    assert column_values(Change("name", " 张叁 ")) == {"name": "张叁", "name_key": "张叁"}
    hashed = "a" * 64
    assert column_values(Change("id_number", None, "110***1234", hashed)) == {
        "identity_hash": hashed,
        "id_number_masked": "110***1234",
    }
    assert column_values(Change("graduation_photo", "blurred")) is None
