"""Matching an account to records: what changes, and what to tell the others.

An account matches every record with the same identity hash (ID type + number) and the
same name key. The outcome depends only on the current replica of the account and the
records, never on the order the events came in, so matching converges.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MatchStatus(StrEnum):
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    PENDING = "pending"


class UnmatchedReason(StrEnum):
    NO_RECORD = "no_record"
    NAME_MISMATCH = "name_mismatch"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A record with the account's identity hash."""

    record_id: str
    name_key: str


@dataclass(frozen=True, slots=True)
class MatchState:
    status: MatchStatus
    reason: UnmatchedReason | None = None
    record_id: str | None = None


@dataclass(frozen=True, slots=True)
class MatchPlan:
    added: list[str]
    removed: list[str]
    state: MatchState
    announce_unmatched: bool


def plan_match(
    *,
    name_key: str | None,
    candidates: list[Candidate],
    current: set[str],
    previous: MatchState | None,
) -> MatchPlan:
    """``name_key`` is None when the account has no identity (released or never activated)."""
    wanted = {c.record_id for c in candidates if name_key is not None and c.name_key == name_key}
    added = sorted(wanted - current)
    removed = sorted(current - wanted)
    if wanted:
        return MatchPlan(added, removed, MatchState(MatchStatus.MATCHED), announce_unmatched=False)
    differing = sorted(c.record_id for c in candidates) if name_key is not None else []
    state = (
        MatchState(MatchStatus.UNMATCHED, UnmatchedReason.NAME_MISMATCH, differing[0])
        if differing
        else MatchState(MatchStatus.UNMATCHED, UnmatchedReason.NO_RECORD)
    )
    return MatchPlan(added, removed, state, announce_unmatched=bool(removed) or state != previous)
