"""Run an import batch by batch, set-based: the per-row work lives in PostgreSQL.

A CSV file is read in chunks of ``import_batch_size`` lines. A chunk is COPYed raw into
a staging table and checked in SQL (store/staging.py: the rules of domain/rows.py as SQL,
the identity hash with pgcrypto's hmac()); Python validates only the rows SQL leaves
undecided, and chunks the database cannot take as plain lines (quotes, bad encoding...):
those are read by Python's CSV reader, as are NDJSON files and files with an unusual
header. Then, in the same transaction, the batch's rows are upserted, a RecordsImported
per bucket is written to the outbox by SQL (no object per record in Python), the
accounts the records concern are matched again, and the errors and the import's progress
are written. A service killed mid-import resumes after the last committed batch.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from jiaodui_runtime.db import connect
from jiaodui_runtime.logging import get_logger

from jiaodui_records.adapters.import_files import (
    Chunk,
    CsvHeader,
    RawRow,
    RowReader,
    chunks,
    csv_rows_of,
    range_blocks,
    read_plain_header,
    read_range,
    read_rows,
    remove,
)
from jiaodui_records.domain.rows import RecordRow, RowError, validate_row
from jiaodui_records.service_layer.matching import rematch_many
from jiaodui_records.settings import RecordsSettings
from jiaodui_records.store import imports as store
from jiaodui_records.store import staging
from jiaodui_records.store.matching import lock_as_record_writer

_log = get_logger(__name__)


@dataclass
class Validated:
    """Rows Python validated: the records, the errors (with each one's position among
    its row's errors) and the counts."""

    rows: list[RecordRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ords: list[int] = field(default_factory=list)
    total: int = 0
    accepted: int = 0
    last_line: int = 0

    def fail(self, errors: list[RowError]) -> None:
        self.errors += errors
        self.ords += range(len(errors))


def validate(rows: list[RawRow], *, secret: bytes, scope: str | None) -> Validated:
    """validate_row over ``rows`` (CPU work: runs in a worker thread)."""
    done = Validated()
    for raw in rows:
        done.total += 1
        done.last_line = raw.line
        if raw.fields is None:
            done.fail([RowError(raw.line, "", "malformed_row")])
            continue
        row, errors = validate_row(raw.fields, line=raw.line, secret=secret)
        if row is not None and scope is not None and row.key[0] != scope:
            row, errors = None, [RowError(raw.line, "institution_code", "out_of_scope")]
        if row is None:
            done.fail(errors)
        else:
            done.accepted += 1
            done.rows.append(row)
    return done


def undecided_rows(lines: list[tuple[int, str | None]], header: list[str]) -> list[RawRow]:
    """The lines SQL left to Python, read as the CSV reader reads a line without quotes."""
    rows = []
    for line, text in lines:
        values = (text or "").split(",")
        if len(values) == 1 and not values[0].strip():
            continue
        fields = dict(zip(header, values, strict=True)) if len(values) == len(header) else None
        rows.append(RawRow(line, fields))
    return rows


@dataclass
class Batch:
    """One batch to commit: a chunk staged for SQL and/or rows Python validated."""

    last_line: int = 0
    bytes_read: int = 0  # how far into the file it ends (progress)
    resume_at: tuple[int, int] | None = None  # (byte offset, line) a resumed import starts at
    python: Validated | None = None
    staged_from: int | None = None  # the line before the chunk COPYed for SQL to check


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
    # two connections of its own (the staging tables are temporary tables of their
    # sessions): one checks a batch while the other writes the batch before
    lanes: list[asyncpg.Connection] = []
    try:
        try:
            for _ in range(2):
                lanes.append(await connect(settings.database_url))
                await lanes[-1].execute("SET temp_buffers = '64MB'")
                await staging.prepare(lanes[-1])
            await _batches(lanes, settings, import_id, job, kept)
        finally:
            for lane in lanes:
                await lane.close()
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


@dataclass
class _Import:
    lanes: list[asyncpg.Connection]
    settings: RecordsSettings
    import_id: uuid.UUID
    scope: str | None
    kept: int  # errors kept so far (at most import_error_limit)
    path: Path
    header: CsvHeader | None = None
    statement: str = ""
    last: asyncio.Task[None] | None = None  # the batch before: committed before the next
    busy: dict[int, asyncio.Task[None]] = field(default_factory=dict)  # lane → its batch
    turn: int = 0

    async def lane(self) -> asyncpg.Connection:
        """The next connection, once the batch it had is done."""
        self.turn = (self.turn + 1) % len(self.lanes)
        if (task := self.busy.pop(self.turn, None)) is not None:
            await task
        return self.lanes[self.turn]

    def started(self, task: asyncio.Task[None]) -> None:
        self.busy[self.turn] = self.last = task

    async def settled(self) -> None:
        tasks, self.busy, self.last = list(self.busy.values()), {}, None
        for task in tasks:
            await task


async def _batches(
    lanes: list[asyncpg.Connection],
    settings: RecordsSettings,
    import_id: uuid.UUID,
    job: asyncpg.Record,
    kept: int,
) -> None:
    run = _Import(lanes, settings, import_id, job["institution_code"], kept, Path(job["path"]))
    try:
        await _pipeline(run, job)
    finally:
        for task in run.busy.values():
            task.cancel()
        await asyncio.gather(*run.busy.values(), return_exceptions=True)


async def _pipeline(run: _Import, job: asyncpg.Record) -> None:
    """Batches in file order; a batch's COPY and checks run while the batch before it
    is written (another connection), its writes only once that one committed."""
    path, size = Path(job["path"]), run.settings.import_batch_size
    secret = run.settings.identity_hash_key
    header = await asyncio.to_thread(read_plain_header, path) if job["format"] == "csv" else None
    offset, line, done = job["resume_offset"], job["resume_line"], job["lines_done"]
    chunked = (offset == 0 and done == 0) or (offset > 0 and done == line)
    start: tuple[int, int, list[str]] | None = None
    if header is not None and chunked:
        run.header, run.statement = header, staging.check_statement(header.columns)
        if offset == 0:
            offset, line = header.end, 1
        pieces = chunks(path, offset=offset, base_line=line, max_lines=size)
        while chunk := await asyncio.to_thread(next, pieces, None):
            conn = await run.lane()
            batch = await _chunk_batch(run, conn, chunk)
            if batch is None:  # a quoted field runs past the chunk: row by row from here
                start = (chunk.start, chunk.base_line, header.columns)
                break
            run.started(asyncio.create_task(_commit(run, conn, batch, after=run.last)))
        else:
            await run.settled()
            return
    elif header is not None and offset > 0:
        start = (offset, line, header.columns)  # resumed where it went row by row
    await run.settled()
    reader = read_rows(path, job["format"], after_line=done, start=start)
    while True:
        batch = await asyncio.to_thread(_rows_batch, reader, size, secret, run.scope)
        if batch.python is None or batch.python.total == 0:
            return
        await _commit(run, run.lanes[0], batch, after=None)


def _rows_batch(reader: RowReader, size: int, secret: bytes, scope: str | None) -> Batch:
    rows = []
    for raw in reader:
        rows.append(raw)
        if len(rows) >= size:
            break
    done = validate(rows, secret=secret, scope=scope)
    return Batch(last_line=done.last_line, bytes_read=reader.bytes_read, python=done)


async def _chunk_batch(run: _Import, conn: asyncpg.Connection, chunk: Chunk) -> Batch | None:
    """Stage one chunk: COPYed for SQL to check, or read by Python's CSV reader when the
    database cannot take it as plain lines; None when it must be read together with the
    rest of the file (a quoted field runs past its end)."""
    assert run.header is not None
    end_line = chunk.base_line + chunk.lines
    batch = Batch(last_line=end_line, bytes_read=chunk.end, resume_at=(chunk.end, end_line))
    path = run.path
    if chunk.plain and await staging.copy_lines(conn, range_blocks(path, chunk.start, chunk.end)):
        batch.staged_from = chunk.base_line  # checked in SQL in the batch's transaction
        return batch
    data = await asyncio.to_thread(read_range, path, chunk.start, chunk.end)
    rows, open_quote = await asyncio.to_thread(
        csv_rows_of, data, run.header.columns, base_line=chunk.base_line
    )
    del data
    if open_quote:
        return None
    secret = run.settings.identity_hash_key
    batch.python = await asyncio.to_thread(validate, rows, secret=secret, scope=run.scope)
    return batch


async def _commit(
    run: _Import, conn: asyncpg.Connection, batch: Batch, *, after: asyncio.Task[None] | None
) -> None:
    """One batch, one transaction: checks, then (once the batch before committed) records,
    events, matching, errors, progress."""
    secret = run.settings.identity_hash_key
    total = accepted = 0
    began = time.perf_counter()
    async with conn.transaction():
        # the batch's sorts (one row per student, events per bucket) in memory, not on disk
        await conn.execute("SET LOCAL work_mem = '64MB'")
        await staging.reset(conn)
        python = batch.python
        if batch.staged_from is not None:
            assert run.header is not None
            checked = await staging.check_lines(
                conn, run.statement, base_line=batch.staged_from,
                width=len(run.header.columns), scope=run.scope, secret=secret,
            )  # fmt: skip
            total, accepted = checked.total, checked.accepted
            if checked.undecided:
                rows = undecided_rows(checked.undecided, run.header.columns)
                python = validate(rows, secret=secret, scope=run.scope)
        if python is not None:
            total, accepted = total + python.total, accepted + python.accepted
            await staging.add_rows(conn, python.rows, python.errors, python.ords)
        checked_at = time.perf_counter()
        if after is not None:
            await after  # file order: a later row of a student wins, resumption is exact
        await lock_as_record_writer(conn)
        locked_at = time.perf_counter()
        created, changed = await staging.publish(conn, run.import_id)
        if created or changed:
            await rematch_many(conn, await staging.accounts_touching(conn))
        room = max(0, run.settings.import_error_limit - run.kept)
        errors = await staging.keep_errors(conn, run.import_id, room=room)
        await store.advance(
            conn, run.import_id, lines_done=batch.last_line, total=total, accepted=accepted,
            rejected=total - accepted, created=created, changed=changed, errors=errors,
            bytes_done=batch.bytes_read, resume_at=batch.resume_at,
        )  # fmt: skip
        run.kept += min(room, errors)
    _log.info(
        "import_batch", import_id=str(run.import_id), rows=total,
        check_ms=round(1000 * (checked_at - began)), wait_ms=round(1000 * (locked_at - checked_at)),
        write_ms=round(1000 * (time.perf_counter() - locked_at)),
    )  # fmt: skip
