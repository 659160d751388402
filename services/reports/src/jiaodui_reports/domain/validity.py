"""How long a report is valid: whole calendar months, extended up to six months from now."""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import Literal

MONTHS = (1, 3, 6)
MAX_MONTHS = 6
Status = Literal["valid", "expired", "closed", "superseded"]


def add_months(moment: datetime, months: int) -> datetime:
    """The same time ``months`` calendar months later; the 31st becomes the month's last day."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def valid_until(issued_at: datetime, months: int) -> datetime:
    if months not in MONTHS:
        raise ValueError(f"months must be one of {MONTHS}")
    return add_months(issued_at, months)


def extended_until(now: datetime, current: datetime, months: int) -> datetime | None:
    """The new end of validity after extending by ``months``, never past six months from
    now; None when that would not move the end (it is at the limit already)."""
    if months not in MONTHS:
        raise ValueError(f"months must be one of {MONTHS}")
    start = max(now, current)
    new = min(add_months(start, months), add_months(now, MAX_MONTHS))
    return new if new > current else None


def status(
    now: datetime,
    *,
    valid_until: datetime,
    closed_at: datetime | None,
    superseded_at: datetime | None,
) -> Status:
    """Superseded wins over closed (the data is wrong, not just withdrawn), closed over expired."""
    if superseded_at is not None:
        return "superseded"
    if closed_at is not None:
        return "closed"
    return "valid" if now < valid_until else "expired"
