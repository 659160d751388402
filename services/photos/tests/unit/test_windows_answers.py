"""Window phases, reminder stages and the answer rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from jiaodui_photos.domain.answers import AnswerError, SlotStatus, decide_answer
from jiaodui_photos.domain.windows import (
    Phase,
    Window,
    phase_of,
    reminder_stage,
    window_problem,
)

CST = timezone(timedelta(hours=8))
# the notice: confirm until 17 March, re-check 24-25 March
NOTICE = Window(
    datetime(2014, 3, 17, 23, 59, 59, tzinfo=CST),
    datetime(2014, 3, 24, 0, 0, tzinfo=CST),
    datetime(2014, 3, 25, 23, 59, 59, tzinfo=CST),
)


@pytest.mark.parametrize(
    ("moment", "phase"),
    [
        (datetime(2014, 3, 1, tzinfo=CST), Phase.OPEN),
        (datetime(2014, 3, 17, 23, 59, 59, tzinfo=CST), Phase.OPEN),
        (datetime(2014, 3, 18, tzinfo=CST), Phase.CLOSED),
        (datetime(2014, 3, 24, 12, tzinfo=CST), Phase.RECHECK),
        (datetime(2014, 3, 26, tzinfo=CST), Phase.OVER),
    ],
)
def test_phases_of_the_notice(moment: datetime, phase: Phase) -> None:
    assert phase_of(NOTICE, moment) == phase


def test_no_window_means_open() -> None:
    assert phase_of(None, datetime.now(UTC)) == Phase.OPEN


def test_window_order_and_zone_are_checked() -> None:
    assert window_problem(NOTICE) is None
    backwards = Window(NOTICE.recheck_until, NOTICE.recheck_from, NOTICE.confirm_until)
    assert window_problem(backwards) == "window_order_invalid"
    naive = Window(datetime(2014, 3, 17), NOTICE.recheck_from, NOTICE.recheck_until)
    assert window_problem(naive) == "time_zone_required"


def test_reminder_stages() -> None:
    deadline = NOTICE.confirm_until

    def stage(days_before: float) -> str | None:
        now = deadline - timedelta(days=days_before)
        return reminder_stage(deadline, now, first_days=3, last_days=1)

    assert [stage(4), stage(2.5), stage(0.5), stage(-1)] == [None, "first", "last", None]


def answer(**overrides: object) -> bool:
    args: dict[str, object] = {
        "wanted": SlotStatus.CONFIRMED,
        "current": SlotStatus.PENDING,
        "owner_id": "a",
        "caller_id": "a",
        "phase": Phase.OPEN,
    }
    args.update(overrides)
    return decide_answer(**args)  # type: ignore[arg-type]


def test_answers() -> None:
    assert answer() is True
    assert answer(current=SlotStatus.CONFIRMED) is False  # a repeat: same answer, no event
    assert answer(current=SlotStatus.CONFIRMED, phase=Phase.OVER) is False
    assert answer(phase=Phase.RECHECK) is True
    for overrides, code in [
        ({"caller_id": "b"}, "not_owner"),
        ({"owner_id": None}, "not_owner"),
        ({"phase": Phase.CLOSED}, "window_closed"),
        ({"phase": Phase.OVER}, "window_closed"),
        ({"current": SlotStatus.DISPUTED}, "already_disputed"),
        ({"wanted": SlotStatus.DISPUTED, "current": SlotStatus.CONFIRMED}, "already_confirmed"),
    ]:
        with pytest.raises(AnswerError) as caught:
            answer(**overrides)
        assert caught.value.code == code
