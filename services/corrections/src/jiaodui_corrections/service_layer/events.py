"""What corrections learns from records and photos: the record replica, who owns which
record, photo disputes (an erratum opens), and the fixes that close approved errata."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from jiaodui_contracts.corrections import ErrataApplied
from jiaodui_contracts.photos import PhotoDisputed, PhotoRecaptureRequested
from jiaodui_contracts.records import (
    IdentityMatched,
    IdentityUnmatched,
    RecordCorrected,
    RecordImported,
)
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.outbox import add_to_outbox

from jiaodui_corrections.domain.errata import ErratumStatus
from jiaodui_corrections.service_layer.errata import record_filing
from jiaodui_corrections.state import SOURCE
from jiaodui_corrections.store import errata as store
from jiaodui_corrections.store import history, replica

_log = get_logger(__name__)
_REPLICA_EXCLUDE = {"identity_hash", "import_id", "change", "imported_at", "erratum_id"}


async def on_records(
    conn: DbConnection, changes: Sequence[RecordImported | RecordCorrected]
) -> None:
    """A run of record events (an import's worth) set-based: each record's latest state in
    one statement, then the fixes that approved errata wait for."""
    latest = {c.record_id: c for c in changes}
    await replica.upsert_records(
        conn,
        [
            (
                uuid.UUID(c.record_id), c.institution_code, c.branch, c.cohort,
                c.student_number, c.model_dump(mode="json", exclude=_REPLICA_EXCLUDE),
            )
            for c in latest.values()
        ],
    )  # fmt: skip
    for change in changes:
        if isinstance(change, RecordCorrected):
            await settle(conn, uuid.UUID(change.record_id), "record", change.erratum_id)


async def on_matched(conn: DbConnection, matches: Sequence[IdentityMatched]) -> None:
    """A run of matches (a matching burst's worth) in one statement."""
    await replica.add_matches(
        conn,
        [
            (
                uuid.UUID(m.record_id), uuid.UUID(m.account_id), m.institution_code, m.branch,
                m.cohort, m.student_number, m.matched_at,
            )
            for m in matches
        ],
    )  # fmt: skip


async def on_unmatched(conn: DbConnection, unmatches: Sequence[IdentityUnmatched]) -> None:
    await replica.remove_owners(
        conn, [(u.account_id, list(u.previously_matched_record_ids)) for u in unmatches]
    )


async def settle(
    conn: DbConnection, record_id: uuid.UUID, part: str, erratum_id: str | None = None
) -> None:
    """A fix arrived (``record`` or a photo kind): once nothing is awaited, it is applied."""
    row = await store.open_for_record(conn, record_id, for_update=True)
    if row is None or row["status"] != ErratumStatus.APPROVED:
        return
    if erratum_id is not None and str(row["erratum_id"]) != erratum_id:
        return
    pending = [p for p in row["pending_parts"] if p != part]
    if pending == list(row["pending_parts"]):
        return
    now = datetime.now(UTC)
    await store.set_pending(conn, row["erratum_id"], pending, None if pending else now)
    await history.add(
        conn, row["erratum_id"], "applied" if not pending else f"{part}_fixed",
        actor_id=None, actor_role="system",
    )  # fmt: skip
    if not pending:
        await add_to_outbox(
            conn,
            ErrataApplied(
                erratum_id=str(row["erratum_id"]),
                record_id=str(row["record_id"]),
                institution_code=row["institution_code"],
                branch=row["branch"],
                account_id=str(row["account_id"]) if row["account_id"] else None,
                applied_at=now,
            ),
            source=SOURCE,
        )


async def on_photo_disputed(conn: DbConnection, data: PhotoDisputed) -> None:
    """The student said a photo is wrong: the college office gets an erratum for it."""
    await _photo_erratum(
        conn, data, account_id=data.account_id, actor_id=data.account_id, actor_role="student",
        at=data.disputed_at,
    )  # fmt: skip


async def on_recapture_requested(conn: DbConnection, data: PhotoRecaptureRequested) -> None:
    """The college office reviewed a machine-checked photo and wants a new one: the same
    erratum a dispute opens (the student's own form joins it; the new photo settles it)."""
    owners = await replica.owners(conn, uuid.UUID(data.record_id))
    await _photo_erratum(
        conn, data, account_id=owners[0] if owners else None, actor_id=data.requested_by,
        actor_role=data.requested_role, at=data.requested_at,
    )  # fmt: skip


async def _photo_erratum(
    conn: DbConnection,
    data: PhotoDisputed | PhotoRecaptureRequested,
    *,
    account_id: str | None,
    actor_id: str,
    actor_role: str,
    at: datetime,
) -> None:
    record_id = uuid.UUID(data.record_id)
    item = {
        "field": f"{data.kind}_photo",
        "old_value": data.photo_id,
        "correct_value": data.reason.strip()[:200] or None,
    }
    existing = await store.open_for_record(conn, record_id, for_update=True)
    if existing is not None:
        fields = {i["field"] for i in existing["items"]}
        if existing["status"] == ErratumStatus.FILED and item["field"] not in fields:
            await store.set_items(conn, existing["erratum_id"], [*existing["items"], item])
            await history.add(
                conn, existing["erratum_id"], "item_added", actor_id=actor_id,
                actor_role=actor_role, detail={"field": item["field"], "from": "photo_dispute"},
            )  # fmt: skip
        return
    record = await replica.record(conn, record_id)
    base = {
        "record_id": record_id,
        "institution_code": data.institution_code,
        "branch": data.branch,
        "cohort": record["cohort"] if record else None,
    }
    erratum_id = uuid.uuid4()
    inserted = await store.insert(
        conn, erratum_id=erratum_id, record=base, account_id=account_id,
        filed_by=actor_id, filed_by_role=actor_role, items=[item],
        note=None, filed_at=at, origin="photo_dispute",
    )  # fmt: skip
    if inserted:
        await record_filing(conn, erratum_id, actor_id, actor_role)
