"""Who may manage which subscriber: an admin any, a registrar those of their institution."""

from __future__ import annotations

import uuid

import asyncpg
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.errors import Problem

from jiaodui_subscriptions.store import subscribers


def check_institution(principal: Principal, institution_code: str) -> None:
    if principal.role != "admin" and principal.institution_code != institution_code:
        raise Problem(403, "forbidden_scope", "This subscriber belongs to another institution.")


async def subscriber_in_scope(
    conn: DbConnection, principal: Principal, subscriber_id: uuid.UUID, *, for_update: bool = False
) -> asyncpg.Record:
    row = await subscribers.get(conn, subscriber_id, for_update=for_update)
    if row is None:
        raise Problem(404, "subscriber_not_found", "No such subscriber.")
    check_institution(principal, row["institution_code"])
    return row
