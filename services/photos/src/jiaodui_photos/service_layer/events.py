"""Effects of other services' events, each inside the inbox transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from jiaodui_contracts.corrections import ErrataApproved
from jiaodui_contracts.records import (
    IdentityMatched,
    IdentityUnmatched,
    RecordCorrected,
    RecordImported,
)
from jiaodui_runtime.db import DbConnection

from jiaodui_photos.service_layer.linking import relink_for_record
from jiaodui_photos.store import records


async def records_changed(
    conn: DbConnection, changes: Sequence[RecordImported | RecordCorrected]
) -> None:
    """A run of record events (an import's worth) kept set-based: the latest state of each
    record in one statement, then the photos waiting for any of them link."""
    latest = {change.record_id: change for change in changes}
    for institution_code in sorted({r.institution_code for r in latest.values()}):
        await records.lock_linking(conn, institution_code)  # sorted: no lock-order deadlock
    for record_id in await records.upsert_records(conn, list(latest.values())):
        await relink_for_record(conn, record_id)


async def identity_matched(conn: DbConnection, match: IdentityMatched) -> None:
    await records.set_owner(
        conn,
        record_id=match.record_id,
        account_id=match.account_id,
        institution_code=match.institution_code,
        branch=match.branch,
        cohort=match.cohort,
        matched_at=match.matched_at,
    )


async def identity_unmatched(conn: DbConnection, unmatch: IdentityUnmatched) -> None:
    await records.drop_owner(
        conn,
        account_id=unmatch.account_id,
        record_ids=unmatch.previously_matched_record_ids,
        before=unmatch.unmatched_at,
    )


async def errata_approved(conn: DbConnection, approved: ErrataApproved) -> None:
    """An approved erratum reopens the record's disputed photos: the student checks again
    (in the re-check window). A new photo, if one comes, replaces them anyway."""
    await conn.execute(
        "UPDATE photo_slots SET status = 'pending', answered_by = NULL, answered_at = NULL,"
        " dispute_reason = NULL, updated_at = now() WHERE record_id = $1 AND status = 'disputed'",
        uuid.UUID(approved.record_id),
    )
