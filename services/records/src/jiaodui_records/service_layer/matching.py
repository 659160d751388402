"""Match accounts to records and announce what changed (IdentityMatched / IdentityUnmatched)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import asyncpg
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
    if ids:
        await _rematch(conn, await store.inputs_for_matching(conn, ids))


async def apply_accounts(conn: DbConnection, rows: list[store.AccountRow]) -> None:
    """The replica takes these rows (one per account) and the accounts are matched again:
    the upsert and the reads of matching are one statement, the writes one more."""
    await _rematch(conn, await store.upsert_for_matching(conn, rows))


async def _rematch(conn: DbConnection, inputs: Sequence[asyncpg.Record]) -> None:
    added: list[tuple[uuid.UUID, str, store.MatchedRecord]] = []
    removed: list[tuple[uuid.UUID, str]] = []
    states: list[tuple[uuid.UUID, MatchState]] = []
    unmatched: list[tuple[uuid.UUID, MatchPlan]] = []
    for row in inputs:
        account_id = row["account_id"]
        plan = plan_match(
            name_key=row["name_key"] if row["matchable"] else None,
            candidates=store.candidates_of(row) if row["matchable"] else [],
            current=store.current_of(row),
            previous=store.state_of(row),
        )
        if plan.added:
            fields = store.matched_records_of(row)
            added += [(account_id, r, fields[r]) for r in plan.added]
        removed += [(account_id, r) for r in plan.removed]
        states.append((account_id, plan.state))
        if plan.announce_unmatched and plan.state.status == MatchStatus.UNMATCHED:
            unmatched.append((account_id, plan))
    now = datetime.now(UTC)
    await store.apply_matching(
        conn, added=added, removed=removed, states=states, source=SOURCE, at=now
    )
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
