"""Effects of other services' events, each inside the inbox transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from jiaodui_contracts.corrections import ErrataApproved
from jiaodui_contracts.records import IdentityMatched, IdentityUnmatched
from jiaodui_runtime.db import DbConnection

from jiaodui_photos.domain.linking import KeptRecord
from jiaodui_photos.domain.owners import latest_matches
from jiaodui_photos.service_layer.linking import relink_for_record
from jiaodui_photos.store import records


async def records_changed(conn: DbConnection, changes: Sequence[KeptRecord]) -> None:
    """A run of record events (an import's worth) kept set-based: the latest state of each
    record in one statement, then the photos waiting for any of them link."""
    latest = {change.record_id: change for change in changes}
    for institution_code in sorted({r.institution_code for r in latest.values()}):
        await records.lock_linking(conn, institution_code)  # sorted: no lock-order deadlock
    for record_id in await records.upsert_records(conn, list(latest.values())):
        await relink_for_record(conn, record_id)


async def identities_matched(conn: DbConnection, matches: Sequence[IdentityMatched]) -> None:
    """A run of matches (a matching burst's worth) in one statement."""
    await records.set_owners(conn, latest_matches(matches))


async def identities_unmatched(conn: DbConnection, unmatches: Sequence[IdentityUnmatched]) -> None:
    await records.drop_owners(conn, unmatches)


async def errata_approved(conn: DbConnection, approved: ErrataApproved) -> None:
    """An approved erratum reopens the record's disputed photos: the student checks again
    (in the re-check window). A new photo, if one comes, replaces them anyway."""
    await conn.execute(
        "UPDATE photo_slots SET status = 'pending', answered_by = NULL, answered_at = NULL,"
        " dispute_reason = NULL, updated_at = now() WHERE record_id = $1 AND status = 'disputed'",
        uuid.UUID(approved.record_id),
    )
