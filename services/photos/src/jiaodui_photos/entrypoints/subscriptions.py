"""photos's event subscriptions: records (replica, owners) and approved errata."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from jiaodui_contracts import CloudEvent, Contract
from jiaodui_contracts.corrections import ErrataApproved
from jiaodui_contracts.records import (
    IdentityMatched,
    IdentityUnmatched,
    RecordCorrected,
    RecordImported,
)
from jiaodui_runtime.consumer import AnyHandler, Batched, Delivered
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_photos.service_layer import events


def handlers(rt: ServiceRuntime) -> Mapping[str, AnyHandler]:
    async def on_records(conn: DbConnection, run: Sequence[Delivered]) -> None:
        changes = [data for _, data in run]
        assert all(isinstance(c, RecordImported | RecordCorrected) for c in changes)
        await events.records_changed(conn, changes)  # type: ignore[arg-type]

    record_events = Batched(on_records)  # one instance: imported and corrected share a run

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
        RecordImported.TYPE: record_events,
        RecordCorrected.TYPE: record_events,
        IdentityMatched.TYPE: on_matched,
        IdentityUnmatched.TYPE: on_unmatched,
        ErrataApproved.TYPE: on_errata,
    }
