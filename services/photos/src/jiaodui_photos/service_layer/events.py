"""Effects of other services' events, each inside the inbox transaction."""

from __future__ import annotations

import uuid

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


async def record_changed(conn: DbConnection, record: RecordImported | RecordCorrected) -> None:
    """Keep the replica; photos waiting for this record (or its corrected fields) link now."""
    await records.lock_linking(conn, record.institution_code)  # before the next snapshot
    if await records.upsert_record(conn, record):
        await relink_for_record(conn, uuid.UUID(record.record_id))


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
