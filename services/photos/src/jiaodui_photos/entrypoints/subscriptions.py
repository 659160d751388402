"""photos's event subscriptions: records (replica, owners) and approved errata."""

from __future__ import annotations

from collections.abc import Mapping

from jiaodui_contracts import CloudEvent, Contract
from jiaodui_contracts.corrections import ErrataApproved
from jiaodui_contracts.records import (
    IdentityMatched,
    IdentityUnmatched,
    RecordCorrected,
    RecordImported,
)
from jiaodui_runtime.consumer import Handler
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_photos.service_layer import events


def handlers(rt: ServiceRuntime) -> Mapping[str, Handler]:
    async def on_record(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
        assert isinstance(data, RecordImported | RecordCorrected)
        await events.record_changed(conn, data)

    async def on_matched(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
        assert isinstance(data, IdentityMatched)
        await events.identity_matched(conn, data)

    async def on_unmatched(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
        assert isinstance(data, IdentityUnmatched)
        await events.identity_unmatched(conn, data)

    async def on_errata(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
        assert isinstance(data, ErrataApproved)
        await events.errata_approved(conn, data)

    return {
        RecordImported.TYPE: on_record,
        RecordCorrected.TYPE: on_record,
        IdentityMatched.TYPE: on_matched,
        IdentityUnmatched.TYPE: on_unmatched,
        ErrataApproved.TYPE: on_errata,
    }
