"""The history of every case: who did what, when."""

from __future__ import annotations

import uuid
from typing import Any

from jiaodui_runtime.db import DbConnection


async def add(
    conn: DbConnection,
    case_id: uuid.UUID,
    action: str,
    *,
    actor_id: str | None,
    actor_role: str,
    detail: dict[str, Any] | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO case_history (case_id, action, actor_id, actor_role, detail)"
        " VALUES ($1, $2, $3, $4, $5)",
        case_id,
        action,
        uuid.UUID(actor_id) if actor_id else None,
        actor_role,
        detail or {},
    )


async def of_case(conn: DbConnection, case_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT action, actor_id, actor_role, detail, at FROM case_history"
        " WHERE case_id = $1 ORDER BY id",
        case_id,
    )
    return [
        {
            "action": r["action"],
            "actor_id": str(r["actor_id"]) if r["actor_id"] else None,
            "actor_role": r["actor_role"],
            "detail": r["detail"],
            "at": r["at"],
        }
        for r in rows
    ]
