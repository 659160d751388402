"""The student's answer to a photo: correct (confirm) or wrong (dispute)."""

from __future__ import annotations

from enum import StrEnum

from jiaodui_photos.domain.checks import CheckState, confirmable
from jiaodui_photos.domain.windows import Phase, answers_allowed


class SlotStatus(StrEnum):
    MISSING = "missing"
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"


class AnswerError(Exception):
    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


def decide_answer(
    *,
    wanted: SlotStatus,
    current: SlotStatus,
    owner_id: str | None,
    caller_id: str,
    phase: Phase,
    check: CheckState = CheckState.PASSED,
) -> bool:
    """True: apply the answer; False: it was given already (answer the same, emit nothing)."""
    if owner_id is None or owner_id != caller_id:
        raise AnswerError(403, "not_owner", "Only the student whose record this is may answer.")
    if current == wanted:
        return False
    if not answers_allowed(phase):
        raise AnswerError(409, "window_closed", "The confirmation window is closed.")
    if current != SlotStatus.PENDING:
        raise AnswerError(
            409, f"already_{current.value}", f"The photo was already {current.value}."
        )
    if wanted == SlotStatus.CONFIRMED and not confirmable(check):
        # disputing never waits; confirming waits for the machine checks and the office
        if check == CheckState.UNDER_REVIEW:
            raise AnswerError(
                409, "under_review", "The photo is being reviewed by the college office."
            )
        raise AnswerError(409, "check_running", "The photo is still being checked.")
    return True
