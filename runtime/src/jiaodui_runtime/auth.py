"""Bearer-token verification against identity's JWKS, and the principal it yields.

Identity signs access tokens (EdDSA) and publishes its public keys at
``/.well-known/jwks.json``; every service verifies with those keys. Logging out
puts the token id on a Redis denylist, checked on every request.

Redis may lose its data (a replacement node, a lost disk). The denylist is therefore
also kept in identity's PostgreSQL (:class:`RevocationLedger`), and Redis holds an
epoch key that only the owner of that ledger writes, after copying every unexpired
revocation back into Redis. The epoch travels in the same MGET as the revocation keys
(no extra round trip): while it is missing, nobody can tell a revoked token from a good
one, so tokens are refused with 503 ``auth_state_unavailable`` (identity restores the
denylist at once, the others wait for it: about a second).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Protocol

import asyncpg
import httpx
import jwt
from redis.asyncio import Redis

from jiaodui_runtime.errors import Problem
from jiaodui_runtime.logging import get_logger

ALGORITHMS = ["EdDSA"]
STAFF_ROLES = frozenset({"college_staff", "registrar", "photographer", "support", "ops", "admin"})
CLIENT_ROLE = "client"
"""A campus system holding client credentials (DESIGN §8): it reads the feed, nothing else."""
ROLES = STAFF_ROLES | {"student", CLIENT_ROLE}


MAX_TOKEN_LIFETIME_S = 7 * 86400
DENYLIST_EPOCH_KEY = "auth:denylist-epoch"
"""Present while Redis's denylist is complete: written after a restore from the ledger."""
_log = get_logger(__name__)


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


class RevocationLedger(Protocol):
    """The durable copy of the denylist: Redis key, value and expiry of every revocation."""

    async def record(self, key: str, value: str, expires_at: float) -> None: ...

    async def unexpired(self) -> list[tuple[str, str, float]]:
        """``(key, value, expires_at)`` of every revocation still in force."""
        ...


class PgRevocationLedger:
    """:class:`RevocationLedger` in the service's PostgreSQL (runtime table auth_revocations)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def record(self, key: str, value: str, expires_at: float) -> None:
        # a later "revoked before" mark of the same account replaces the earlier one
        await self._pool.execute(
            "INSERT INTO auth_revocations (key, value, expires_at)"
            " VALUES ($1, $2, to_timestamp($3))"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
            " expires_at = greatest(auth_revocations.expires_at, excluded.expires_at)",
            key,
            value,
            expires_at,
        )

    async def unexpired(self) -> list[tuple[str, str, float]]:
        async with self._pool.acquire() as conn:
            await conn.execute("DELETE FROM auth_revocations WHERE expires_at < now()")
            rows = await conn.fetch(
                "SELECT key, value, extract(epoch FROM expires_at)::float8 AS expires_at"
                " FROM auth_revocations"
            )
        return [(r["key"], r["value"], r["expires_at"]) for r in rows]


def _unauthenticated(detail: str) -> Problem:
    return Problem(401, "unauthenticated", detail, headers={"WWW-Authenticate": "Bearer"})


# KEYS: revocation keys. ARGV: value_1, ttl_s_1, value_2, ttl_s_2, ... Keeps the greater
# value: a "revoked before" mark written since the wipe is newer than the ledger's copy.
_RESTORE = """
for i, key in ipairs(KEYS) do
  local value = ARGV[2 * i - 1]
  local current = redis.call('GET', key)
  if not current or tonumber(current) < tonumber(value) then
    redis.call('SET', key, value, 'EX', tonumber(ARGV[2 * i]))
  end
end
return #KEYS
"""


def _denylist_unavailable() -> Problem:
    return Problem(
        503,
        "auth_state_unavailable",
        "Signed-out sessions cannot be told apart just now; try again in a moment.",
        headers={"Retry-After": "1"},
    )


@dataclass(frozen=True, slots=True)
class _Verified:
    """A token whose signature and claims were checked: with the key that checked it."""

    principal: Principal
    issued_at: float
    kid: str
    key: Any


class TokenVerifier:
    """Turns a bearer token into a :class:`Principal`, or a 401 problem.

    ``require_epoch``: refuse every token (503) while Redis lacks :data:`DENYLIST_EPOCH_KEY`,
    i.e. after Redis lost its data and before the denylist was restored. ``ledger``: where
    revocations are also kept (identity's); its holder restores the denylist itself.
    """

    def __init__(
        self,
        *,
        keys: KeySource,
        redis: Redis,
        issuer: str,
        audience: str,
        require_epoch: bool = False,
        ledger: RevocationLedger | None = None,
        cache_size: int = 100_000,
    ) -> None:
        self._keys = keys
        self._redis = redis
        self._issuer = issuer
        self._audience = audience
        self._require_epoch = require_epoch or ledger is not None
        self._ledger = ledger
        self._restoring = asyncio.Lock()
        self._restore_script = redis.register_script(_RESTORE)
        self._verified: OrderedDict[str, _Verified] = OrderedDict()
        self._cache_size = cache_size

    async def verify(self, token: str) -> Principal:
        """The token's principal. Its signature and claims are checked once and kept until it
        expires (at most ``cache_size`` tokens, the least recently used dropped): checking an
        EdDSA signature costs 0.2–0.35 ms of CPU, as much as the photo confirmation's whole
        transaction. Whether it was revoked is asked of Redis on every call, and a kept token
        whose key its source no longer gives back (rotated out) is checked again."""
        kept = self._verified.get(token)
        if (
            kept is not None
            and kept.principal.expires_at > time.time()
            and await self._keys.key_for(kept.kid) == kept.key
        ):
            self._verified.move_to_end(token)
            try:
                await self.ensure_not_revoked(
                    kept.principal.token_id, kept.principal.account_id, kept.issued_at
                )
            except Problem as problem:
                if problem.status == 401:
                    self._verified.pop(token, None)
                raise
            return kept.principal
        self._verified.pop(token, None)
        verified = await self._verify_signed(token)
        self._verified[token] = verified
        while len(self._verified) > self._cache_size:
            self._verified.popitem(last=False)
        return verified.principal

    async def _verify_signed(self, token: str) -> _Verified:
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
        await self.ensure_not_revoked(claims["jti"], claims["sub"], float(claims["iat"]))
        principal = Principal(
            account_id=claims["sub"],
            role=claims["role"],
            token_id=claims["jti"],
            expires_at=int(claims["exp"]),
            institution_code=claims.get("institution_code"),
            college=claims.get("college"),
            status=claims.get("status"),
            scopes=frozenset(str(claims.get("scope") or "").split()),
        )
        return _Verified(principal, float(claims["iat"]), str(kid), key)

    async def ensure_not_revoked(self, token_id: str, account_id: str, issued_at: float) -> None:
        """401 when the token was revoked; 503 while the denylist cannot be trusted."""
        keys = (revoked_key(token_id), revoked_before_key(account_id), DENYLIST_EPOCH_KEY)
        revoked, revoked_before, epoch = await self._redis.mget(*keys)
        if epoch is None and self._require_epoch:
            if self._ledger is None:
                raise _denylist_unavailable()
            await self.restore_denylist()
            revoked, revoked_before, epoch = await self._redis.mget(*keys)
        if revoked is not None or (
            revoked_before is not None and issued_at <= float(revoked_before)
        ):
            raise _unauthenticated("The token was revoked.")

    async def revoke(self, principal: Principal) -> None:
        """End one session (logout): its token id goes on the denylist until it expires."""
        await self._put(revoked_key(principal.token_id), "1", float(principal.expires_at))

    async def revoke_all(self, account_id: str) -> None:
        """End every session of an account (password reset, released identity)."""
        now = time.time()
        await self._put(
            revoked_before_key(account_id),
            f"{math.floor(now * 1000) / 1000:.3f}",
            now + MAX_TOKEN_LIFETIME_S,
        )

    async def _put(self, key: str, value: str, expires_at: float) -> None:
        # the ledger first: a Redis that loses its data after this SET gets it back from there
        if self._ledger is not None:
            await self._ledger.record(key, value, expires_at)
        ttl = max(1, math.ceil(expires_at - time.time()))
        await self._redis.set(key, value, ex=ttl)

    async def denylist_intact(self) -> bool:
        return bool(await self._redis.exists(DENYLIST_EPOCH_KEY))

    async def restore_denylist(self) -> int:
        """Copy every unexpired revocation from the ledger into Redis, then write the epoch.

        Read after the epoch was found missing, so every revocation committed before Redis
        lost its data is in what is read; later ones reach the new Redis by themselves.
        """
        if self._ledger is None:
            raise _denylist_unavailable()
        async with self._restoring:
            if await self.denylist_intact():
                return 0
            started = time.monotonic()
            entries = await self._ledger.unexpired()
            now = time.time()
            live = [(k, v, math.ceil(e - now)) for k, v, e in entries if e - now >= 1]
            for i in range(0, len(live), 2000):
                chunk = live[i : i + 2000]
                await self._restore_script(
                    keys=[k for k, _, _ in chunk],
                    args=[x for _, v, ttl in chunk for x in (v, ttl)],
                )
            await self._redis.set(DENYLIST_EPOCH_KEY, f"{now:.3f}")
            _log.warning(
                "denylist_restored",
                revocations=len(entries),
                took_ms=round((time.monotonic() - started) * 1000, 1),
            )
            return len(entries)

    async def guard_denylist(self, interval_s: float = 0.5) -> None:
        """Background loop of the ledger's holder: restore the denylist whenever Redis lost it."""
        while True:
            try:
                if not await self.denylist_intact():
                    await self.restore_denylist()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis or PostgreSQL away: the next round tries again
                _log.warning("denylist_guard_failed", error=repr(exc))
            await asyncio.sleep(interval_s)
