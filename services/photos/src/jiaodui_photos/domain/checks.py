"""What a photo's machine check means for its slot and for the college office (DESIGN §9).

The comparison of a record's two photos is kept on the graduation photo (the certificate's):
it is made when both photos have been checked, and made again when the admission photo
changes. The admission photo answers for itself only (a blocking finding).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

REVIEW_VERDICTS = ("fail", "uncertain", "anomaly")


class CheckState(StrEnum):
    RUNNING = "running"
    PASSED = "passed"
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"


class Review(StrEnum):
    ACCEPTED = "accepted"
    RECAPTURE = "recapture"


@dataclass(frozen=True, slots=True)
class CheckView:
    """A slot's current photo and where its check stands."""

    photo_id: str
    done: bool
    verdict: str | None = None  # the effective verdict (see effective_verdict)
    compared_with: str | None = None
    review: str | None = None


def effective_verdict(*, blocking: bool, comparison: str | None) -> str | None:
    """A blocking finding (no usable face) is an anomaly whatever the distance said; else the
    comparison's verdict, None when there was nothing to compare."""
    return "anomaly" if blocking else comparison


def waits_for_comparison(kind: str, own: CheckView, other: CheckView | None) -> bool:
    """A graduation photo whose admission photo is not checked yet, or was compared with an
    earlier admission photo, has no final verdict."""
    if kind != "graduation" or other is None:
        return False
    return not other.done or own.compared_with != other.photo_id


def needs_comparison(grad: CheckView | None, adm: CheckView | None) -> bool:
    """Both photos are checked and the graduation photo was not compared with this
    admission photo yet."""
    return (
        grad is not None
        and adm is not None
        and grad.done
        and adm.done
        and grad.compared_with != adm.photo_id
    )


def slot_state(kind: str, own: CheckView | None, other: CheckView | None) -> CheckState:
    """What the student's slot shows; only passed and accepted may be confirmed."""
    if own is None or not own.done or waits_for_comparison(kind, own, other):
        return CheckState.RUNNING
    if own.review == Review.ACCEPTED:
        return CheckState.ACCEPTED
    if own.review == Review.RECAPTURE or own.verdict in REVIEW_VERDICTS:
        return CheckState.UNDER_REVIEW
    return CheckState.PASSED


def confirmable(state: CheckState) -> bool:
    return state in (CheckState.PASSED, CheckState.ACCEPTED)


class ReviewError(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def decide_review(
    wanted: Review, *, state: CheckState, verdict: str | None, review: str | None
) -> bool:
    """True: record the office's decision; False: it was made already (answer the same).
    Only a photo whose check put it under review (or accepted it) can be decided on."""
    if review == wanted:
        return False
    if verdict not in REVIEW_VERDICTS or state not in (
        CheckState.UNDER_REVIEW,
        CheckState.ACCEPTED,
    ):
        raise ReviewError("not_under_review", "The photo is not waiting for a review.")
    if review == Review.ACCEPTED and wanted == Review.RECAPTURE:
        # accepted photos may be confirmed at once: a later change of mind is an erratum
        raise ReviewError("already_accepted", "The photo was accepted already.")
    return True
