"""Login, lock-out and logout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
from jiaodui_contracts.commands import SendLockoutNotice
from jiaodui_runtime.auth import Principal, TokenVerifier
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.outbox import add_to_outbox
from jiaodui_runtime.ratelimit import Limit

from jiaodui_identity import store
from jiaodui_identity.domain.accounts import AccountStatus
from jiaodui_identity.state import SOURCE, Identity

FAILURES_BEFORE_LOCK = 5
LOCK_FOR = timedelta(minutes=15)
# the fifth failure within the window is refused by this limit: it locks the account
ACCOUNT_FAILURES = [Limit(FAILURES_BEFORE_LOCK - 1, int(LOCK_FOR.total_seconds()))]


def failure_limits(idn: Identity) -> list[Limit]:
    """Failed logins per client IP (successes are not counted: a campus NAT is one IP)."""
    s = idn.settings
    return [
        Limit(s.login_failures_per_ip_per_min, 60),
        Limit(s.login_failures_per_ip_per_hour, 3600),
    ]


@dataclass(frozen=True, slots=True)
class Session:
    access_token: str
    expires_in: int


def _invalid() -> Problem:
    return Problem(401, "invalid_credentials", "The e-mail address or the password is wrong.")


def _disabled() -> Problem:
    # only said to a caller who gave the right password: it reveals nothing to others
    return Problem(
        423, "account_disabled", "This account was disabled by an administrator; ask them."
    )


def issue_access_token(idn: Identity, account: asyncpg.Record) -> Session:
    ttl = idn.settings.access_token_ttl_s
    token = idn.signer.issue(
        subject=str(account["id"]),
        ttl_s=ttl,
        claims={
            "role": account["role"],
            "status": account["status"],
            "institution_code": account["institution_code"],
            "college": account["college"],
        },
    )
    return Session(access_token=token, expires_in=ttl)


def _failures_key(account_id: object) -> str:
    return f"login-failures:{account_id}"


async def log_in(
    pool: asyncpg.Pool, idn: Identity, *, email: str, password: str, client_ip: str
) -> Session:
    """Unknown e-mail and wrong password answer alike, after the same argon2 work."""
    ip_key = f"login-failures-ip:{client_ip}"
    if (wait := await idn.limiter.blocked_for(ip_key, failure_limits(idn))) is not None:
        retry = max(1, int(wait + 0.999))
        raise Problem(
            429,
            "rate_limited",
            "Too many failed logins from your network.",
            headers={"Retry-After": str(retry)},
            retry_after_s=retry,
        )
    async with pool.acquire() as conn:
        account = await store.account_by_email_readonly(conn, email)
    usable = account is not None and account["status"] != AccountStatus.REGISTERED
    ok = await idn.passwords.verify(account["password_hash"] if account else None, password)
    if account is None or not usable or not ok:
        await idn.limiter.hit(ip_key, failure_limits(idn))
    if account is None or not usable:
        raise _invalid()
    now = datetime.now(UTC)
    if account["locked_until"] is not None and account["locked_until"] > now:
        retry = int((account["locked_until"] - now).total_seconds()) + 1
        raise Problem(
            423,
            "account_locked",
            "Too many failed attempts; password login is locked for a while.",
            headers={"Retry-After": str(retry)},
            retry_after_s=retry,
        )
    if not ok:
        await _count_failure(pool, idn, account)
        raise _invalid()
    if account["disabled_at"] is not None:
        raise _disabled()
    await idn.limiter.reset(_failures_key(account["id"]), ACCOUNT_FAILURES)
    if idn.passwords.needs_rehash(account["password_hash"]):
        async with pool.acquire() as conn:
            await store.replace_password(conn, account["id"], await idn.passwords.hash(password))
    if account["role"] == "student":  # students are not administered: no second look
        return issue_access_token(idn, account)
    async with pool.acquire() as conn:
        current = await store.record_staff_login(conn, account["id"])
    if current is None:  # disabled while the password was being checked
        raise _disabled()
    return issue_access_token(idn, current)


async def _count_failure(pool: asyncpg.Pool, idn: Identity, account: asyncpg.Record) -> None:
    # counted by the limiter (kept in PostgreSQL too): a wiped Redis does not forget them
    key = _failures_key(account["id"])
    if await idn.limiter.hit(key, ACCOUNT_FAILURES) is None:
        return
    await idn.limiter.reset(key, ACCOUNT_FAILURES)
    until = datetime.now(UTC) + LOCK_FOR
    async with pool.acquire() as conn, conn.transaction():
        await store.lock_account(conn, account["id"], until)
        await add_to_outbox(
            conn,
            SendLockoutNotice(
                account_id=str(account["id"]), email=account["email"], locked_until=until
            ),
            source=SOURCE,
        )


async def log_out(verifier: TokenVerifier, principal: Principal) -> None:
    """The token's id goes on the denylist every service checks."""
    await verifier.revoke(principal)
