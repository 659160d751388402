"""The hot path: a photo's answer in ONE statement (one round trip, one implicit
transaction) that reads the slot with its owner and window, writes the answer when the
rules allow it, and writes its event to the outbox, built by the database. It does not
NOTIFY the relay (a NOTIFY serialises the commits of the whole cluster): the caller wakes it
once the statement has committed (``ServiceRuntime.outbox_committed``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
from jiaodui_contracts import Contract
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.outbox import built_event_params, insert_built_events_sql

# $1 photo, $2 wanted status, $3 caller, $4 now, $5 dispute reason, $6 the event's own fields
# (jsonb), $7.. the built event's parameters. The guard of ``answered`` is the case where
# jiaodui_photos.domain.answers.decide_answer applies an answer (the caller owns the record,
# the photo is pending, domain.windows.answers_allowed at $4, and a confirmation waits for
# the machine checks: domain.checks.confirmable); one more rule is one more
# condition there. Any other case writes nothing and the caller decides on the slot row.
_ANSWER = f"""
WITH slot AS (
    SELECT s.photo_id, s.record_id, s.kind, s.status, s.answered_at, s.dispute_reason,
           s.check_state, r.institution_code, r.branch, o.account_id,
           w.confirm_until, w.recheck_from, w.recheck_until
    FROM photo_slots s
    JOIN records r USING (record_id)
    LEFT JOIN record_owners o USING (record_id)
    LEFT JOIN windows w ON w.institution_code = r.institution_code AND w.cohort = r.cohort
    WHERE s.photo_id = $1
), answered AS (
    UPDATE photo_slots s SET status = $2, answered_by = $3, answered_at = $4,
           dispute_reason = $5, updated_at = $4
    FROM slot
    WHERE s.photo_id = slot.photo_id AND s.status = 'pending'
      AND slot.account_id = $3
      AND ($2 <> 'confirmed' OR slot.check_state IN ('passed', 'accepted'))
      AND (slot.confirm_until IS NULL OR $4 <= slot.confirm_until
           OR $4 BETWEEN slot.recheck_from AND slot.recheck_until)
    RETURNING slot.*
), events AS MATERIALIZED (
    SELECT jiaodui_event_id() AS event_id, record_id::text AS subject, record_id::text AS key,
           1 AS ord,
           jsonb_build_object('record_id', record_id, 'institution_code', institution_code,
                              'branch', branch, 'photo_id', photo_id, 'account_id', account_id,
                              'kind', kind) || $6::jsonb AS data
    FROM answered
), written AS (
    {insert_built_events_sql("events", first_param=7)} RETURNING 1
)
SELECT slot.*, (SELECT count(*) FROM answered) AS answered
FROM slot
"""  # noqa: S608 - module constants, not input


async def answer(
    conn: DbConnection,
    *,
    photo_id: uuid.UUID,
    status: str,
    account_id: str,
    at: datetime,
    dispute_reason: str | None,
    event: type[Contract],
    event_fields: dict[str, Any],
    source: str,
) -> asyncpg.Record | None:
    """Answer the photo if the rules allow it now, with its ``event`` (``event_fields``
    beside those of the slot). The slot as it was (None: no current slot for this photo)
    with ``answered``: 1 when this call wrote the answer, 0 when it wrote nothing."""
    return await conn.fetchrow(
        _ANSWER,
        photo_id,
        status,
        uuid.UUID(account_id),
        at,
        dispute_reason,
        event_fields,
        *built_event_params(event, source=source, at=at),
    )


async def photo_exists(conn: DbConnection, photo_id: uuid.UUID) -> bool:
    return bool(await conn.fetchval("SELECT true FROM photos WHERE photo_id = $1", photo_id))
