"""The machine checks of linked photos (DESIGN §9): claim queued checks a few at a time,
analyse each off the event loop, and record the result, the comparison of the record's two
photos, the slots' check state and the ``PhotoChecked`` event in ONE transaction. A checker
killed mid-batch commits nothing: the rows it held go back to the queue with its
connection, so each photo version's result is recorded once."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from typing import Any

from jiaodui_contracts.photos import PhotoChecked, PhotoFinding
from jiaodui_runtime.blobs import BlobNotFoundError
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.outbox import add_to_outbox

from jiaodui_photos.adapters.face_checks import Analysis
from jiaodui_photos.checks.compare import compare
from jiaodui_photos.checks.settings import CheckSettings
from jiaodui_photos.domain.checks import (
    CheckView,
    effective_verdict,
    needs_comparison,
    slot_state,
    waits_for_comparison,
)
from jiaodui_photos.metrics import PHOTO_CHECK_SECONDS, PHOTO_CHECKS
from jiaodui_photos.state import SOURCE, Photos
from jiaodui_photos.store import checks as store
from jiaodui_photos.store import records

_log = get_logger(__name__)
Analyse = Callable[[bytes], Awaitable[Analysis]]
KINDS = ("graduation", "admission")


def failed(code: str) -> Analysis:
    """A photo the machine could not check: the office looks at it (never a silent pass)."""
    return Analysis(
        findings=[{"code": code, "value": None}], measurements={}, embedding=None, blocking=True
    )


async def check_queued(ph: Photos, analyse: Analyse, *, limit: int, settings: CheckSettings) -> int:
    """Check up to ``limit`` queued photos in one transaction; how many were claimed."""
    async with ph.pool.acquire() as conn, conn.transaction():
        jobs = await store.claim(conn, limit)
        for job in jobs:
            started = time.monotonic()
            try:
                analysis = await analyse(await ph.blobs.get(job.blob_key))
            except BrokenProcessPool:
                raise  # the worker died: nothing is written, the rows go back to the queue
            except BlobNotFoundError:
                analysis = failed("image_missing")
            except Exception as exc:  # a photo that breaks the engine must not stop the queue
                _log.warning("photo_check_failed", photo_id=str(job.photo_id), error=repr(exc))
                analysis = failed("check_failed")
            PHOTO_CHECK_SECONDS.observe(time.monotonic() - started)
            await finish(conn, job, analysis, settings=settings)
    return len(jobs)


async def finish(
    conn: DbConnection, job: store.Job, analysis: Analysis, *, settings: CheckSettings
) -> None:
    """Record one photo's analysis; then what follows for its record."""
    now = datetime.now(UTC)
    slots = {r["kind"]: r for r in await store.lock_slots(conn, job.record_id)}
    mine = slots.get(job.kind)
    current = mine is not None and mine["photo_id"] == job.photo_id
    await store.save_result(
        conn,
        photo_id=job.photo_id,
        findings=analysis.findings,
        measurements=analysis.measurements,
        blocking=analysis.blocking,
        verdict=effective_verdict(blocking=analysis.blocking, comparison=None),
        # a photo replaced while it was being checked keeps its findings, not its face
        embedding=analysis.embedding if current else None,
        at=now,
    )
    outcome = "anomaly" if analysis.blocking else "checked"
    PHOTO_CHECKS.labels(outcome if current else "replaced").inc()
    if current:
        await refresh_record(conn, job.record_id, checked={job.photo_id}, settings=settings)


def _view(row: Any) -> CheckView:
    compared = row["compared_with"]
    return CheckView(
        photo_id=str(row["photo_id"]),
        done=row["state"] == "done",
        verdict=row["verdict"],
        compared_with=str(compared) if compared else None,
        review=row["review"],
    )


async def refresh_record(
    conn: DbConnection, record_id: uuid.UUID, *, checked: set[uuid.UUID], settings: CheckSettings
) -> None:
    """Compare the record's photos when both are checked and not compared yet, set both
    slots' check state, and publish the results that are final (``checked`` and any
    comparison made now). Inside the caller's transaction."""
    rows = {r["kind"]: r for r in await store.lock_slots(conn, record_id)}
    views = {kind: _view(row) for kind, row in rows.items()}
    grad, adm = views.get("graduation"), views.get("admission")
    publish = set(checked)
    if grad is not None and adm is not None and needs_comparison(grad, adm):
        g, a = uuid.UUID(grad.photo_id), uuid.UUID(adm.photo_id)
        faces = await store.embeddings(conn, [g, a])
        comparison = compare(
            faces.get(g), faces.get(a), pass_max=settings.pass_max, fail_min=settings.fail_min
        )
        verdict = effective_verdict(
            blocking=bool(rows["graduation"]["blocking"]), comparison=comparison.verdict
        )
        await store.save_comparison(
            conn, photo_id=g, compared_with=a, verdict=verdict, distance=comparison.distance
        )
        rows = {r["kind"]: r for r in await store.lock_slots(conn, record_id)}
        views = {kind: _view(row) for kind, row in rows.items()}
        publish.add(g)
    for kind, row in rows.items():
        other = views.get("admission" if kind == "graduation" else "graduation")
        state = slot_state(kind, views[kind], other)
        if state != row["check_state"]:
            await store.set_slot_state(conn, record_id, kind, state.value)
    record = None
    for kind, row in rows.items():
        other = views.get("admission" if kind == "graduation" else "graduation")
        if row["photo_id"] not in publish or waits_for_comparison(kind, views[kind], other):
            continue
        record = record or await records.record_by_id(conn, record_id)
        assert record is not None
        await add_to_outbox(
            conn,
            PhotoChecked(
                record_id=str(record_id),
                institution_code=record["institution_code"],
                branch=record["branch"],
                photo_id=str(row["photo_id"]),
                kind=kind,
                verdict=row["verdict"],
                findings=[PhotoFinding(**f) for f in row["findings"] or []],
                checked_at=row["checked_at"],
            ),
            source=SOURCE,
        )
