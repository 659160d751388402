"""The owner a run of IdentityMatched leaves is the one applying them one by one would."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from jiaodui_contracts.records import IdentityMatched
from jiaodui_photos.domain.owners import latest_matches

T0 = datetime(2026, 6, 1, tzinfo=UTC)


def match(record_id: str, account_id: str, minutes: int) -> IdentityMatched:
    return IdentityMatched(
        account_id=account_id, record_id=record_id, institution_code="10001",
        branch="cs", cohort="2026", student_number="1",
        matched_at=T0 + timedelta(minutes=minutes),
    )  # fmt: skip


def test_the_latest_match_of_each_record_is_kept() -> None:
    r1, r2 = str(uuid.uuid4()), str(uuid.uuid4())
    a, b, c = (str(uuid.uuid4()) for _ in range(3))
    kept = latest_matches([match(r1, a, 1), match(r2, b, 1), match(r1, c, 2), match(r1, a, 0)])
    assert {(m.record_id, m.account_id) for m in kept} == {(r1, c), (r2, b)}


def test_on_a_tie_the_later_event_wins() -> None:
    r1, a, b = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    assert [m.account_id for m in latest_matches([match(r1, a, 1), match(r1, b, 1)])] == [b]
