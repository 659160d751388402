"""identity learns campus systems' client credentials from subscriptions."""

from __future__ import annotations

from collections.abc import Mapping

from jiaodui_contracts import CloudEvent, Contract
from jiaodui_contracts.subscriptions import ClientCredentialsChanged
from jiaodui_runtime.consumer import Handler
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_identity import clients_store


def handlers(rt: ServiceRuntime) -> Mapping[str, Handler]:
    async def on_client(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
        assert isinstance(data, ClientCredentialsChanged)
        applied = await clients_store.apply(conn, data)
        if applied and not data.enabled:
            # tokens already issued stop working now (revoking twice is harmless)
            await rt.verifier.revoke_all(data.client_id)

    return {ClientCredentialsChanged.TYPE: on_client}
