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
    RecordsImported,
)
from jiaodui_contracts.views import view_of
from jiaodui_runtime.consumer import AnyHandler, Batched, Delivered
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_photos.domain.linking import KEPT_FIELDS, KeptRecord
from jiaodui_photos.service_layer import events

IMPORTED_RECORDS = view_of(RecordsImported, {"records": KEPT_FIELDS})


def handlers(rt: ServiceRuntime) -> Mapping[str, AnyHandler]:
    async def on_records(conn: DbConnection, run: Sequence[Delivered]) -> None:
        changes: list[KeptRecord] = []
        for _, data in run:  # an import's batches carry many records each, in order
            if isinstance(data, RecordImported | RecordCorrected):
                changes.append(data)
            else:
                assert data.TYPE == RecordsImported.TYPE
                changes += getattr(data, "records")  # noqa: B009 - a view of RecordsImported
        await events.records_changed(conn, changes)

    # one instance: imported and corrected share a run; of an import's records only what
    # photos keeps is read (validating every field was ~40 % of this consumer's CPU)
    record_events = Batched(on_records, reads={RecordsImported.TYPE: IMPORTED_RECORDS})

    async def on_matched(conn: DbConnection, run: Sequence[Delivered]) -> None:
        matches = [data for _, data in run]
        assert all(isinstance(m, IdentityMatched) for m in matches)
        await events.identities_matched(conn, matches)  # type: ignore[arg-type]

    async def on_unmatched(conn: DbConnection, run: Sequence[Delivered]) -> None:
        unmatches = [data for _, data in run]
        assert all(isinstance(u, IdentityUnmatched) for u in unmatches)
        await events.identities_unmatched(conn, unmatches)  # type: ignore[arg-type]

    async def on_errata(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
        assert isinstance(data, ErrataApproved)
        await events.errata_approved(conn, data)

    return {
        RecordImported.TYPE: record_events,
        RecordsImported.TYPE: record_events,
        RecordCorrected.TYPE: record_events,
        # a matching burst: runs of each, one statement per run (order kept between them)
        IdentityMatched.TYPE: Batched(on_matched),
        IdentityUnmatched.TYPE: Batched(on_unmatched),
        ErrataApproved.TYPE: on_errata,
    }
