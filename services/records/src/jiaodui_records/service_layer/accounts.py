"""identity's account events, applied to the replica; each one re-runs matching."""

from __future__ import annotations

import uuid

from jiaodui_contracts.identity import (
    AccountActivated,
    AccountIdentityCorrected,
    AccountIdentityReleased,
    AccountNameChanged,
)
from jiaodui_runtime.db import DbConnection

from jiaodui_records.domain.names import name_key
from jiaodui_records.service_layer.matching import rematch
from jiaodui_records.store import matching as store

AccountEvent = (
    AccountActivated | AccountNameChanged | AccountIdentityCorrected | AccountIdentityReleased
)


async def on_account_event(conn: DbConnection, event: AccountEvent) -> None:
    account_id = uuid.UUID(event.account_id)
    await store.lock_as_account_writer(conn)
    if isinstance(event, AccountIdentityReleased):
        await store.upsert_account(
            conn, account_id, id_type=None, identity_hash=None, name_key=None, active=False
        )
    else:
        await store.upsert_account(
            conn,
            account_id,
            id_type=event.id_type,
            identity_hash=event.identity_hash,
            name_key=name_key(event.name),
            active=True,
        )
    await rematch(conn, account_id)
