"""identity's SQL for campus single sign-on: providers, number links, the roster replica."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg
from jiaodui_runtime.db import DbConnection


async def institution(conn: DbConnection, code: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM sso_institutions WHERE institution_code = $1", code)


async def institutions(conn: DbConnection) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT * FROM sso_institutions ORDER BY institution_code")


async def put_institution(
    conn: DbConnection,
    code: str,
    *,
    name: str,
    oidc: dict[str, Any] | None,
    cas: dict[str, Any] | None,
    by: uuid.UUID,
) -> asyncpg.Record:
    row = await conn.fetchrow(
        "INSERT INTO sso_institutions (institution_code, name, oidc, cas, updated_by)"
        " VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (institution_code) DO UPDATE SET name = EXCLUDED.name,"
        " oidc = EXCLUDED.oidc, cas = EXCLUDED.cas, updated_by = EXCLUDED.updated_by,"
        " updated_at = now() RETURNING *",
        code,
        name,
        oidc,
        cas,
        by,
    )
    assert row is not None
    return row


async def delete_institution(conn: DbConnection, code: str) -> bool:
    result = await conn.execute("DELETE FROM sso_institutions WHERE institution_code = $1", code)
    return result.endswith(" 1")


async def linked_account(conn: DbConnection, code: str, number: str) -> uuid.UUID | None:
    account_id: uuid.UUID | None = await conn.fetchval(
        "UPDATE sso_links SET last_login_at = now() WHERE institution_code = $1 AND number = $2"
        " RETURNING account_id",
        code,
        number,
    )
    return account_id


async def insert_link(
    conn: DbConnection, code: str, number: str, account_id: uuid.UUID, *, kind: str
) -> bool:
    """False when the number or the account (at this institution) is linked already."""
    result = await conn.execute(
        "INSERT INTO sso_links (institution_code, number, account_id, kind, last_login_at)"
        " VALUES ($1, $2, $3, $4, CASE WHEN $4 = 'student' THEN now() END)"
        " ON CONFLICT DO NOTHING",
        code,
        number,
        account_id,
        kind,
    )
    return result.endswith(" 1")


async def delete_staff_link(conn: DbConnection, account_id: uuid.UUID) -> bool:
    result = await conn.execute(
        "DELETE FROM sso_links WHERE account_id = $1 AND kind = 'staff'", account_id
    )
    return not result.endswith(" 0")


async def roster_identity(conn: DbConnection, code: str, number: str) -> str | None:
    """The registry's identity (keyed hash) for this student number; the newest record wins
    while a correction that moved a number is still travelling."""
    identity: str | None = await conn.fetchval(
        "SELECT identity_hash FROM sso_roster WHERE institution_code = $1"
        " AND student_number = $2 ORDER BY updated_at DESC LIMIT 1",
        code,
        number,
    )
    return identity


async def student_with_identity(conn: DbConnection, identity_hash: str) -> uuid.UUID | None:
    account_id: uuid.UUID | None = await conn.fetchval(
        "SELECT id FROM accounts WHERE identity_hash = $1 AND role = 'student'", identity_hash
    )
    return account_id


async def upsert_roster(conn: DbConnection, rows: Sequence[tuple[str, str, str, str]]) -> None:
    """(record_id, institution_code, student_number, identity_hash), in event order; the
    last row of a record in a run wins. Record ids as the events give them (canonical UUID
    texts: asyncpg parses them in C)."""
    latest = {row[0]: row for row in rows}
    await conn.execute(
        "INSERT INTO sso_roster (record_id, institution_code, student_number, identity_hash)"
        " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])"
        " ON CONFLICT (record_id) DO UPDATE SET institution_code = EXCLUDED.institution_code,"
        " student_number = EXCLUDED.student_number, identity_hash = EXCLUDED.identity_hash,"
        " updated_at = now()",
        *(list(column) for column in zip(*latest.values(), strict=True)),
    )
