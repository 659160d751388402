"""Effects of other services' events, each inside the inbox transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from jiaodui_contracts.corrections import ErrataApproved
from jiaodui_contracts.records import IdentityMatched, IdentityUnmatched
from jiaodui_runtime.db import DbConnection

from jiaodui_photos.domain.owners import latest_matches
from jiaodui_photos.service_layer.linking import relink_for_record
from jiaodui_photos.store import records


async def records_published(
    conn: DbConnection,
    institutions: Sequence[str],
    published: Sequence[tuple[str, bytes]],
    bulk_type: str,
) -> None:
    """A run of record events (an import's worth), as published (type and Kafka value of
    each; ``institutions``: theirs), kept set-based: the latest state of each record in one
    statement, then the photos waiting for any of them link. Python sees only the records
    whose name key is its to make and those that unlinked photos may belong to."""
    for institution_code in sorted(set(institutions)):
        await records.lock_linking(conn, institution_code)  # sorted: no lock-order deadlock
    returned = await records.upsert_published(conn, published, bulk_type)
    left = [r for r in returned if r.left_to_python]
    relink = {uuid.UUID(r.record_id) for r in returned if not r.left_to_python}
    if left:
        relink.update(await records.upsert_records(conn, left))
    for record_id in sorted(relink):
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
