"""reports' subscriptions: the replica of records, matches, photos and errata."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from jiaodui_contracts import EVENT_TYPES, CloudEvent, Contract
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
)
from jiaodui_runtime.consumer import AnyHandler, Batched, Delivered
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_reports.service_layer import replica
from jiaodui_reports.service_layer.replica import Published, RecordVersion

BULK_IMPORT = "jiaodui.records.RecordsImported.v1"
"""Imports publish their records in batches (up to 100 per event) where records does."""


async def on_records(conn: DbConnection, run: Sequence[Delivered]) -> None:
    changes: list[RecordVersion | Published] = []
    for event, data in run:
        if isinstance(data, RecordCorrected):
            changes.append(RecordVersion.of(data.model_dump(), erratum_id=data.erratum_id))
        elif isinstance(data, RecordImported):
            changes.append(RecordVersion.of(data.model_dump()))
        else:  # a bulk import: its records as published (JSON, in order), for SQL to read
            changes.extend(event.data["records"])
    await replica.on_records(conn, changes)


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
    # one instance: a run of mixed record events stays one call; an import's records go to
    # SQL as published (event.data)
    records = Batched(on_records, json_data=True)
    found: dict[str, AnyHandler] = {
        RecordImported.TYPE: records,
        RecordCorrected.TYPE: records,
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
    if BULK_IMPORT in EVENT_TYPES:
        found[BULK_IMPORT] = records
    return found
