"""notify's subscriptions: every command and event that a student should hear about."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from jiaodui_runtime.consumer import AnyHandler, Batched, Delivered
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_notify.domain.notices import BUILDERS
from jiaodui_notify.service_layer.notices import accept_all
from jiaodui_notify.state import Notify


def handlers(rt: ServiceRuntime) -> Mapping[str, AnyHandler]:
    notify: Notify = rt.state

    async def on_notices(conn: DbConnection, run: Sequence[Delivered]) -> None:
        await accept_all(conn, notify, run)

    # one instance for every type: a matching burst's IdentityMatched, mixed with whatever
    # else the poll brought, is one run (one statement per table, order kept)
    notices = Batched(on_notices)
    return {contract.TYPE: notices for contract in BUILDERS}
