"""notify's subscriptions: every command and event that a student should hear about."""

from __future__ import annotations

from collections.abc import Mapping

from jiaodui_contracts import CloudEvent, Contract
from jiaodui_runtime.consumer import Handler
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_notify.domain.notices import BUILDERS
from jiaodui_notify.service_layer.notices import accept
from jiaodui_notify.state import Notify


def handlers(rt: ServiceRuntime) -> Mapping[str, Handler]:
    notify: Notify = rt.state

    async def on_notice(conn: DbConnection, event: CloudEvent, payload: Contract) -> None:
        await accept(conn, notify, event=event, payload=payload)

    return {contract.TYPE: on_notice for contract in BUILDERS}
