"""Match accounts to records and announce what changed (IdentityMatched / IdentityUnmatched)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from jiaodui_contracts.records import IdentityMatched, IdentityUnmatched
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.outbox import add_to_outbox

from jiaodui_records.domain.matching import MatchStatus, plan_match
from jiaodui_records.store import matching as store
from jiaodui_records.store import records

SOURCE = "/jiaodui/records"


async def rematch(conn: DbConnection, account_id: uuid.UUID) -> None:
    """Bring one account's matches in line with the replica; run inside a transaction."""
    account = await store.account(conn, account_id)
    name_key = None
    found = []
    if account is not None and account["active"] and account["identity_hash"]:
        name_key = account["name_key"]
        found = await store.candidates(conn, account["identity_hash"])
    plan = plan_match(
        name_key=name_key,
        candidates=found,
        current=await store.current_matches(conn, account_id),
        previous=await store.state(conn, account_id),
    )
    await store.set_matches(conn, account_id, added=plan.added, removed=plan.removed)
    await store.set_state(conn, account_id, plan.state)
    now = datetime.now(UTC)
    for record_id in plan.added:
        record = await records.get(conn, uuid.UUID(record_id))
        assert record is not None
        await add_to_outbox(
            conn,
            IdentityMatched(
                account_id=str(account_id),
                record_id=record_id,
                institution_code=record["institution_code"],
                branch=record["branch"],
                cohort=record["cohort"],
                student_number=record["student_number"],
                matched_at=now,
            ),
            source=SOURCE,
        )
    if plan.announce_unmatched and plan.state.status == MatchStatus.UNMATCHED:
        assert plan.state.reason is not None
        await add_to_outbox(
            conn,
            IdentityUnmatched(
                account_id=str(account_id),
                reason=plan.state.reason.value,
                record_id=plan.state.record_id,
                previously_matched_record_ids=plan.removed,
                unmatched_at=now,
            ),
            source=SOURCE,
        )


async def rematch_many(conn: DbConnection, account_ids: Iterable[uuid.UUID]) -> None:
    for account_id in account_ids:
        await rematch(conn, account_id)


async def rematch_records(
    conn: DbConnection, *, hashes: Iterable[str], record_ids: Iterable[uuid.UUID]
) -> None:
    """After records were created or changed: every account they may concern."""
    await rematch_many(
        conn, await store.accounts_touching(conn, hashes=hashes, record_ids=record_ids)
    )
