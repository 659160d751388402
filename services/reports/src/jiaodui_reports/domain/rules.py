"""What must be finished before a report can be issued, and what a record change does to one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MAX_OPEN_REPORTS = 10
"""Open (not closed, not superseded) reports one student may hold at once."""


@dataclass(frozen=True, slots=True)
class Readiness:
    """The replica's view of one record: the graduation photo and the errata."""

    photo_status: str | None  # missing (None), pending, confirmed, disputed
    open_errata: int


def unfinished(readiness: Readiness) -> list[str]:
    """What the student must finish first (empty: a report may be issued).

    ``graduation_photo``: the graduation photo is missing or not confirmed;
    ``erratum``: an erratum is still open (filed or approved, not yet applied).
    """
    missing: list[str] = []
    if readiness.photo_status != "confirmed":
        missing.append("graduation_photo")
    if readiness.open_errata:
        missing.append("erratum")
    return missing


def supersedes(issued: Mapping[str, str | None], current: Mapping[str, str | None]) -> bool:
    """A record change supersedes a report exactly when the report would now read differently."""
    return dict(issued) != dict(current)
