"""identity's SQL: accounts and link tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
from jiaodui_runtime.db import DbConnection


async def account_by_email(conn: DbConnection, email: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM accounts WHERE email = $1 FOR UPDATE", email)


async def insert_account(
    conn: DbConnection,
    *,
    email: str,
    password_hash: str,
    status: str,
    role: str = "student",
    institution_code: str | None = None,
    college: str | None = None,
) -> uuid.UUID:
    account_id = uuid.uuid4()
    await conn.execute(
        "INSERT INTO accounts (id, email, password_hash, status, role, institution_code, college)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        account_id,
        email,
        password_hash,
        status,
        role,
        institution_code,
        college,
    )
    return account_id


async def replace_password(conn: DbConnection, account_id: uuid.UUID, password_hash: str) -> None:
    await conn.execute(
        "UPDATE accounts SET password_hash = $2, updated_at = now() WHERE id = $1",
        account_id,
        password_hash,
    )


async def insert_link_token(
    conn: DbConnection,
    *,
    token_hash: str,
    account_id: uuid.UUID,
    purpose: str,
    expires_at: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO link_tokens (token_hash, account_id, purpose, expires_at)"
        " VALUES ($1, $2, $3, $4)",
        token_hash,
        account_id,
        purpose,
        expires_at,
    )


async def use_link_token(conn: DbConnection, *, token_hash: str, purpose: str) -> uuid.UUID | None:
    """Mark a valid token used and return its account; None when unknown, used or expired."""
    account_id: uuid.UUID | None = await conn.fetchval(
        "UPDATE link_tokens SET used_at = now()"
        " WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()"
        " RETURNING account_id",
        token_hash,
        purpose,
    )
    return account_id


async def set_status(conn: DbConnection, account_id: uuid.UUID, status: str) -> asyncpg.Record:
    row = await conn.fetchrow(
        "UPDATE accounts SET status = $2, updated_at = now(),"
        " activated_at = coalesce(activated_at, now()) WHERE id = $1 RETURNING *",
        account_id,
        status,
    )
    assert row is not None
    return row


async def email_exists(conn: DbConnection, email: str) -> bool:
    return bool(await conn.fetchval("SELECT true FROM accounts WHERE email = $1", email))


async def account_by_email_readonly(conn: DbConnection, email: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM accounts WHERE email = $1", email)


async def account_by_id(conn: DbConnection, account_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM accounts WHERE id = $1", uuid.UUID(account_id))


async def lock_account(conn: DbConnection, account_id: uuid.UUID, until: datetime) -> None:
    await conn.execute(
        "UPDATE accounts SET locked_until = $2, updated_at = now() WHERE id = $1", account_id, until
    )
