"""identity's SQL for campus systems' client credentials."""

from __future__ import annotations

import asyncpg
from jiaodui_contracts.subscriptions import ClientCredentialsChanged
from jiaodui_runtime.db import DbConnection


async def apply(conn: DbConnection, change: ClientCredentialsChanged) -> bool:
    """Keep the snapshot when it is newer than the one held; True when it was applied."""
    applied = await conn.fetchval(
        "INSERT INTO system_clients (client_id, subscriber_id, institution_code, scopes,"
        " secret_sha256, enabled, revision) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (client_id) DO UPDATE SET institution_code = excluded.institution_code,"
        " scopes = excluded.scopes, secret_sha256 = excluded.secret_sha256,"
        " enabled = excluded.enabled, revision = excluded.revision, updated_at = now()"
        " WHERE system_clients.revision < excluded.revision RETURNING true",
        change.client_id,
        change.subscriber_id,
        change.institution_code,
        change.scopes,
        change.secret_sha256,
        change.enabled,
        change.revision,
    )
    return bool(applied)


async def client(conn: DbConnection, client_id: str) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT client_id, subscriber_id, institution_code, scopes, secret_sha256, enabled"
        " FROM system_clients WHERE client_id = $1",
        client_id,
    )
    return row
