"""Linking photos to records, whichever of the two arrives first."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from jiaodui_contracts.photos import PhotoLinked, PhotoReplaced
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.outbox import add_to_outbox

from jiaodui_photos.domain.linking import LinkDecision, decide_link
from jiaodui_photos.state import SOURCE
from jiaodui_photos.store import checks, photos, records
from jiaodui_photos.store.photos import StoredPhoto


async def link_photo(conn: DbConnection, photo: StoredPhoto) -> LinkDecision:
    """Link the photo if its record is known; inside the caller's transaction."""
    key = photo.key
    candidates = await records.candidates(
        conn,
        institution_code=key.institution_code,
        code_record_id=uuid.UUID(key.code_record_id) if key.code_record_id else None,
        identity_hash=key.identity_hash,
        student_number=key.student_number,
    )
    decision = decide_link(key, candidates)
    if decision.record_id is None:
        assert decision.reason is not None
        await photos.mark_unlinked(conn, photo.photo_id, decision.reason.value)
        return decision
    record_id = uuid.UUID(decision.record_id)
    await photos.mark_linked(conn, photo.photo_id, record_id)
    outcome, previous = await photos.attach(conn, photo, record_id)
    if outcome in ("linked", "replaced"):
        # the new photo is checked by machine before it can be confirmed; a new admission
        # photo makes the graduation photo's comparison stale (DESIGN §9)
        await checks.queue(conn, photo.photo_id, record_id, photo.kind)
        stale = [photo.kind, "graduation"] if photo.kind == "admission" else [photo.kind]
        await checks.set_running(conn, record_id, stale)
        if previous is not None:
            await checks.forget_replaced(conn, previous)
        record = await records.record_by_id(conn, record_id)
        assert record is not None
        now = datetime.now(UTC)
        common = {
            "record_id": str(record_id),
            "institution_code": record["institution_code"],
            "branch": record["branch"],
            "photo_id": str(photo.photo_id),
            "kind": photo.kind,
        }
        await add_to_outbox(
            conn, PhotoLinked(**common, batch_id=str(photo.batch_id), linked_at=now), source=SOURCE
        )
        if previous is not None:
            await add_to_outbox(
                conn,
                PhotoReplaced(**common, previous_photo_id=str(previous), replaced_at=now),
                source=SOURCE,
            )
    return decision


async def relink_for_record(conn: DbConnection, record_id: uuid.UUID) -> int:
    """A record arrived or changed: unlinked photos that may be its own try again."""
    record = await records.record_by_id(conn, record_id)
    if record is None:
        return 0
    linked = 0
    for photo in await photos.unlinked_photos_for(conn, record):
        decision = await link_photo(conn, photo)
        linked += decision.linked
    return linked
