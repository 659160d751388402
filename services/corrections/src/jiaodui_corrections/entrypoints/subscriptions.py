"""corrections' event subscriptions: records (replica, owners, fixes) and photos."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from jiaodui_contracts import CloudEvent, Contract
from jiaodui_contracts.photos import (
    DeadlineReminderDue,
    PhotoConfirmed,
    PhotoDisputed,
    PhotoLinked,
    PhotoRecaptureRequested,
    PhotoReplaced,
)
from jiaodui_contracts.records import (
    IdentityMatched,
    IdentityUnmatched,
    RecordCorrected,
    RecordImported,
    RecordsImported,
)
from jiaodui_runtime.consumer import AnyHandler, Batched, BatchedRaw, Delivered, Received
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_corrections.service_layer import events
from jiaodui_corrections.store import replica


async def on_records(conn: DbConnection, run: Sequence[Delivered]) -> None:
    changes = [data for _, data in run]
    assert all(isinstance(c, RecordImported | RecordCorrected) for c in changes)
    await events.on_records(conn, changes)  # type: ignore[arg-type]


async def on_matched(conn: DbConnection, run: Sequence[Delivered]) -> None:
    matches = [data for _, data in run]
    assert all(isinstance(m, IdentityMatched) for m in matches)
    await events.on_matched(conn, matches)  # type: ignore[arg-type]


async def on_unmatched(conn: DbConnection, run: Sequence[Delivered]) -> None:
    unmatches = [data for _, data in run]
    assert all(isinstance(u, IdentityUnmatched) for u in unmatches)
    await events.on_unmatched(conn, unmatches)  # type: ignore[arg-type]


async def on_photo_disputed(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
    assert isinstance(data, PhotoDisputed)
    await events.on_photo_disputed(conn, data)


async def on_recapture_requested(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
    assert isinstance(data, PhotoRecaptureRequested)
    await events.on_recapture_requested(conn, data)


async def on_new_photo(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
    """A re-captured (replaced) or newly linked photo settles an approved photo item, and so
    does the student confirming the photo after a metadata-only fix (no new photo comes)."""
    assert isinstance(data, PhotoReplaced | PhotoLinked | PhotoConfirmed)
    await events.settle(conn, uuid.UUID(data.record_id), data.kind)


async def on_deadline_reminder(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
    """Photos publishes no window event yet; its reminders carry the cohort's deadline."""
    assert isinstance(data, DeadlineReminderDue)
    await replica.set_window(
        conn, data.institution_code, data.cohort, confirm_until=data.confirm_until,
        recheck_from=None, recheck_until=None, set_by=None,
    )  # fmt: skip


async def on_records_imported(conn: DbConnection, run: Sequence[Received]) -> None:
    """A run of an import's batches: the latest state of each record, one statement."""
    assert all(isinstance(data, RecordsImported) for _, data, _ in run)
    await replica.upsert_imported(conn, [value for _, _, value in run])


def handlers(rt: ServiceRuntime) -> Mapping[str, AnyHandler]:
    record_events = Batched(on_records)  # one instance: imported and corrected share a run
    return {
        RecordImported.TYPE: record_events,
        RecordsImported.TYPE: BatchedRaw(on_records_imported),
        RecordCorrected.TYPE: record_events,
        # a matching burst: runs of each, one statement per run (order kept between them)
        IdentityMatched.TYPE: Batched(on_matched),
        IdentityUnmatched.TYPE: Batched(on_unmatched),
        PhotoDisputed.TYPE: on_photo_disputed,
        PhotoRecaptureRequested.TYPE: on_recapture_requested,
        PhotoReplaced.TYPE: on_new_photo,
        PhotoLinked.TYPE: on_new_photo,
        PhotoConfirmed.TYPE: on_new_photo,
        DeadlineReminderDue.TYPE: on_deadline_reminder,
    }
