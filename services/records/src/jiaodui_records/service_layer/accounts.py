"""identity's account events, applied to the replica; each run of them re-runs matching."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from jiaodui_contracts.identity import (
    AccountActivated,
    AccountIdentityCorrected,
    AccountIdentityReleased,
    AccountNameChanged,
)
from jiaodui_runtime.db import DbConnection

from jiaodui_records.domain.names import name_key
from jiaodui_records.service_layer.matching import rematch_many
from jiaodui_records.store import matching as store

AccountEvent = (
    AccountActivated | AccountNameChanged | AccountIdentityCorrected | AccountIdentityReleased
)


def replica_row(event: AccountEvent) -> store.AccountRow:
    """What the replica holds of an account after this event."""
    account_id = uuid.UUID(event.account_id)
    if isinstance(event, AccountIdentityReleased):
        return (account_id, None, None, None, False)
    return (account_id, event.id_type, event.identity_hash, name_key(event.name), True)


async def on_account_events(conn: DbConnection, events: Sequence[AccountEvent]) -> None:
    """Apply a run of account events (offset order) and re-match the accounts once each:
    each event carries the account's whole matching state, so the latest one wins."""
    latest = {row[0]: row for row in map(replica_row, events)}
    await store.lock_as_account_writer(conn)
    await store.upsert_accounts(conn, list(latest.values()))
    await rematch_many(conn, latest)
