"""corrections' event subscriptions: records (replica, owners, fixes) and photos."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from jiaodui_contracts import CloudEvent, Contract
from jiaodui_contracts.photos import (
    DeadlineReminderDue,
    PhotoConfirmed,
    PhotoDisputed,
    PhotoLinked,
    PhotoReplaced,
)
from jiaodui_contracts.records import (
    IdentityMatched,
    IdentityUnmatched,
    RecordCorrected,
    RecordImported,
)
from jiaodui_runtime.consumer import Handler
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_corrections.service_layer import events
from jiaodui_corrections.store import replica


async def on_record(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
    assert isinstance(data, RecordImported | RecordCorrected)
    await events.on_record(conn, data)


async def on_matched(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
    assert isinstance(data, IdentityMatched)
    await events.on_matched(conn, data)


async def on_unmatched(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
    assert isinstance(data, IdentityUnmatched)
    await events.on_unmatched(conn, data)


async def on_photo_disputed(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
    assert isinstance(data, PhotoDisputed)
    await events.on_photo_disputed(conn, data)


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


def handlers(rt: ServiceRuntime) -> Mapping[str, Handler]:
    return {
        RecordImported.TYPE: on_record,
        RecordCorrected.TYPE: on_record,
        IdentityMatched.TYPE: on_matched,
        IdentityUnmatched.TYPE: on_unmatched,
        PhotoDisputed.TYPE: on_photo_disputed,
        PhotoReplaced.TYPE: on_new_photo,
        PhotoLinked.TYPE: on_new_photo,
        PhotoConfirmed.TYPE: on_new_photo,
        DeadlineReminderDue.TYPE: on_deadline_reminder,
    }
