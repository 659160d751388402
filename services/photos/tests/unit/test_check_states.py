"""What a machine check means for the student's slot and the office (domain.checks)."""

from __future__ import annotations

import pytest
from jiaodui_photos.domain.answers import AnswerError, SlotStatus, decide_answer
from jiaodui_photos.domain.checks import (
    CheckState,
    CheckView,
    Review,
    ReviewError,
    decide_review,
    effective_verdict,
    needs_comparison,
    slot_state,
)
from jiaodui_photos.domain.windows import Phase

GRAD, ADM = "g", "a"


def done(photo_id: str, verdict: str | None = None, **kw: str) -> CheckView:
    return CheckView(photo_id, done=True, verdict=verdict, **kw)


def test_a_photo_being_checked_is_running() -> None:
    assert slot_state("graduation", None, None) == CheckState.RUNNING
    assert slot_state("admission", CheckView(ADM, done=False), None) == CheckState.RUNNING


def test_a_single_photo_with_a_usable_face_passes() -> None:
    assert slot_state("graduation", done(GRAD), None) == CheckState.PASSED
    assert slot_state("admission", done(ADM), done(GRAD)) == CheckState.PASSED


def test_a_blocking_finding_is_an_anomaly_whatever_the_distance() -> None:
    assert effective_verdict(blocking=True, comparison="pass") == "anomaly"
    assert effective_verdict(blocking=False, comparison="fail") == "fail"
    assert effective_verdict(blocking=False, comparison=None) is None
    assert slot_state("admission", done(ADM, "anomaly"), None) == CheckState.UNDER_REVIEW


def test_the_graduation_photo_waits_for_the_admission_photo_and_its_comparison() -> None:
    grad = done(GRAD)
    assert slot_state("graduation", grad, CheckView(ADM, done=False)) == CheckState.RUNNING
    assert slot_state("graduation", grad, done(ADM)) == CheckState.RUNNING  # not compared yet
    assert needs_comparison(grad, done(ADM))
    compared = done(GRAD, "pass", compared_with=ADM)
    assert not needs_comparison(compared, done(ADM))
    assert slot_state("graduation", compared, done(ADM)) == CheckState.PASSED
    # a new admission photo makes the comparison stale
    assert slot_state("graduation", compared, done("a2")) == CheckState.RUNNING
    assert needs_comparison(compared, done("a2"))


@pytest.mark.parametrize("verdict", ["fail", "uncertain", "anomaly"])
def test_verdicts_other_than_pass_wait_for_the_office(verdict: str) -> None:
    grad = done(GRAD, verdict, compared_with=ADM)
    assert slot_state("graduation", grad, done(ADM)) == CheckState.UNDER_REVIEW
    accepted = done(GRAD, verdict, compared_with=ADM, review="accepted")
    assert slot_state("graduation", accepted, done(ADM)) == CheckState.ACCEPTED
    recapture = done(GRAD, verdict, compared_with=ADM, review="recapture")
    assert slot_state("graduation", recapture, done(ADM)) == CheckState.UNDER_REVIEW


def test_the_office_decides_once_and_only_on_photos_under_review() -> None:
    under = CheckState.UNDER_REVIEW
    assert decide_review(Review.ACCEPTED, state=under, verdict="fail", review=None)
    assert decide_review(Review.RECAPTURE, state=under, verdict="anomaly", review=None)
    assert not decide_review(
        Review.ACCEPTED, state=CheckState.ACCEPTED, verdict="fail", review="accepted"
    )
    assert decide_review(Review.ACCEPTED, state=under, verdict="fail", review="recapture")
    with pytest.raises(ReviewError) as passed:
        decide_review(Review.ACCEPTED, state=CheckState.PASSED, verdict="pass", review=None)
    assert passed.value.code == "not_under_review"
    with pytest.raises(ReviewError) as running:
        decide_review(Review.RECAPTURE, state=CheckState.RUNNING, verdict=None, review=None)
    assert running.value.code == "not_under_review"
    with pytest.raises(ReviewError) as late:
        decide_review(
            Review.RECAPTURE, state=CheckState.ACCEPTED, verdict="fail", review="accepted"
        )
    assert late.value.code == "already_accepted"


def answer(wanted: SlotStatus, check: CheckState, current: SlotStatus = SlotStatus.PENDING) -> bool:
    return decide_answer(
        wanted=wanted, current=current, owner_id="me", caller_id="me", phase=Phase.OPEN, check=check
    )


def test_confirm_waits_for_the_checks_and_dispute_never_waits() -> None:
    for state, code in (
        (CheckState.RUNNING, "check_running"),
        (CheckState.UNDER_REVIEW, "under_review"),
    ):
        with pytest.raises(AnswerError) as refused:
            answer(SlotStatus.CONFIRMED, state)
        assert (refused.value.status, refused.value.code) == (409, code)
        assert answer(SlotStatus.DISPUTED, state)
    assert answer(SlotStatus.CONFIRMED, CheckState.PASSED)
    assert answer(SlotStatus.CONFIRMED, CheckState.ACCEPTED)
    # a repeat answers the same, whatever the check says now
    assert not answer(SlotStatus.CONFIRMED, CheckState.RUNNING, current=SlotStatus.CONFIRMED)
