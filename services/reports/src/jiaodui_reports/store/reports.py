"""Reports: issued, extended, closed, superseded, checked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
from jiaodui_runtime.db import DbConnection


@dataclass(frozen=True, slots=True)
class Report:
    report_id: str
    code: str
    account_id: str
    record_id: str
    institution_code: str
    branch: str
    months: int
    issued_at: datetime
    valid_until: datetime
    closed_at: datetime | None
    superseded_at: datetime | None
    superseded_reason: str | None
    record: dict[str, str | None]
    photo_id: str
    photo_sha256: str
    revision: int
    key_id: str
    signature: str
    check_count: int
    last_checked_at: datetime | None


def _report(row: asyncpg.Record) -> Report:
    values: dict[str, Any] = dict(row)
    for name in ("report_id", "account_id", "record_id", "photo_id"):
        values[name] = str(values[name])
    return Report(**values)


async def insert(conn: DbConnection, report: Report) -> None:
    await conn.execute(
        """INSERT INTO reports (report_id, code, account_id, record_id, institution_code, branch,
               months, issued_at, valid_until, record, photo_id, photo_sha256, revision, key_id,
               signature)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15)""",
        uuid.UUID(report.report_id),
        report.code,
        uuid.UUID(report.account_id),
        uuid.UUID(report.record_id),
        report.institution_code,
        report.branch,
        report.months,
        report.issued_at,
        report.valid_until,
        report.record,
        uuid.UUID(report.photo_id),
        report.photo_sha256,
        report.revision,
        report.key_id,
        report.signature,
    )


_GET = "SELECT * FROM reports WHERE report_id = $1"
_GET_FOR_UPDATE = _GET + " FOR UPDATE"


async def get(conn: DbConnection, report_id: uuid.UUID, *, lock: bool = False) -> Report | None:
    query = _GET_FOR_UPDATE if lock else _GET
    row = await conn.fetchrow(query, report_id)
    return _report(row) if row else None


async def of_account(conn: DbConnection, account_id: str) -> list[Report]:
    rows = await conn.fetch(
        "SELECT * FROM reports WHERE account_id = $1 ORDER BY issued_at DESC, report_id",
        uuid.UUID(account_id),
    )
    return [_report(r) for r in rows]


async def open_count(conn: DbConnection, account_id: str) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM reports WHERE account_id = $1"
        " AND closed_at IS NULL AND superseded_at IS NULL",
        uuid.UUID(account_id),
    )
    return count


async def open_of_record(conn: DbConnection, record_id: str) -> list[Report]:
    """Reports of the record that are neither closed nor superseded (expired ones too: they
    could be extended), locked for the change about to be made."""
    rows = await conn.fetch(
        "SELECT * FROM reports WHERE record_id = $1 AND closed_at IS NULL"
        " AND superseded_at IS NULL ORDER BY issued_at FOR UPDATE",
        uuid.UUID(record_id),
    )
    return [_report(r) for r in rows]


async def open_of_records(conn: DbConnection, record_ids: list[str]) -> list[Report]:
    """:func:`open_of_record` for many records at once."""
    rows = await conn.fetch(
        "SELECT * FROM reports WHERE record_id = ANY($1::text[]::uuid[]) AND closed_at IS NULL"
        " AND superseded_at IS NULL ORDER BY record_id, issued_at FOR UPDATE",
        record_ids,
    )
    return [_report(r) for r in rows]


async def extend(
    conn: DbConnection,
    report_id: str,
    *,
    valid_until: datetime,
    months: int,
    revision: int,
    key_id: str,
    signature: str,
) -> None:
    await conn.execute(
        "UPDATE reports SET valid_until = $2, months = $3, revision = $4, key_id = $5,"
        " signature = $6 WHERE report_id = $1",
        uuid.UUID(report_id),
        valid_until,
        months,
        revision,
        key_id,
        signature,
    )


async def close(conn: DbConnection, report_id: str, at: datetime) -> None:
    await conn.execute(
        "UPDATE reports SET closed_at = $2 WHERE report_id = $1", uuid.UUID(report_id), at
    )


async def supersede(conn: DbConnection, report_id: str, at: datetime, reason: str) -> None:
    await conn.execute(
        "UPDATE reports SET superseded_at = $2, superseded_reason = $3 WHERE report_id = $1",
        uuid.UUID(report_id),
        at,
        reason,
    )


async def check(conn: DbConnection, code: str) -> Report | None:
    """Count one check of the report with this code and return it (None: no such code)."""
    row = await conn.fetchrow(
        "UPDATE reports SET check_count = check_count + 1, last_checked_at = now()"
        " WHERE code = $1 RETURNING *",
        code,
    )
    return _report(row) if row else None


async def by_code(conn: DbConnection, code: str) -> Report | None:
    row = await conn.fetchrow("SELECT * FROM reports WHERE code = $1", code)
    return _report(row) if row else None


async def cached_pdf(conn: DbConnection, report_id: str, revision: int, lang: str) -> str | None:
    key: str | None = await conn.fetchval(
        "SELECT blob_key FROM report_pdfs WHERE report_id = $1 AND revision = $2 AND lang = $3",
        uuid.UUID(report_id),
        revision,
        lang,
    )
    return key


async def cache_pdf(
    conn: DbConnection, report_id: str, revision: int, lang: str, blob_key: str
) -> None:
    await conn.execute(
        "INSERT INTO report_pdfs (report_id, revision, lang, blob_key) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT DO NOTHING",
        uuid.UUID(report_id),
        revision,
        lang,
        blob_key,
    )
