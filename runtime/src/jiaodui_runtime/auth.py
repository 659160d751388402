"""Bearer-token verification against identity's JWKS, and the principal it yields.

Identity signs access tokens (EdDSA) and publishes its public keys at
``/.well-known/jwks.json``; every service verifies with those keys. Logging out
puts the token id on a Redis denylist, checked on every request.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import jwt
from redis.asyncio import Redis

from jiaodui_runtime.errors import Problem

ALGORITHMS = ["EdDSA"]
STAFF_ROLES = frozenset({"college_staff", "registrar", "photographer", "support", "ops", "admin"})
CLIENT_ROLE = "client"
"""A campus system holding client credentials (DESIGN §8): it reads the feed, nothing else."""
ROLES = STAFF_ROLES | {"student", CLIENT_ROLE}


MAX_TOKEN_LIFETIME_S = 7 * 86400


def revoked_key(token_id: str) -> str:
    return f"auth:revoked:{token_id}"


def revoked_before_key(account_id: str) -> str:
    return f"auth:revoked-before:{account_id}"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the verified claims of the access token."""

    account_id: str
    role: str
    token_id: str
    expires_at: int
    institution_code: str | None = None
    college: str | None = None
    status: str | None = None
    scopes: frozenset[str] = frozenset()
    """For a campus system (role ``client``): ``events:<family>`` it may read."""

    @property
    def is_client(self) -> bool:
        return self.role == CLIENT_ROLE

    def in_scope(self, institution_code: str, college: str | None = None) -> bool:
        """Whether staff may see data of this institution (and college)."""
        if self.role in {"admin", "support", "ops"}:
            return True
        if self.role in {"registrar", "photographer"}:
            return self.institution_code == institution_code
        if self.role == "college_staff":
            return self.institution_code == institution_code and (
                college is None or self.college == college
            )
        return False


class KeySource(Protocol):
    """Where verification keys come from (identity's JWKS over HTTP, or local keys)."""

    async def key_for(self, kid: str) -> Any: ...


class JwksKeySource:
    """Fetches and caches a JWKS document; refetches (at most every 10 s) for new kids."""

    def __init__(self, url: str, http: httpx.AsyncClient, min_refresh_s: float = 10.0) -> None:
        self._url = url
        self._http = http
        self._keys: dict[str, Any] = {}
        self._fetched_at = 0.0
        self._min_refresh_s = min_refresh_s
        self._lock = asyncio.Lock()

    async def key_for(self, kid: str) -> Any:
        if kid not in self._keys:
            # one fetch at a time: requests arriving during it wait for its result
            async with self._lock:
                if kid not in self._keys and (
                    time.monotonic() - self._fetched_at > self._min_refresh_s
                ):
                    await self._refresh()
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            response = await self._http.get(self._url, timeout=3.0)
            response.raise_for_status()
            jwks = jwt.PyJWKSet.from_dict(response.json())
        except (httpx.HTTPError, jwt.PyJWKSetError, ValueError) as exc:
            raise Problem(503, "auth_keys_unavailable", "Token keys are unavailable.") from exc
        self._keys = {k.key_id: k for k in jwks.keys if k.key_id}


def _unauthenticated(detail: str) -> Problem:
    return Problem(401, "unauthenticated", detail, headers={"WWW-Authenticate": "Bearer"})


class TokenVerifier:
    """Turns a bearer token into a :class:`Principal`, or a 401 problem."""

    def __init__(self, *, keys: KeySource, redis: Redis, issuer: str, audience: str) -> None:
        self._keys = keys
        self._redis = redis
        self._issuer = issuer
        self._audience = audience

    async def verify(self, token: str) -> Principal:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.InvalidTokenError as exc:
            raise _unauthenticated("The token is malformed.") from exc
        key = await self._keys.key_for(str(kid)) if kid else None
        if key is None:
            raise _unauthenticated("The token was not issued by a known key.")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "sub", "jti", "iat"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise _unauthenticated("The token has expired.") from exc
        except jwt.InvalidTokenError as exc:
            raise _unauthenticated("The token is not valid.") from exc
        if claims.get("role") not in ROLES:
            raise _unauthenticated("The token carries no known role.")
        revoked, revoked_before = await self._redis.mget(
            revoked_key(claims["jti"]), revoked_before_key(claims["sub"])
        )
        if revoked is not None or (
            revoked_before is not None and float(claims["iat"]) <= float(revoked_before)
        ):
            raise _unauthenticated("The token was revoked.")
        return Principal(
            account_id=claims["sub"],
            role=claims["role"],
            token_id=claims["jti"],
            expires_at=int(claims["exp"]),
            institution_code=claims.get("institution_code"),
            college=claims.get("college"),
            status=claims.get("status"),
            scopes=frozenset(str(claims.get("scope") or "").split()),
        )

    async def revoke(self, principal: Principal) -> None:
        """End one session (logout): its token id goes on the denylist until it expires."""
        ttl = max(1, principal.expires_at - int(time.time()))
        await self._redis.set(revoked_key(principal.token_id), b"1", ex=ttl)

    async def revoke_all(self, account_id: str) -> None:
        """End every session of an account (password reset, released identity)."""
        await self._redis.set(
            revoked_before_key(account_id),
            f"{math.floor(time.time() * 1000) / 1000:.3f}",
            ex=MAX_TOKEN_LIFETIME_S,
        )
