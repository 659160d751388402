"""reports' subscriptions: the replica of records, matches, photos and errata."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from jiaodui_contracts import CloudEvent, Contract
from jiaodui_contracts.corrections import (
    ErrataApplied,
    ErrataApproved,
    ErrataFiled,
    ErrataRejected,
)
from jiaodui_contracts.photos import PhotoConfirmed, PhotoDisputed, PhotoLinked, PhotoReplaced
from jiaodui_contracts.records import (
    IdentityMatched,
    IdentityUnmatched,
    RecordCorrected,
    RecordImported,
    RecordsImported,
)
from jiaodui_contracts.views import view_of
from jiaodui_runtime.consumer import AnyHandler, Batched, BatchedRaw, Delivered, Received
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_reports.domain.document import ON_REPORT
from jiaodui_reports.service_layer import replica
from jiaodui_reports.service_layer.replica import RecordVersion

IMPORTED = view_of(RecordsImported, {"records": list(dict.fromkeys(("record_id", *ON_REPORT)))})
"""The fields of an import's records reports keeps: the consumer validates them (the
contract's rules) before reports' SQL reads the events as published."""


async def on_records(conn: DbConnection, run: Sequence[Received]) -> None:
    """A run of record events, in order: an import's batches go to SQL as published, single
    events through Python, each stretch of one kind after the other."""
    for bulk, stretch in itertools.groupby(run, key=lambda r: r[0].type == RecordsImported.TYPE):
        if bulk:
            await replica.on_imported(conn, [value for _, _, value in stretch])
            continue
        versions = []
        for _, data, _ in stretch:
            assert isinstance(data, RecordImported | RecordCorrected)
            erratum_id = data.erratum_id if isinstance(data, RecordCorrected) else None
            versions.append(RecordVersion.of(data.model_dump(), erratum_id=erratum_id))
        await replica.on_records(conn, versions)


async def on_matched(conn: DbConnection, run: Sequence[Delivered]) -> None:
    matches = [data for _, data in run]
    assert all(isinstance(m, IdentityMatched) for m in matches)
    await replica.on_matched(conn, matches)  # type: ignore[arg-type]


async def on_unmatched(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
    assert isinstance(data, IdentityUnmatched)
    await replica.on_unmatched(conn, data)


async def on_photo(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
    assert isinstance(data, PhotoLinked | PhotoReplaced | PhotoConfirmed | PhotoDisputed)
    await replica.on_photo(conn, data)


async def on_erratum(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
    assert isinstance(data, ErrataFiled | ErrataApproved | ErrataRejected | ErrataApplied)
    await replica.on_erratum(conn, data)


def handlers(rt: ServiceRuntime) -> Mapping[str, AnyHandler]:
    # one instance: a run of mixed record events stays one call
    records = BatchedRaw(on_records, reads={RecordsImported.TYPE: IMPORTED})
    found: dict[str, AnyHandler] = {
        RecordImported.TYPE: records,
        RecordCorrected.TYPE: records,
        RecordsImported.TYPE: records,
        IdentityMatched.TYPE: Batched(on_matched),  # a matching burst: one statement a run
        IdentityUnmatched.TYPE: on_unmatched,
        PhotoLinked.TYPE: on_photo,
        PhotoReplaced.TYPE: on_photo,
        PhotoConfirmed.TYPE: on_photo,
        PhotoDisputed.TYPE: on_photo,
        ErrataFiled.TYPE: on_erratum,
        ErrataApproved.TYPE: on_erratum,
        ErrataRejected.TYPE: on_erratum,
        ErrataApplied.TYPE: on_erratum,
    }
    return found
