"""Run an import: validate rows in a worker thread, upsert them batch by batch.

Each batch is one transaction: the records, their RecordImported events (outbox), the
re-matching of the accounts they concern, the rows' errors and the import's progress.
A service killed mid-import resumes after the last committed batch.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from jiaodui_contracts.records import RecordImported
from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.outbox import add_many_to_outbox

from jiaodui_records.adapters.import_files import RawRow, RowReader, read_rows, remove
from jiaodui_records.domain.rows import RecordRow, RowError, validate_row
from jiaodui_records.service_layer.matching import SOURCE, rematch_records
from jiaodui_records.service_layer.published import record_fields
from jiaodui_records.settings import RecordsSettings
from jiaodui_records.store import imports as store
from jiaodui_records.store import records
from jiaodui_records.store.matching import lock_as_record_writer

_log = get_logger(__name__)


@dataclass
class Batch:
    last_line: int = 0
    total: int = 0
    rows: dict[tuple[str, str], RecordRow] = field(default_factory=dict)
    accepted: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    bytes_read: int = 0  # how far into the file this batch ends


def next_batch(rows: Iterator[RawRow], *, size: int, secret: bytes, scope: str | None) -> Batch:
    """Validate up to ``size`` rows (CPU work: runs in a worker thread)."""
    batch = Batch()
    for raw in rows:
        batch.total += 1
        batch.last_line = raw.line
        if raw.fields is None:
            batch.rejected += 1
            batch.errors.append(RowError(raw.line, "", "malformed_row"))
        else:
            row, errors = validate_row(raw.fields, line=raw.line, secret=secret)
            if row is not None and scope is not None and row.key[0] != scope:
                row, errors = None, [RowError(raw.line, "institution_code", "out_of_scope")]
            if row is None:
                batch.rejected += 1
                batch.errors.extend(errors)
            else:
                batch.accepted += 1
                batch.rows[row.key] = row  # a later row of the same student wins
        if batch.total >= size:
            break
    return batch


async def run_import(pool: asyncpg.Pool, settings: RecordsSettings, import_id: uuid.UUID) -> None:
    """Process an import to its end (or resume it); one runner per import at a time."""
    async with pool.acquire() as lock:
        key = str(import_id)
        if not await lock.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", key):
            return
        try:
            await _run(pool, settings, import_id)
        finally:
            await lock.execute("SELECT pg_advisory_unlock(hashtext($1))", key)


async def _run(pool: asyncpg.Pool, settings: RecordsSettings, import_id: uuid.UUID) -> None:
    async with pool.acquire() as conn:
        job = await store.get(conn, import_id)
        if job is None or job["status"] not in ("pending", "running"):
            return
        await store.set_status(conn, import_id, "running")
        kept = await store.count_errors(conn, import_id)
    path = Path(job["path"])
    rows = read_rows(path, job["format"], after_line=job["lines_done"])
    scope = job["institution_code"]

    def take() -> Batch:
        return _take(rows, settings, scope)

    try:
        pending = asyncio.create_task(asyncio.to_thread(take))
        while True:
            batch = await pending
            if batch.total == 0:
                break
            pending = asyncio.create_task(asyncio.to_thread(take))  # overlaps the database work
            errors = batch.errors[: max(0, settings.import_error_limit - kept)]
            kept += len(errors)
            async with pool.acquire() as conn, conn.transaction():
                await _apply(conn, import_id, batch, errors)
    except Exception as exc:
        _log.exception("import_failed", import_id=str(import_id))
        async with pool.acquire() as conn:
            await store.set_status(conn, import_id, "failed", failure=type(exc).__name__)
        await asyncio.to_thread(remove, path)
        return
    async with pool.acquire() as conn:
        await store.set_status(conn, import_id, "done")
    await asyncio.to_thread(remove, path)
    _log.info("import_done", import_id=str(import_id))


def _take(rows: RowReader, settings: RecordsSettings, scope: str | None) -> Batch:
    batch = next_batch(
        rows, size=settings.import_batch_size, secret=settings.identity_hash_key, scope=scope
    )
    batch.bytes_read = rows.bytes_read
    return batch


async def _apply(
    conn: asyncpg.pool.PoolConnectionProxy[asyncpg.Record],
    import_id: uuid.UUID,
    batch: Batch,
    errors: list[RowError],
) -> None:
    await lock_as_record_writer(conn)
    changed = (
        await records.upsert_batch(
            conn, [r.values for r in batch.rows.values()], import_id=import_id
        )
        if batch.rows
        else []
    )
    now = datetime.now(UTC)
    await add_many_to_outbox(
        conn,
        [
            RecordImported(
                **record_fields(row),
                import_id=str(import_id),
                change="created" if row["created"] else "changed",
                imported_at=now,
            )
            for row in changed
        ],
        source=SOURCE,
    )
    await rematch_records(
        conn,
        hashes=[row["identity_hash"] for row in changed],
        record_ids=[row["record_id"] for row in changed],
    )
    created = sum(1 for row in changed if row["created"])
    await store.add_errors(conn, import_id, errors)
    await store.advance(
        conn, import_id, lines_done=batch.last_line, total=batch.total,
        accepted=batch.accepted, rejected=batch.rejected, created=created,
        changed=len(changed) - created, errors=len(batch.errors), bytes_done=batch.bytes_read,
    )  # fmt: skip
