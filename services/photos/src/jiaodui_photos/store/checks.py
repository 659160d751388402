"""The machine checks' tables: the queue (photo_checks, claimed FOR UPDATE SKIP LOCKED),
the results, the embeddings (never read outside this module and the checker) and the
check state of the slots."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.workqueue import wake

CHANNEL = "photo_checks"


async def queue(conn: DbConnection, photo_id: uuid.UUID, record_id: uuid.UUID, kind: str) -> None:
    """Queue the check of a photo that became its slot's current one (in the linking
    transaction) and wake the checkers when it commits."""
    await conn.execute(
        "INSERT INTO photo_checks (photo_id, record_id, kind) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING",
        photo_id,
        record_id,
        kind,
    )
    await wake(conn, CHANNEL)


async def forget_replaced(conn: DbConnection, previous: uuid.UUID) -> None:
    """A replaced photo's embedding goes at once (its check row stays as history)."""
    await conn.execute("DELETE FROM photo_embeddings WHERE photo_id = $1", previous)


async def set_running(conn: DbConnection, record_id: uuid.UUID, kinds: list[str]) -> None:
    await conn.execute(
        "UPDATE photo_slots SET check_state = 'running' WHERE record_id = $1"
        " AND kind = ANY($2::text[]) AND check_state <> 'running'",
        record_id,
        kinds,
    )


@dataclass(frozen=True, slots=True)
class Job:
    photo_id: uuid.UUID
    record_id: uuid.UUID
    kind: str
    blob_key: str


# Batches take turns by each photo's place in its batch (the first photo of every batch,
# then the second...; places count the batch's photos already checked, so a batch that
# came later is not starved by one that came first): a student's single re-captured photo
# is not stuck behind a 2,000-photo batch uploaded before it.
_CLAIM = """
WITH waiting AS (
    SELECT DISTINCT p.batch_id FROM photo_checks c JOIN photos p USING (photo_id)
    WHERE c.state = 'queued'
), placed AS (
    SELECT p.photo_id, row_number() OVER (PARTITION BY p.batch_id ORDER BY p.seq) AS place
    FROM photos p WHERE p.batch_id IN (SELECT batch_id FROM waiting)
)
SELECT c.photo_id, c.record_id, c.kind, p.blob_key
FROM placed r JOIN photo_checks c USING (photo_id) JOIN photos p USING (photo_id)
WHERE c.state = 'queued'
ORDER BY r.place, c.queued_at, c.photo_id
LIMIT $1 FOR UPDATE OF c SKIP LOCKED
"""


async def claim(conn: DbConnection, limit: int) -> list[Job]:
    """Lock up to ``limit`` queued checks, batches taking turns, oldest first within each,
    for the caller's transaction; other checkers skip them, and a checker that dies releases
    them with its connection."""
    if not conn.is_in_transaction():
        raise RuntimeError("claim needs the caller's transaction")
    rows = await conn.fetch(_CLAIM, limit)
    return [Job(r["photo_id"], r["record_id"], r["kind"], r["blob_key"]) for r in rows]


async def queued_count(conn: DbConnection) -> int:
    n: int = await conn.fetchval("SELECT count(*) FROM photo_checks WHERE state = 'queued'")
    return n


async def lock_slots(conn: DbConnection, record_id: uuid.UUID) -> list[asyncpg.Record]:
    """Both slots of a record with their current photo's check, locked (admission before
    graduation: one order everywhere, no deadlock)."""
    return await conn.fetch(
        "SELECT s.kind, s.photo_id, s.check_state, c.state, c.verdict, c.compared_with,"
        " c.review, c.blocking, c.findings, c.checked_at FROM photo_slots s"
        " LEFT JOIN photo_checks c USING (photo_id)"
        " WHERE s.record_id = $1 ORDER BY s.kind FOR UPDATE OF s",
        record_id,
    )


async def save_result(
    conn: DbConnection,
    *,
    photo_id: uuid.UUID,
    findings: list[dict[str, Any]],
    measurements: dict[str, Any],
    blocking: bool,
    verdict: str | None,
    embedding: bytes | None,
    at: datetime,
) -> None:
    await conn.execute(
        "UPDATE photo_checks SET state = 'done', findings = $2::jsonb, measurements = $3::jsonb,"
        " blocking = $4, face = $5, verdict = $6, distance = NULL, compared_with = NULL,"
        " checked_at = $7 WHERE photo_id = $1",
        photo_id,
        findings,
        measurements,
        blocking,
        embedding is not None,
        verdict,
        at,
    )
    if embedding is not None:
        await conn.execute(
            "INSERT INTO photo_embeddings (photo_id, embedding) VALUES ($1, $2)"
            " ON CONFLICT (photo_id) DO UPDATE SET embedding = EXCLUDED.embedding",
            photo_id,
            embedding,
        )


async def embeddings(conn: DbConnection, photo_ids: list[uuid.UUID]) -> dict[uuid.UUID, bytes]:
    rows = await conn.fetch(
        "SELECT photo_id, embedding FROM photo_embeddings WHERE photo_id = ANY($1::uuid[])",
        photo_ids,
    )
    return {r["photo_id"]: bytes(r["embedding"]) for r in rows}


async def save_comparison(
    conn: DbConnection,
    *,
    photo_id: uuid.UUID,
    compared_with: uuid.UUID,
    verdict: str | None,
    distance: float | None,
) -> None:
    """A new comparison needs a new review: an earlier decision is dropped."""
    await conn.execute(
        "UPDATE photo_checks SET verdict = $2, distance = $3, compared_with = $4,"
        " review = NULL, reviewed_by = NULL, reviewed_at = NULL, review_reason = NULL"
        " WHERE photo_id = $1",
        photo_id,
        verdict,
        distance,
        compared_with,
    )


async def set_slot_state(conn: DbConnection, record_id: uuid.UUID, kind: str, state: str) -> None:
    await conn.execute(
        "UPDATE photo_slots SET check_state = $3 WHERE record_id = $1 AND kind = $2",
        record_id,
        kind,
        state,
    )


async def set_review(
    conn: DbConnection,
    *,
    photo_id: uuid.UUID,
    review: str,
    by: str,
    at: datetime,
    reason: str | None,
) -> None:
    await conn.execute(
        "UPDATE photo_checks SET review = $2, reviewed_by = $3, reviewed_at = $4,"
        " review_reason = $5 WHERE photo_id = $1",
        photo_id,
        review,
        uuid.UUID(by),
        at,
        reason,
    )


async def review_target(conn: DbConnection, photo_id: uuid.UUID) -> asyncpg.Record | None:
    """A photo's record, scope and check, its slot locked when it is the current photo."""
    return await conn.fetchrow(
        "SELECT p.photo_id, p.record_id, p.kind, r.institution_code, r.branch,"
        " s.photo_id AS current_photo_id, s.check_state, c.state, c.verdict, c.review,"
        " c.distance, c.findings, c.checked_at, c.review_reason"
        " FROM photos p JOIN records r ON r.record_id = p.record_id"
        " JOIN photo_slots s ON s.record_id = p.record_id AND s.kind = p.kind"
        " LEFT JOIN photo_checks c ON c.photo_id = p.photo_id"
        " WHERE p.photo_id = $1 FOR UPDATE OF s",
        photo_id,
    )


# The office's queue: the current photos whose verdict waits for a decision, with the
# record's other photo for the side-by-side view.
_REVIEWS = """
SELECT c.photo_id, c.record_id, c.kind, c.verdict, c.distance, c.findings, c.checked_at,
       c.review, r.institution_code, r.branch, r.class_name, r.name, r.student_number,
       o.photo_id AS other_photo_id, count(*) OVER () AS total
FROM photo_checks c
JOIN photo_slots s ON s.photo_id = c.photo_id
JOIN records r ON r.record_id = c.record_id
LEFT JOIN photo_slots o ON o.record_id = c.record_id AND o.kind <> c.kind
WHERE c.state = 'done' AND c.verdict IN ('fail', 'uncertain', 'anomaly')
  AND c.review IS NULL AND s.check_state = 'under_review'
  AND ($1::text IS NULL OR r.institution_code = $1)
  AND ($2::text IS NULL OR r.branch = $2)
  AND ($3::text IS NULL OR c.verdict = $3)
ORDER BY c.checked_at, c.photo_id
LIMIT $4 OFFSET $5
"""


async def reviews(
    conn: DbConnection,
    *,
    institution_code: str | None,
    college: str | None,
    verdict: str | None,
    limit: int,
    offset: int,
) -> list[asyncpg.Record]:
    return await conn.fetch(_REVIEWS, institution_code, college, verdict, limit, offset)
