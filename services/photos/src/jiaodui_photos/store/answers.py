"""The hot path: read a photo's slot with its owner and window, then answer it in ONE
statement that also writes the outbox row (two round trips, one implicit transaction)."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
from jiaodui_contracts import HEADER_CORRELATION_ID, Contract, new_event, to_json_bytes, topic_of
from jiaodui_runtime.context import current_correlation_id
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.outbox import NOTIFY_CHANNEL

_READ = """
SELECT s.record_id, s.kind, s.status, s.answered_at, s.dispute_reason,
       r.institution_code, r.branch, o.account_id,
       w.confirm_until, w.recheck_from, w.recheck_until
FROM photo_slots s
JOIN records r USING (record_id)
LEFT JOIN record_owners o USING (record_id)
LEFT JOIN windows w ON w.institution_code = r.institution_code AND w.cohort = r.cohort
WHERE s.photo_id = $1
"""

# The answer and its event commit together or not at all: one statement is one transaction.
# Column list as in jiaodui_runtime.outbox.add_to_outbox (the relay reads these rows).
_ANSWER = f"""
WITH answered AS (
    UPDATE photo_slots SET status = $2, answered_by = $3, answered_at = $4,
           dispute_reason = $5, updated_at = $4
    WHERE photo_id = $1 AND status = 'pending'
    RETURNING 1
), event AS (
    INSERT INTO outbox (event_id, topic, key, event_type, payload, headers)
    SELECT $6, $7, $8, $9, $10, $11 FROM answered
    RETURNING 1
)
SELECT (SELECT count(*) FROM answered) AS answered,
       (SELECT count(*) FROM (SELECT pg_notify('{NOTIFY_CHANNEL}', '') FROM event) n) AS woke
"""  # noqa: S608 - a module constant, not input


async def read_slot(conn: DbConnection, photo_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(_READ, photo_id)


async def photo_exists(conn: DbConnection, photo_id: uuid.UUID) -> bool:
    return bool(await conn.fetchval("SELECT true FROM photos WHERE photo_id = $1", photo_id))


async def answer(
    conn: DbConnection,
    *,
    photo_id: uuid.UUID,
    status: str,
    account_id: str,
    at: datetime,
    dispute_reason: str | None,
    event: Contract,
    source: str,
) -> bool:
    """Answer a pending photo and queue its event; False when it was no longer pending."""
    envelope = new_event(event, source=source)
    row = await conn.fetchrow(
        _ANSWER,
        photo_id,
        status,
        uuid.UUID(account_id),
        at,
        dispute_reason,
        envelope.id,
        topic_of(event),
        envelope.subject,
        envelope.type,
        to_json_bytes(envelope),
        {HEADER_CORRELATION_ID: current_correlation_id()},
    )
    assert row is not None
    return bool(row["answered"])
