"""Campus single sign-on: start a login at the provider, finish it, hand the session over.

The browser's round trip is tied to itself twice: the ``state`` travels through the provider
and must equal the value in a cookie only this browser holds (no login CSRF: a callback URL
sent by someone else finds no matching cookie), and the state's server-side record (Redis,
single use, short-lived) keeps the PKCE verifier and the nonce, which never leave identity.
The session is handed to the portal as a one-time code in the URL fragment (fragments never
reach a server or its logs), exchanged once by the portal for an access token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import asyncpg
import orjson
from jiaodui_contracts.identity import AccountRegistered
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.outbox import add_to_outbox
from jiaodui_runtime.ratelimit import Limit

from jiaodui_identity import sso_store, store
from jiaodui_identity.adapters import cas
from jiaodui_identity.adapters.oidc import OidcError, OidcProvider
from jiaodui_identity.domain.accounts import AccountStatus, is_valid_email, normalise_email
from jiaodui_identity.domain.sso import (
    CampusIdentity,
    Decision,
    Protocol,
    decide,
    normalise_number,
    placeholder_email,
)
from jiaodui_identity.service_layer.sessions import Session, issue_access_token
from jiaodui_identity.state import SOURCE, Identity

NO_PASSWORD = "!campus-sso"  # noqa: S105 - not a hash: no password verifies against it


@dataclass(frozen=True, slots=True)
class LoginStart:
    redirect_to: str
    state: str


def _key(kind: str, secret: str) -> str:
    return f"sso:{kind}:{hashlib.sha256(secret.encode()).hexdigest()}"


def unknown_institution() -> Problem:
    return Problem(
        404,
        "sso_institution_unknown",
        "This institution has no campus sign-on of this kind configured here.",
    )


def state_invalid() -> Problem:
    return Problem(
        400,
        "sso_state_invalid",
        "This sign-on did not start in this browser, was used already or took too long;"
        " start again.",
    )


async def _institution(pool: asyncpg.Pool, code: str, protocol: Protocol) -> dict[str, Any]:
    async with pool.acquire() as conn:
        row = await sso_store.institution(conn, code)
    config = row[protocol.value] if row is not None else None
    if not isinstance(config, dict):
        raise unknown_institution()
    return config


def oidc_redirect_uri(idn: Identity) -> str:
    return f"{idn.settings.public_base_url}{idn.settings.sso_public_path}/oidc/callback"


def cas_service_url(idn: Identity, institution_code: str) -> str:
    """Fixed per institution, so that a CAS service registry can list it exactly."""
    base = f"{idn.settings.public_base_url}{idn.settings.sso_public_path}/cas/callback"
    return f"{base}?{urlencode({'institution': institution_code})}"


def portal_url(idn: Identity, **fragment: str) -> str:
    return f"{idn.settings.public_base_url}{idn.settings.sso_portal_path}#{urlencode(fragment)}"


async def _remember(idn: Identity, state: str, record: dict[str, str]) -> None:
    await idn.redis.set(_key("state", state), orjson.dumps(record), ex=idn.settings.sso_state_ttl_s)


async def _limit(idn: Identity, client_ip: str) -> None:
    limits = [Limit(idn.settings.sso_logins_per_ip_per_min, 60)]
    await idn.limiter.enforce(f"sso-login:{client_ip}", limits)


def _unavailable(exc: OidcError | cas.CasError) -> Problem:
    return Problem(
        502, exc.code, "The campus sign-on server could not be reached or answered wrongly."
    )


async def start_oidc(
    pool: asyncpg.Pool, idn: Identity, *, institution_code: str, client_ip: str
) -> LoginStart:
    provider = OidcProvider(**await _institution(pool, institution_code, Protocol.OIDC))
    await _limit(idn, client_ip)
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    try:
        url = await idn.oidc.authorization_url(
            provider,
            redirect_uri=oidc_redirect_uri(idn),
            state=state,
            nonce=nonce,
            verifier=verifier,
        )
    except OidcError as exc:
        raise _unavailable(exc) from exc
    record = {"protocol": "oidc", "institution_code": institution_code}
    await _remember(idn, state, record | {"nonce": nonce, "verifier": verifier})
    return LoginStart(url, state)


async def start_cas(
    pool: asyncpg.Pool, idn: Identity, *, institution_code: str, client_ip: str
) -> LoginStart:
    server = cas.CasServer(**await _institution(pool, institution_code, Protocol.CAS))
    await _limit(idn, client_ip)
    state = secrets.token_urlsafe(32)
    await _remember(idn, state, {"protocol": "cas", "institution_code": institution_code})
    return LoginStart(cas.login_url(server, cas_service_url(idn, institution_code)), state)


async def _take_state(idn: Identity, state: str | None, protocol: Protocol) -> dict[str, str]:
    if not state:
        raise state_invalid()
    raw = await idn.redis.getdel(_key("state", state))
    record = orjson.loads(raw) if raw else None
    if not isinstance(record, dict) or record.get("protocol") != protocol.value:
        raise state_invalid()
    return record


async def finish_oidc(
    pool: asyncpg.Pool,
    idn: Identity,
    *,
    cookie_state: str | None,
    state: str | None,
    code: str | None,
    error: str | None,
) -> str:
    """The provider's answer → a one-time hand-over code for the portal."""
    if not cookie_state or not state or not hmac.compare_digest(cookie_state, state):
        raise state_invalid()
    record = await _take_state(idn, state, Protocol.OIDC)
    if error:
        raise Problem(
            400,
            "sso_provider_error",
            "The campus sign-on ended without a login.",
            provider_error=error[:64],
        )
    if not code:
        raise Problem(400, "sso_code_rejected", "The campus sign-on sent no authorization code.")
    institution_code = record["institution_code"]
    provider = OidcProvider(**await _institution(pool, institution_code, Protocol.OIDC))
    try:
        tokens = await idn.oidc.redeem(
            provider, code=code, redirect_uri=oidc_redirect_uri(idn), verifier=record["verifier"]
        )
        claims = await idn.oidc.verify_id_token(provider, tokens, nonce=record["nonce"])
    except OidcError as exc:
        if exc.code == "sso_provider_unavailable":
            raise _unavailable(exc) from exc
        raise Problem(401, exc.code, exc.detail) from exc
    email = claims.get(provider.email_claim)
    if claims.get("email_verified") is False or not isinstance(email, str):
        email = None
    campus = CampusIdentity(
        institution_code=institution_code,
        protocol=Protocol.OIDC,
        subject=str(claims["sub"]),
        number=normalise_number(claims.get(provider.number_claim)),
        email=email,
    )
    return await sign_in(pool, idn, campus)


async def finish_cas(
    pool: asyncpg.Pool,
    idn: Identity,
    *,
    cookie_state: str | None,
    institution_code: str | None,
    ticket: str | None,
) -> str:
    record = await _take_state(idn, cookie_state, Protocol.CAS)
    if institution_code != record["institution_code"]:
        raise state_invalid()
    if not ticket:
        raise Problem(401, "sso_ticket_invalid", "The campus sign-on sent no ticket.")
    server = cas.CasServer(**await _institution(pool, institution_code, Protocol.CAS))
    try:
        success = await cas.validate(
            idn.campus_http, server, ticket=ticket, service=cas_service_url(idn, institution_code)
        )
    except cas.CasError as exc:
        if exc.code == "sso_provider_unavailable":
            raise _unavailable(exc) from exc
        raise Problem(401, exc.code, exc.detail, cas_code=exc.cas_code) from exc
    campus = CampusIdentity(
        institution_code=institution_code,
        protocol=Protocol.CAS,
        subject=success.user,
        number=normalise_number(success.first(server.number_attribute)),
        email=success.first(server.email_attribute),
    )
    return await sign_in(pool, idn, campus)


async def sign_in(pool: asyncpg.Pool, idn: Identity, campus: CampusIdentity) -> str:
    """Open (or create) the account this campus number belongs to; a hand-over code for it."""
    code, number = campus.institution_code, campus.number
    async with pool.acquire() as conn, conn.transaction():
        if number is not None:  # one first login per number at a time
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"sso:{code}:{number}")
        linked = await sso_store.linked_account(conn, code, number) if number else None
        identity = await sso_store.roster_identity(conn, code, number) if number else None
        existing = await sso_store.student_with_identity(conn, identity) if identity else None
        link = decide(
            number=number,
            linked_account=linked,
            on_roster=identity is not None,
            account_with_identity=existing,
        )
        if link.decision is Decision.NUMBER_MISSING:
            raise Problem(
                403,
                "sso_number_missing",
                "The campus sign-on did not say which student or staff number this is.",
            )
        if link.decision is Decision.NOT_IN_ROSTER:
            raise Problem(
                403,
                "sso_not_in_roster",
                "This student number is not in the institution's roster here; ask the"
                " registrar's office, or register with e-mail and real name.",
            )
        account_id = link.account_id
        if link.decision is Decision.CREATE_STUDENT:
            account_id = await _create_student(conn, campus)
        assert account_id is not None and number is not None
        if link.decision is not Decision.LINKED:
            await sso_store.insert_link(conn, code, number, account_id, kind="student")
    handover = secrets.token_urlsafe(32)
    await idn.redis.set(
        _key("handover", handover), str(account_id), ex=idn.settings.sso_handoff_ttl_s
    )
    return handover


async def _create_student(conn: DbConnection, campus: CampusIdentity) -> uuid.UUID:
    """A student account whose e-mail the campus vouched for; real name still to come."""
    assert campus.number is not None
    email = normalise_email(campus.email) if campus.email else None
    if email is None or not is_valid_email(email) or await store.email_exists(conn, email):
        email = placeholder_email(campus.institution_code, campus.number)
    account_id = await store.insert_account(
        conn, email=email, password_hash=NO_PASSWORD, status=AccountStatus.EMAIL_VERIFIED
    )
    await store.set_status(conn, account_id, AccountStatus.EMAIL_VERIFIED)  # activated_at
    await add_to_outbox(
        conn,
        AccountRegistered(account_id=str(account_id), registered_at=datetime.now(UTC)),
        source=SOURCE,
    )
    return account_id


async def redeem_handover(pool: asyncpg.Pool, idn: Identity, *, code: str) -> Session:
    """The portal's one exchange of the hand-over code for an access token."""
    raw = await idn.redis.getdel(_key("handover", code))
    if not raw:
        raise Problem(400, "sso_code_invalid", "This sign-on code is invalid, used or expired.")
    account_id = raw.decode() if isinstance(raw, bytes) else str(raw)
    async with pool.acquire() as conn:
        account = await store.account_by_id(conn, account_id)
        if account is None:
            raise Problem(400, "sso_code_invalid", "This sign-on code is invalid, used or expired.")
        if account["role"] == "student":
            return issue_access_token(idn, account)
        current = await store.record_staff_login(conn, account["id"])
    if current is None:
        raise Problem(
            423, "account_disabled", "This account was disabled by an administrator; ask them."
        )
    return issue_access_token(idn, current)
