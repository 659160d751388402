"""identity's SQL: accounts and link tokens."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import asyncpg
from jiaodui_contracts import new_ordered_ids
from jiaodui_runtime.db import DbConnection

from jiaodui_identity.domain.realname import RealName


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
    # ordered by creation: the account id keys an index in every service (records' accounts
    # and matches, photos' and corrections' owners, subscriptions, notify), and a random
    # one took a random page of each per account (docs/notes/issue-16-session6.md)
    account_id = uuid.UUID(new_ordered_ids(1)[0])
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


async def account_by_id(
    conn: DbConnection, account_id: str, *, for_update: bool = False
) -> asyncpg.Record | None:
    lock = " FOR UPDATE" if for_update else ""
    return await conn.fetchrow(f"SELECT * FROM accounts WHERE id = $1{lock}", uuid.UUID(account_id))  # noqa: S608


_PROFILE_COLUMNS = ("name", "nickname", "province", "city")


async def update_profile(
    conn: DbConnection, account_id: uuid.UUID, changes: dict[str, object]
) -> asyncpg.Record:
    columns = [c for c in _PROFILE_COLUMNS if c in changes]  # a fixed allow-list: safe to format
    if not columns:
        row = await conn.fetchrow("SELECT * FROM accounts WHERE id = $1", account_id)
        assert row is not None
        return row
    assignments = ", ".join(f"{c} = ${i}" for i, c in enumerate(columns, start=2))
    row = await conn.fetchrow(
        f"UPDATE accounts SET {assignments}, updated_at = now() WHERE id = $1 RETURNING *",  # noqa: S608
        account_id,
        *(changes[c] for c in columns),
    )
    assert row is not None
    return row


async def lock_account(conn: DbConnection, account_id: uuid.UUID, until: datetime | None) -> None:
    await conn.execute(
        "UPDATE accounts SET locked_until = $2, updated_at = now() WHERE id = $1", account_id, until
    )


async def bind_identity(
    conn: DbConnection,
    account_id: uuid.UUID,
    *,
    form: RealName,
    identity_hash: str,
    id_number_masked: str,
) -> None:
    """Raises UniqueViolationError when another account holds this identity."""
    await conn.execute(
        "UPDATE accounts SET name = $2, gender = $3, id_type = $4, identity_hash = $5,"
        " id_number_masked = $6, birth_date = $7, province = $8, city = $9, nickname = $10,"
        " phone = $11, consent_at = now(), status = 'active', updated_at = now() WHERE id = $1",
        account_id,
        form.name,
        form.gender,
        form.id_type,
        identity_hash,
        id_number_masked,
        form.birth_date,
        form.province,
        form.city,
        form.nickname,
        form.phone,
    )


async def account_by_identity(conn: DbConnection, identity_hash: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT * FROM accounts WHERE identity_hash = $1 FOR UPDATE", identity_hash
    )


async def save_pending_realname(
    conn: DbConnection,
    account_id: uuid.UUID,
    *,
    form: RealName,
    identity_hash: str,
    id_number_masked: str,
) -> None:
    await conn.execute(
        "INSERT INTO pending_realnames (account_id, name, gender, id_type, identity_hash,"
        " id_number_masked, birth_date, province, city, nickname, phone)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        " ON CONFLICT (account_id) DO UPDATE SET name = EXCLUDED.name, gender = EXCLUDED.gender,"
        " id_type = EXCLUDED.id_type, identity_hash = EXCLUDED.identity_hash,"
        " id_number_masked = EXCLUDED.id_number_masked, birth_date = EXCLUDED.birth_date,"
        " province = EXCLUDED.province, city = EXCLUDED.city, nickname = EXCLUDED.nickname,"
        " phone = EXCLUDED.phone, created_at = now()",
        account_id,
        form.name,
        form.gender,
        form.id_type,
        identity_hash,
        id_number_masked,
        form.birth_date,
        form.province,
        form.city,
        form.nickname,
        form.phone,
    )


async def take_pending_realname(conn: DbConnection, account_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "DELETE FROM pending_realnames WHERE account_id = $1 RETURNING *", account_id
    )


async def release_identity(conn: DbConnection, account_id: uuid.UUID) -> None:
    """The mistaken holder keeps the account but not the ID: back to real-name registration."""
    await conn.execute(
        "UPDATE accounts SET identity_hash = NULL, id_type = NULL, id_number_masked = NULL,"
        " name = NULL, gender = NULL, birth_date = NULL, status = 'email_verified',"
        " updated_at = now() WHERE id = $1",
        account_id,
    )


async def set_identity(
    conn: DbConnection,
    account_id: uuid.UUID,
    *,
    id_type: str,
    identity_hash: str,
    id_number_masked: str,
) -> None:
    await conn.execute(
        "UPDATE accounts SET id_type = $2, identity_hash = $3, id_number_masked = $4,"
        " updated_at = now() WHERE id = $1",
        account_id,
        id_type,
        identity_hash,
        id_number_masked,
    )


async def bind_pending(conn: DbConnection, pending: asyncpg.Record) -> None:
    await conn.execute(
        "UPDATE accounts SET name = $2, gender = $3, id_type = $4, identity_hash = $5,"
        " id_number_masked = $6, birth_date = $7, province = $8, city = $9, nickname = $10,"
        " phone = $11, consent_at = now(), status = 'active', updated_at = now() WHERE id = $1",
        pending["account_id"],
        pending["name"],
        pending["gender"],
        pending["id_type"],
        pending["identity_hash"],
        pending["id_number_masked"],
        pending["birth_date"],
        pending["province"],
        pending["city"],
        pending["nickname"],
        pending["phone"],
    )


async def delete_unverified_before(conn: DbConnection, age: timedelta) -> int:
    """Never-activated accounts expire; the address can then be registered afresh."""
    result = await conn.execute(
        "DELETE FROM accounts WHERE status = 'registered' AND created_at < now() - $1::interval",
        age,
    )
    return int(result.split()[-1])


_STAFF_COLUMNS = (
    "id, email, name, role, institution_code, college, created_at, last_login_at, disabled_at"
)
_STAFF_WHERE = (
    "role <> 'student' AND ($1::text IS NULL OR role = $1)"
    " AND ($2::text IS NULL OR institution_code = $2)"
    " AND ($3::text IS NULL OR email ILIKE $3 OR name ILIKE $3)"
)
# module constants, not input: safe to format
_STAFF_PAGE = (
    f"SELECT {_STAFF_COLUMNS}, count(*) OVER () AS total FROM accounts"  # noqa: S608
    f" WHERE {_STAFF_WHERE} ORDER BY created_at DESC, id LIMIT $4 OFFSET $5"
)
_STAFF_COUNT = f"SELECT count(*) FROM accounts WHERE {_STAFF_WHERE}"  # noqa: S608
_STAFF_FOR_UPDATE = (
    f"SELECT {_STAFF_COLUMNS} FROM accounts WHERE id = $1 AND role <> 'student'"  # noqa: S608
    " FOR UPDATE"
)
_UPDATE_STAFF = (
    "UPDATE accounts SET institution_code = $2, college = $3, updated_at = now(),"  # noqa: S608
    " disabled_at = CASE WHEN NOT $4 THEN NULL ELSE coalesce(disabled_at, now()) END,"
    " disabled_by = CASE WHEN NOT $4 THEN NULL"
    " WHEN disabled_at IS NULL THEN $5 ELSE disabled_by END"
    f" WHERE id = $1 RETURNING {_STAFF_COLUMNS}"
)


def _like(text: str) -> str:
    """A substring pattern for ILIKE, with the caller's wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def staff_page(
    conn: DbConnection,
    *,
    role: str | None,
    institution_code: str | None,
    q: str | None,
    limit: int,
    offset: int,
) -> tuple[list[asyncpg.Record], int]:
    """Staff accounts, newest first, and how many match in all (index accounts_staff)."""
    args = (role, institution_code, _like(q) if q else None)
    rows = await conn.fetch(_STAFF_PAGE, *args, limit, offset)
    if rows:
        return rows, int(rows[0]["total"])
    return rows, int(await conn.fetchval(_STAFF_COUNT, *args)) if offset else 0


async def staff_by_id(conn: DbConnection, account_id: uuid.UUID) -> asyncpg.Record | None:
    """A staff account, locked for an update by the caller's transaction."""
    return await conn.fetchrow(_STAFF_FOR_UPDATE, account_id)


async def update_staff(
    conn: DbConnection,
    account_id: uuid.UUID,
    *,
    institution_code: str | None,
    college: str | None,
    disabled: bool,
    by: uuid.UUID,
) -> asyncpg.Record:
    row = await conn.fetchrow(_UPDATE_STAFF, account_id, institution_code, college, disabled, by)
    assert row is not None
    return row


async def record_staff_login(conn: DbConnection, account_id: uuid.UUID) -> asyncpg.Record | None:
    """Note a staff login and return the account's current claims; None when disabled.

    The update waits for an admin's change of this account in flight, so the token is
    issued with the scope (or refusal) that change commits."""
    return await conn.fetchrow(
        "UPDATE accounts SET last_login_at = now() WHERE id = $1 AND disabled_at IS NULL"
        " RETURNING id, role, status, institution_code, college",
        account_id,
    )
