"""The student's answer to a photo: correct (confirm) or wrong (dispute)."""

from __future__ import annotations

from enum import StrEnum

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
    return True
