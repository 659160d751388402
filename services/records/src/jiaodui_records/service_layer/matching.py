"""Match accounts to records and announce what changed (IdentityMatched / IdentityUnmatched)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from jiaodui_contracts import Contract
from jiaodui_contracts.records import IdentityUnmatched
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.outbox import add_many_to_outbox

from jiaodui_records.domain.matching import MatchPlan, MatchState, MatchStatus, plan_match
from jiaodui_records.store import matching as store

SOURCE = "/jiaodui/records"


async def rematch_many(conn: DbConnection, account_ids: Iterable[uuid.UUID]) -> None:
    """Bring these accounts' matches in line with the replica, set-based: a fixed number of
    statements whatever the number of accounts (an import batch or a consumer batch)."""
    ids = sorted(set(account_ids))
    if not ids:
        return
    accounts = await store.accounts_for_update(conn, ids)
    active = {a: row for a, row in accounts.items() if row["active"] and row["identity_hash"]}
    found = await store.candidates(conn, (row["identity_hash"] for row in active.values()))
    current = await store.current_matches(conn, ids)
    previous = await store.states(conn, ids)
    added: list[tuple[uuid.UUID, str]] = []
    removed: list[tuple[uuid.UUID, str]] = []
    states: list[tuple[uuid.UUID, MatchState]] = []
    unmatched: list[tuple[uuid.UUID, MatchPlan]] = []
    for account_id in ids:
        row = active.get(account_id)
        plan = plan_match(
            name_key=row["name_key"] if row is not None else None,
            candidates=found.get(row["identity_hash"], []) if row is not None else [],
            current=current.get(account_id, set()),
            previous=previous.get(account_id),
        )
        added += [(account_id, r) for r in plan.added]
        removed += [(account_id, r) for r in plan.removed]
        states.append((account_id, plan.state))
        if plan.announce_unmatched and plan.state.status == MatchStatus.UNMATCHED:
            unmatched.append((account_id, plan))
    await store.set_matches(conn, added=added, removed=removed)
    await store.set_states(conn, states)
    now = datetime.now(UTC)
    await store.announce_matches(conn, added, source=SOURCE, at=now)
    await add_many_to_outbox(conn, _unmatched_events(unmatched, now), source=SOURCE)


def _unmatched_events(
    unmatched: list[tuple[uuid.UUID, MatchPlan]], now: datetime
) -> list[Contract]:
    events: list[Contract] = []
    for account_id, plan in unmatched:
        assert plan.state.reason is not None
        events.append(
            IdentityUnmatched(
                account_id=str(account_id),
                reason=plan.state.reason.value,
                record_id=plan.state.record_id,
                previously_matched_record_ids=plan.removed,
                unmatched_at=now,
            )
        )
    return events


async def rematch_records(
    conn: DbConnection, *, hashes: Iterable[str], record_ids: Iterable[uuid.UUID]
) -> None:
    """After records were created or changed: every account they may concern."""
    await rematch_many(
        conn, await store.accounts_touching(conn, hashes=hashes, record_ids=record_ids)
    )
