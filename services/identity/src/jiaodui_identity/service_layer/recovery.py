"""Recovering a forgotten user name or password. No answer reveals whether an account exists."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import asyncpg
from jiaodui_contracts.commands import SendPasswordResetMail, SendUsernameReminder
from jiaodui_runtime.auth import TokenVerifier
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.outbox import add_to_outbox
from jiaodui_runtime.privacy import identity_hash, mask_email
from jiaodui_runtime.ratelimit import Limit

from jiaodui_identity import store
from jiaodui_identity.domain.accounts import AccountStatus, hash_token, new_link_token
from jiaodui_identity.domain.realname import normalise_name
from jiaodui_identity.state import SOURCE, Identity

RESET_TTL = timedelta(minutes=30)
PER_SUBJECT = [Limit(3, 3600), Limit(10, 86400)]


async def remind_username(
    pool: asyncpg.Pool, idn: Identity, *, name: str, id_type: str, id_number: str
) -> None:
    """Mail the user name (masked in the text) to the address on file, if name and ID match."""
    hashed = identity_hash(idn.settings.identity_hash_key, id_type, id_number)
    if await idn.limiter.hit(f"recover-username:{hashed}", PER_SUBJECT) is not None:
        return  # silently: a 429 here would confirm the ID is known
    async with pool.acquire() as conn, conn.transaction():
        account = await store.account_by_identity(conn, hashed)
        if account is None or account["name"] != normalise_name(name):
            return
        await add_to_outbox(
            conn,
            SendUsernameReminder(
                account_id=str(account["id"]),
                email=account["email"],
                email_masked=mask_email(account["email"]),
                login_url=f"{idn.settings.public_base_url}/login.html",
            ),
            source=SOURCE,
        )


async def request_password_reset(pool: asyncpg.Pool, idn: Identity, *, email: str) -> None:
    if await idn.limiter.hit(f"recover-password:{email}", PER_SUBJECT) is not None:
        return
    async with pool.acquire() as conn, conn.transaction():
        account = await store.account_by_email(conn, email)
        if account is None or account["status"] == AccountStatus.REGISTERED:
            return
        token, token_hash = new_link_token()
        await store.insert_link_token(
            conn,
            token_hash=token_hash,
            account_id=account["id"],
            purpose="password_reset",
            expires_at=datetime.now(UTC) + RESET_TTL,
        )
        url = f"{idn.settings.public_base_url}/reset.html?{urlencode({'token': token})}"
        await add_to_outbox(
            conn,
            SendPasswordResetMail(
                account_id=str(account["id"]),
                email=email,
                reset_url=url,
                expires_in_s=int(RESET_TTL.total_seconds()),
            ),
            source=SOURCE,
        )


async def reset_password(
    pool: asyncpg.Pool, idn: Identity, verifier: TokenVerifier, *, token: str, password: str
) -> None:
    """Single use, 30 minutes; every session of the account ends."""
    password_hash = await idn.passwords.hash(password)
    async with pool.acquire() as conn, conn.transaction():
        account_id: uuid.UUID | None = await store.use_link_token(
            conn, token_hash=hash_token(token), purpose="password_reset"
        )
        if account_id is None:
            raise Problem(
                410, "reset_token_invalid", "This reset link is invalid, used or expired."
            )
        await store.replace_password(conn, account_id, password_hash)
        await store.lock_account(conn, account_id, None)
    await verifier.revoke_all(str(account_id))
