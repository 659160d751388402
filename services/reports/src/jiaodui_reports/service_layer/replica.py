"""Applying other services' events to the replica, and superseding reports they outdate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

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
)
from jiaodui_contracts.reports import SupersededReason
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.logging import get_logger

from jiaodui_reports.domain.document import snapshot
from jiaodui_reports.domain.rules import supersedes
from jiaodui_reports.service_layer import events
from jiaodui_reports.store import replica
from jiaodui_reports.store import reports as store

_log = get_logger(__name__)


async def _supersede(
    conn: DbConnection,
    report: store.Report,
    *,
    reason: SupersededReason,
    erratum_id: str | None = None,
) -> None:
    at = datetime.now(UTC)
    await store.supersede(conn, report.report_id, at, reason)
    await events.superseded(conn, report, reason=reason, erratum_id=erratum_id, at=at)
    _log.info("report_superseded", report_id=report.report_id, reason=reason)


@dataclass(frozen=True, slots=True)
class RecordVersion:
    """A record as one event published it, and what a report it outdates is marked with."""

    record_id: str
    institution_code: str
    branch: str
    snapshot: dict[str, str | None]
    reason: SupersededReason
    erratum_id: str | None = None

    @classmethod
    def of(cls, fields: Mapping[str, Any], erratum_id: str | None = None) -> RecordVersion:
        return cls(
            record_id=str(fields["record_id"]),
            institution_code=str(fields["institution_code"]),
            branch=str(fields["branch"]),
            snapshot=snapshot(fields),
            reason="record_corrected" if erratum_id else "record_changed",
            erratum_id=erratum_id,
        )


async def on_records(conn: DbConnection, changes: Sequence[RecordVersion]) -> None:
    """A run of single record events (imports, corrections), in order: the latest version of
    each record replaces the replica's; open reports that would now read differently are
    superseded."""
    latest = {change.record_id: change for change in changes}
    await replica.upsert_records(
        conn, [(v.record_id, v.institution_code, v.branch, v.snapshot) for v in latest.values()]
    )
    await _supersede_outdated(conn, latest)


async def on_imported(conn: DbConnection, published: Sequence[bytes]) -> None:
    """A run of an import's batches (RecordsImported, as published), as :func:`on_records`
    does it, with the records kept in SQL: Python sees only those whose snapshot SQL leaves
    to it and those with an open report (none, in an import of new records)."""
    returned = await replica.upsert_imported(conn, published)
    left = [RecordVersion.of(record) for record, sure in returned if not sure]
    await replica.upsert_records(
        conn, [(v.record_id, v.institution_code, v.branch, v.snapshot) for v in left]
    )
    await _supersede_outdated(conn, {str(r["record_id"]): RecordVersion.of(r) for r, _ in returned})


async def _supersede_outdated(conn: DbConnection, latest: Mapping[str, RecordVersion]) -> None:
    for report in await store.open_of_records(conn, list(latest)):
        version = latest[report.record_id]
        if supersedes(report.record, version.snapshot):
            await _supersede(conn, report, reason=version.reason, erratum_id=version.erratum_id)


async def on_matched(conn: DbConnection, matches: Sequence[IdentityMatched]) -> None:
    """A run of matches (a matching burst brings them by the hundred): one statement."""
    await replica.add_owners(conn, [(m.record_id, m.account_id, m.matched_at) for m in matches])


async def on_unmatched(conn: DbConnection, data: IdentityUnmatched) -> None:
    """The account lost its records (a changed name or ID): its reports of them stop."""
    lost = await replica.remove_owner(
        conn, data.account_id, list(data.previously_matched_record_ids)
    )
    for record_id in lost:
        for report in await store.open_of_record(conn, record_id):
            if report.account_id == data.account_id:
                await _supersede(conn, report, reason="unmatched")


async def on_photo(
    conn: DbConnection, data: PhotoLinked | PhotoReplaced | PhotoConfirmed | PhotoDisputed
) -> None:
    status = {
        PhotoLinked: "pending",
        PhotoReplaced: "pending",
        PhotoConfirmed: "confirmed",
        PhotoDisputed: "disputed",
    }[type(data)]
    await replica.set_photo(conn, data.record_id, data.kind, data.photo_id, status)
    if isinstance(data, PhotoReplaced) and data.kind == "graduation":
        for report in await store.open_of_record(conn, data.record_id):
            if report.photo_id != data.photo_id:
                await _supersede(conn, report, reason="photo_replaced")


async def on_erratum(
    conn: DbConnection, data: ErrataFiled | ErrataApproved | ErrataRejected | ErrataApplied
) -> None:
    if isinstance(data, ErrataFiled | ErrataApproved):
        await replica.open_erratum(conn, data.erratum_id, data.record_id)
    else:
        await replica.close_erratum(conn, data.erratum_id)
