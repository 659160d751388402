"""identity's use cases: plain async functions that name what they need."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import asyncpg
from jiaodui_contracts.commands import SendActivationMail, SendExistingAccountNotice
from jiaodui_contracts.identity import AccountRegistered
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.outbox import add_to_outbox

from jiaodui_identity import store
from jiaodui_identity.domain.accounts import AccountStatus, hash_token, new_link_token
from jiaodui_identity.settings import IdentitySettings
from jiaodui_identity.state import SOURCE, Identity


def _activation_url(settings: IdentitySettings, token: str) -> str:
    return f"{settings.public_base_url}{settings.activation_path}?{urlencode({'token': token})}"


async def _send_activation(
    conn: DbConnection, idn: Identity, *, account_id: str, email: str
) -> None:
    token, token_hash = new_link_token()
    expires = datetime.now(UTC) + timedelta(seconds=idn.settings.activation_token_ttl_s)
    await store.insert_link_token(
        conn,
        token_hash=token_hash,
        account_id=uuid.UUID(account_id),
        purpose="activation",
        expires_at=expires,
    )
    await add_to_outbox(
        conn,
        SendActivationMail(
            account_id=account_id,
            email=email,
            activation_url=_activation_url(idn.settings, token),
            locale="zh-CN",
        ),
        source=SOURCE,
    )


async def register_account(pool: asyncpg.Pool, idn: Identity, *, email: str, password: str) -> None:
    """Create an unverified account and mail its activation link.

    The caller always answers 202: an address that is already verified gets a
    notice instead, an unverified one gets a new password and a new link.
    """
    password_hash = await idn.passwords.hash(password)
    async with pool.acquire() as conn, conn.transaction():
        existing = await store.account_by_email(conn, email)
        if existing is not None and existing["status"] != AccountStatus.REGISTERED:
            base = idn.settings.public_base_url
            await add_to_outbox(
                conn,
                SendExistingAccountNotice(
                    account_id=str(existing["id"]),
                    email=email,
                    login_url=f"{base}/login.html",
                    recovery_url=f"{base}/recover.html",
                    locale="zh-CN",
                ),
                source=SOURCE,
            )
            return
        if existing is not None:
            account_id = existing["id"]
            await store.replace_password(conn, account_id, password_hash)
        else:
            account_id = await store.insert_account(
                conn, email=email, password_hash=password_hash, status=AccountStatus.REGISTERED
            )
            await add_to_outbox(
                conn,
                AccountRegistered(account_id=str(account_id), registered_at=datetime.now(UTC)),
                source=SOURCE,
            )
        await _send_activation(conn, idn, account_id=str(account_id), email=email)


async def resend_activation(pool: asyncpg.Pool, idn: Identity, *, email: str) -> None:
    """Send a new link to an unverified account; silent for any other address."""
    async with pool.acquire() as conn, conn.transaction():
        existing = await store.account_by_email(conn, email)
        if existing is None or existing["status"] != AccountStatus.REGISTERED:
            return
        await _send_activation(conn, idn, account_id=str(existing["id"]), email=email)


@dataclass(frozen=True, slots=True)
class Activation:
    account_id: str
    status: str
    access_token: str


async def activate_account(pool: asyncpg.Pool, idn: Identity, *, token: str) -> Activation:
    """Use an activation token once; the account's e-mail is then verified."""
    async with pool.acquire() as conn, conn.transaction():
        account_id = await store.use_link_token(
            conn, token_hash=hash_token(token), purpose="activation"
        )
        if account_id is None:
            raise Problem(
                410, "activation_token_invalid", "This activation link is invalid, used or expired."
            )
        row = await store.set_status(conn, account_id, AccountStatus.EMAIL_VERIFIED)
    access_token = idn.signer.issue(
        subject=str(account_id),
        ttl_s=idn.settings.access_token_ttl_s,
        claims={"role": row["role"], "status": row["status"]},
    )
    return Activation(account_id=str(account_id), status=row["status"], access_token=access_token)


async def ensure_first_admin(pool: asyncpg.Pool, idn: Identity) -> None:
    """The first admin comes from configuration; created once, never overwritten."""
    email = idn.settings.admin_email.lower()
    async with pool.acquire() as conn:
        if await store.email_exists(conn, email):
            return
    password_hash = await idn.passwords.hash(idn.settings.admin_password.get_secret_value())
    async with pool.acquire() as conn, conn.transaction():
        if not await store.email_exists(conn, email):
            await store.insert_account(
                conn,
                email=email,
                password_hash=password_hash,
                status=AccountStatus.ACTIVE,
                role="admin",
            )
