"""The cohort's confirm deadline, as far as filing an erratum is concerned."""

from __future__ import annotations

from datetime import datetime


def may_file(*, role: str, confirm_until: datetime | None, now: datetime) -> bool:
    """Students file only before the deadline; the office may correct a record at any
    time. An unknown window (none announced yet) does not block filing."""
    if role != "student" or confirm_until is None:
        return True
    return now < confirm_until
