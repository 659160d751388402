"""The account's own profile (GET/PATCH /v1/me)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg
from jiaodui_contracts.identity import AccountNameChanged
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.outbox import add_to_outbox
from jiaodui_runtime.privacy import mask_phone

from jiaodui_identity import store
from jiaodui_identity.domain.accounts import AccountStatus
from jiaodui_identity.domain.realname import NAME_MAX, NICKNAME_MAX, normalise_name
from jiaodui_identity.state import SOURCE

IMMUTABLE = frozenset({"id_type", "id_number", "gender", "birth_date", "email"})
EDITABLE = frozenset({"name", "nickname", "province", "city"})


def profile_of(account: asyncpg.Record) -> dict[str, Any]:
    return {
        "account_id": str(account["id"]),
        "email": account["email"],
        "role": account["role"],
        "status": account["status"],
        "name": account["name"],
        "nickname": account["nickname"],
        "gender": account["gender"],
        "id_type": account["id_type"],
        "id_number_masked": account["id_number_masked"],
        "birth_date": account["birth_date"],
        "province": account["province"],
        "city": account["city"],
        "phone_masked": mask_phone(account["phone"]) if account["phone"] else None,
        "institution_code": account["institution_code"],
        "college": account["college"],
    }


async def read_profile(pool: asyncpg.Pool, principal: Principal) -> dict[str, Any]:
    async with pool.acquire() as conn:
        account = await store.account_by_id(conn, principal.account_id)
    if account is None:
        raise Problem(404, "account_not_found", "The account no longer exists.")
    return profile_of(account)


async def update_profile(
    pool: asyncpg.Pool, principal: Principal, changes: dict[str, Any]
) -> dict[str, Any]:
    """Name, nickname, province, city; a name change re-runs matching (AccountNameChanged)."""
    if blocked := sorted(set(changes) & IMMUTABLE):
        raise Problem(422, "immutable_field", "These fields cannot be changed.", fields=blocked)
    if unknown := sorted(set(changes) - EDITABLE):
        raise Problem(422, "unknown_field", "These fields do not exist.", fields=unknown)
    if "name" in changes:
        changes["name"] = normalise_name(str(changes["name"] or ""))
        if not changes["name"] or len(changes["name"]) > NAME_MAX:
            raise Problem(422, "name_invalid", "The name is not valid.")
    if changes.get("nickname") and len(str(changes["nickname"])) > NICKNAME_MAX:
        raise Problem(422, "nickname_too_long", "The nickname is too long.")
    async with pool.acquire() as conn, conn.transaction():
        before = await store.account_by_id(conn, principal.account_id, for_update=True)
        if before is None:
            raise Problem(404, "account_not_found", "The account no longer exists.")
        if "name" in changes and before["status"] != AccountStatus.ACTIVE:
            raise Problem(409, "realname_required", "Complete real-name registration first.")
        after = await store.update_profile(conn, before["id"], changes)
        # staff accounts have a name but no identity: nothing to match, no event
        renamed = "name" in changes and changes["name"] != before["name"]
        if renamed and before["identity_hash"] is not None:
            await add_to_outbox(
                conn,
                AccountNameChanged(
                    account_id=str(before["id"]),
                    name=changes["name"],
                    id_type=before["id_type"],
                    identity_hash=before["identity_hash"],
                    changed_at=datetime.now(UTC),
                ),
                source=SOURCE,
            )
    return profile_of(after)
