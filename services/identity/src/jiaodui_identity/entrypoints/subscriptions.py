"""identity's event subscriptions: decisions taken in corrections; campus systems' client
credentials from subscriptions."""

from __future__ import annotations

from collections.abc import Mapping

from jiaodui_contracts import CloudEvent, Contract
from jiaodui_contracts.corrections import IdentityCorrectionApproved, IdentityDisputeResolved
from jiaodui_runtime.consumer import Handler
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_identity.entrypoints import client_events
from jiaodui_identity.service_layer import identity_cases


def handlers(rt: ServiceRuntime) -> Mapping[str, Handler]:
    async def on_correction(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
        assert isinstance(data, IdentityCorrectionApproved)
        await identity_cases.apply_identity_correction(conn, data)

    async def on_dispute(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
        assert isinstance(data, IdentityDisputeResolved)
        ended = await identity_cases.apply_dispute_resolution(conn, rt.state, rt.verifier, data)
        # Revoking twice is harmless, so doing it before the commit is safe on redelivery.
        for account_id in ended:
            await rt.verifier.revoke_all(account_id)

    return {
        IdentityCorrectionApproved.TYPE: on_correction,
        IdentityDisputeResolved.TYPE: on_dispute,
        **client_events.handlers(rt),
    }
