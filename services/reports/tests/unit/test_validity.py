"""Validity arithmetic: calendar months, extensions capped at six months from now, status."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from jiaodui_reports.domain.validity import add_months, extended_until, status, valid_until

T = datetime(2026, 1, 31, 10, 0, tzinfo=UTC)


def test_calendar_months_keep_the_time_and_clamp_the_day() -> None:
    assert add_months(T, 1) == datetime(2026, 2, 28, 10, 0, tzinfo=UTC)
    assert add_months(T, 3) == datetime(2026, 4, 30, 10, 0, tzinfo=UTC)
    assert add_months(T, 6) == datetime(2026, 7, 31, 10, 0, tzinfo=UTC)
    assert add_months(datetime(2026, 11, 15, tzinfo=UTC), 3) == datetime(2027, 2, 15, tzinfo=UTC)
    assert add_months(datetime(2027, 11, 30, tzinfo=UTC), 3) == datetime(2028, 2, 29, tzinfo=UTC)


@pytest.mark.parametrize("months", [1, 3, 6])
def test_valid_for_one_three_or_six_months(months: int) -> None:
    assert valid_until(T, months) == add_months(T, months)


@pytest.mark.parametrize("months", [0, 2, 7, 12, -1])
def test_other_lengths_are_refused(months: int) -> None:
    with pytest.raises(ValueError):
        valid_until(T, months)


def test_extension_adds_to_the_current_end() -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert extended_until(now, datetime(2026, 4, 1, tzinfo=UTC), 1) == datetime(
        2026, 5, 1, tzinfo=UTC
    )


def test_extension_never_goes_past_six_months_from_now() -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert extended_until(now, datetime(2026, 6, 1, tzinfo=UTC), 6) == datetime(
        2026, 9, 1, tzinfo=UTC
    )


def test_extension_at_the_limit_is_refused() -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert extended_until(now, datetime(2026, 9, 1, tzinfo=UTC), 1) is None


def test_an_expired_report_extends_from_now() -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert extended_until(now, datetime(2026, 1, 1, tzinfo=UTC), 3) == datetime(
        2026, 6, 1, tzinfo=UTC
    )


def test_status_order() -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    later, earlier = datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    assert status(now, valid_until=later, closed_at=None, superseded_at=None) == "valid"
    assert status(now, valid_until=earlier, closed_at=None, superseded_at=None) == "expired"
    assert status(now, valid_until=later, closed_at=now, superseded_at=None) == "closed"
    assert status(now, valid_until=later, closed_at=now, superseded_at=now) == "superseded"
    assert status(now, valid_until=now, closed_at=None, superseded_at=None) == "expired"
