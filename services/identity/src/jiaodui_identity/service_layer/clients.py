"""OAuth 2.0 client credentials (RFC 6749 §4.4) for campus systems: short-lived access
tokens with the role ``client`` and one ``events:<family>`` scope per event family the
subscriber chose. Errors are problems whose ``code`` is the RFC's ``error`` value (also
given as ``error``, for OAuth client libraries)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import asyncpg
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.ratelimit import Limit

from jiaodui_identity import clients_store
from jiaodui_identity.state import Identity

CLIENT_TOKEN_TTL_S = 300
FAILURES = [Limit(10, 60), Limit(100, 3600)]
_NO_SUCH_SECRET = hashlib.sha256(b"no such client").hexdigest()


def oauth_problem(status: int, error: str, detail: str, **headers: str) -> Problem:
    return Problem(status, error, detail, headers=headers or None, error=error)


def invalid_client() -> Problem:
    return oauth_problem(
        401,
        "invalid_client",
        "Unknown client or wrong secret.",
        **{"WWW-Authenticate": 'Basic realm="jiaodui"'},
    )


@dataclass(frozen=True, slots=True)
class ClientToken:
    access_token: str
    expires_in: int
    scope: str


async def issue(
    pool: asyncpg.Pool,
    idn: Identity,
    *,
    client_id: str,
    client_secret: str,
    scope: str | None,
    client_ip: str,
) -> ClientToken:
    subjects = [f"client:{client_id[:80]}", f"client-ip:{client_ip}"]
    wait = await idn.limiter.blocked_for(subjects[0], FAILURES)
    wait = wait if wait is not None else await idn.limiter.blocked_for(subjects[1], FAILURES)
    if wait is not None:
        seconds = max(1, int(wait + 0.999))
        raise Problem(
            429,
            "rate_limited",
            "Too many failed attempts; try again later.",
            headers={"Retry-After": str(seconds)},
            retry_after_s=seconds,
        )
    async with pool.acquire() as conn:
        row = await clients_store.client(conn, client_id)
    given = hashlib.sha256(client_secret.encode()).hexdigest()
    known = row["secret_sha256"] if row is not None else _NO_SUCH_SECRET
    if row is None or not hmac.compare_digest(given, known) or not row["enabled"]:
        for subject in subjects:
            await idn.limiter.hit(subject, FAILURES)
        raise invalid_client()
    granted = sorted(row["scopes"])
    if scope is not None:
        asked = sorted(set(scope.split()))
        if not set(asked) <= set(granted):
            raise oauth_problem(400, "invalid_scope", "The client may not have these scopes.")
        granted = asked
    token = idn.signer.issue(
        subject=client_id,
        ttl_s=CLIENT_TOKEN_TTL_S,
        claims={
            "role": "client",
            "institution_code": row["institution_code"],
            "subscriber_id": str(row["subscriber_id"]),
            "scope": " ".join(granted),
        },
    )
    return ClientToken(token, CLIENT_TOKEN_TTL_S, " ".join(granted))
