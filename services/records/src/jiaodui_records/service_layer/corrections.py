"""Approved errata: apply the record's fields, announce RecordCorrected, match again."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from jiaodui_contracts.corrections import ErrataApproved
from jiaodui_contracts.records import RecordCorrected
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.outbox import add_to_outbox

from jiaodui_records.domain.corrections import Change, column_values
from jiaodui_records.service_layer.matching import SOURCE, rematch_records
from jiaodui_records.service_layer.published import record_fields
from jiaodui_records.store import records
from jiaodui_records.store.matching import lock_as_record_writer

_log = get_logger(__name__)


async def apply_erratum(conn: DbConnection, event: ErrataApproved) -> None:
    record_id = uuid.UUID(event.record_id)
    await lock_as_record_writer(conn)
    record = await records.get_for_update(conn, record_id)
    if record is None:
        _log.warning("erratum_for_unknown_record", record_id=event.record_id)
        return
    values: dict[str, Any] = {}
    applied: list[str] = []
    skipped: list[str] = []
    for item in event.changes:
        change = Change(
            item.field, item.correct_value, item.correct_value_masked, item.correct_identity_hash
        )
        columns = column_values(change)
        if columns is None:
            if not item.field.endswith("_photo"):
                skipped.append(item.field)
            continue
        number = columns.get("student_number")
        if number is not None and await records.student_number_taken(
            conn, record["institution_code"], number, record_id
        ):
            skipped.append(item.field)
            continue
        values |= columns
        applied.append(item.field)
    if not applied and all(item.field.endswith("_photo") for item in event.changes):
        return  # a photo-only erratum: nothing for the record
    if skipped:
        _log.warning("erratum_fields_skipped", fields=skipped, erratum=event.erratum_id)
    updated = await records.update_fields(conn, record_id, values) if values else record
    assert updated is not None
    await add_to_outbox(
        conn,
        RecordCorrected(
            **record_fields(updated),
            erratum_id=event.erratum_id,
            changed_fields=applied,
            skipped_fields=skipped,
            corrected_at=datetime.now(UTC),
        ),
        source=SOURCE,
    )
    await rematch_records(
        conn,
        hashes={record["identity_hash"], updated["identity_hash"]},
        record_ids=[record_id],
    )
