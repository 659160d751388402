"""Confirmation windows: confirm until a deadline, then again in a re-check window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal


class Phase(StrEnum):
    OPEN = "open"  # before the deadline (or no deadline set yet)
    CLOSED = "closed"  # between the deadline and the re-check window
    RECHECK = "recheck"  # inside the re-check window
    OVER = "over"  # after the re-check window


@dataclass(frozen=True, slots=True)
class Window:
    confirm_until: datetime
    recheck_from: datetime
    recheck_until: datetime


def window_problem(window: Window) -> str | None:
    """Why a window is not acceptable, or None."""
    for moment in (window.confirm_until, window.recheck_from, window.recheck_until):
        if moment.tzinfo is None:
            return "time_zone_required"
    if not window.confirm_until <= window.recheck_from < window.recheck_until:
        return "window_order_invalid"
    return None


def phase_of(window: Window | None, now: datetime) -> Phase:
    if window is None or now <= window.confirm_until:
        return Phase.OPEN
    if now < window.recheck_from:
        return Phase.CLOSED
    if now <= window.recheck_until:
        return Phase.RECHECK
    return Phase.OVER


def answers_allowed(phase: Phase) -> bool:
    return phase in (Phase.OPEN, Phase.RECHECK)


Stage = Literal["first", "last"]


def reminder_stage(
    confirm_until: datetime, now: datetime, *, first_days: float, last_days: float
) -> Stage | None:
    """``first`` from ``first_days`` before the deadline, ``last`` from ``last_days`` before."""
    if now >= confirm_until:
        return None
    if now >= confirm_until - timedelta(days=last_days):
        return "last"
    if now >= confirm_until - timedelta(days=first_days):
        return "first"
    return None
