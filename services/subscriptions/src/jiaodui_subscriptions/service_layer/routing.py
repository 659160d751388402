"""Public events in: kept in the log (feed, replay) and queued for every subscriber of their
institution that chose their type. Runs in the consumer's transaction (the inbox makes a
redelivered event a no-op) and set-based, a few statements per run of events; nothing here
talks to a receiver."""

from __future__ import annotations

from collections.abc import Sequence

from jiaodui_contracts.records import IdentityMatched, IdentityUnmatched
from jiaodui_runtime.consumer import Received
from jiaodui_runtime.db import DbConnection

from jiaodui_subscriptions.store import deliveries, events


async def _learn_accounts(conn: DbConnection, run: Sequence[Received]) -> None:
    """Matches first: an account event in the same run as its match is scoped by it."""
    await events.remember_matches(
        conn,
        [
            (p.account_id, p.record_id, p.institution_code)
            for _event, p, _value in run
            if isinstance(p, IdentityMatched)
        ],
    )


async def accept_run(conn: DbConnection, run: Sequence[Received]) -> None:
    await _learn_accounts(conn, run)
    unscoped = sorted(
        {
            str(getattr(p, "account_id", ""))
            for _e, p, _v in run
            if not getattr(p, "institution_code", None) and getattr(p, "account_id", None)
        }
    )
    by_account = await events.institutions_of_accounts(conn, unscoped)
    rows = []
    for event, payload, value in run:
        code = getattr(payload, "institution_code", None)
        account_id = getattr(payload, "account_id", None)
        institutions = [code] if code else by_account.get(str(account_id), [])
        if institutions:  # no institution to scope it to: no subscriber may see it
            # the Kafka value as it is: the envelope as published, not serialised again
            rows.append(events.NewEvent(event.id, event.type, institutions, value, event.time))
    for _event, payload, _value in run:
        if isinstance(payload, IdentityUnmatched):
            await events.forget_records(
                conn,
                account_id=payload.account_id,
                record_ids=payload.previously_matched_record_ids,
            )
    stored = await events.store_many(conn, rows)
    if stored:
        await deliveries.enqueue_routed(conn, stored)
