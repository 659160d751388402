"""Redis losing its data forgets neither signed-out tokens nor rate-limit counts.

A wipe is played by deleting what a wipe would (the epoch keys and the test's own keys) in a
Redis database of its own, so the shared stack's data stays; tests/faults/test_redis_loss.py
wipes the real one.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import jwt
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jiaodui_runtime.auth import (
    DENYLIST_EPOCH_KEY,
    PgRevocationLedger,
    Principal,
    TokenVerifier,
    revoked_before_key,
    revoked_key,
)
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.ratelimit import CounterLedger, Limit, RateLimiter
from jiaodui_runtime.testing.databases import runtime_pool
from jiaodui_runtime.testing.stack import StackEndpoints
from redis.asyncio import Redis

pytestmark = pytest.mark.integration
PRIVATE = Ed25519PrivateKey.generate()


class LocalKeys:
    async def key_for(self, kid: str) -> Any:
        return PRIVATE.public_key() if kid == "k1" else None


def token(account_id: str, *, iat: float | None = None) -> str:
    now = time.time() if iat is None else iat
    claims = {
        "sub": account_id,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + 600,
        "iss": "test",
        "aud": "test",
        "role": "student",
    }
    return jwt.encode(claims, PRIVATE, algorithm="EdDSA", headers={"kid": "k1"})


@pytest_asyncio.fixture
async def redis(stack: StackEndpoints) -> AsyncIterator[Redis]:
    base = stack.redis_url.rsplit("/", 1)[0]
    client = Redis.from_url(f"{base}/7")  # not the services' database: its epoch is theirs
    yield client
    await client.aclose()


@pytest_asyncio.fixture
async def pool(fresh_database: str) -> AsyncIterator[asyncpg.Pool]:
    async with runtime_pool(fresh_database) as pool:
        yield pool


def verifier(redis: Redis, pool: asyncpg.Pool | None) -> TokenVerifier:
    return TokenVerifier(
        keys=LocalKeys(),
        redis=redis,
        issuer="test",
        audience="test",
        require_epoch=True,
        ledger=PgRevocationLedger(pool) if pool is not None else None,
    )


async def wipe(redis: Redis, *keys: str) -> None:
    await redis.delete(DENYLIST_EPOCH_KEY, *keys)


async def test_a_signed_out_token_stays_refused_after_redis_lost_its_data(
    redis: Redis, pool: asyncpg.Pool
) -> None:
    tokens = verifier(redis, pool)
    signed_out, other = token(str(uuid.uuid4())), token(str(uuid.uuid4()))
    principal = await tokens.verify(signed_out)
    await tokens.revoke(principal)
    await wipe(redis, revoked_key(principal.token_id))

    with pytest.raises(Problem) as refused:
        await tokens.verify(signed_out)  # restores the denylist first
    assert refused.value.status == 401
    assert await redis.exists(DENYLIST_EPOCH_KEY, revoked_key(principal.token_id)) == 2
    assert (await tokens.verify(other)).role == "student"


async def test_ending_every_session_survives_too_and_a_later_mark_is_kept(
    redis: Redis, pool: asyncpg.Pool
) -> None:
    tokens = verifier(redis, pool)
    account = str(uuid.uuid4())
    older = token(account, iat=time.time() - 5)
    await tokens.revoke_all(account)
    await wipe(redis, revoked_before_key(account))
    # a newer mark written to the empty Redis before the restore is not lowered by it
    newer_mark = f"{time.time() + 30:.3f}"
    await redis.set(revoked_before_key(account), newer_mark)
    with pytest.raises(Problem) as refused:
        await tokens.verify(older)
    assert refused.value.status == 401
    assert (await redis.get(revoked_before_key(account))) == newer_mark.encode()


async def test_without_the_ledger_tokens_wait_for_the_restore_with_a_503(
    redis: Redis, pool: asyncpg.Pool
) -> None:
    holder, other_service = verifier(redis, pool), verifier(redis, None)
    good = token(str(uuid.uuid4()))
    await holder.restore_denylist()
    assert (await other_service.verify(good)).role == "student"
    await wipe(redis)
    with pytest.raises(Problem) as waiting:
        await other_service.verify(good)
    assert waiting.value.status == 503 and waiting.value.code == "auth_state_unavailable"
    assert waiting.value.headers["Retry-After"] == "1"
    assert await holder.restore_denylist() >= 0
    assert (await other_service.verify(good)).account_id


async def test_a_verifier_that_does_not_ask_for_the_epoch_ignores_it(redis: Redis) -> None:
    lenient = TokenVerifier(keys=LocalKeys(), redis=redis, issuer="test", audience="test")
    await wipe(redis)
    principal: Principal = await lenient.verify(token(str(uuid.uuid4())))
    assert principal.role == "student"


async def rate_limit_keys(redis: Redis, namespace: str) -> list[bytes]:
    return [k async for k in redis.scan_iter(match=f"rl:{namespace}:*")]


async def test_rate_limit_counts_come_back_from_postgres_after_a_wipe(
    redis: Redis, pool: asyncpg.Pool
) -> None:
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    limiter = RateLimiter(redis, namespace, ledger=CounterLedger(pool))
    limits = [Limit(1, 60), Limit(3, 3600)]
    assert await limiter.hit("13800000000", limits) is None
    assert await limiter.hit("13800000000", limits) is not None
    assert await limiter.hit(["a@x.cn", "acct-1"], limits) is None
    await redis.delete(*await rate_limit_keys(redis, namespace))  # the wipe, epoch included

    wait = await limiter.hit("13800000000", limits)
    assert wait is not None and 0 < wait <= 60
    assert await limiter.blocked_for("acct-1", limits) is not None
    assert await limiter.hit("13900000000", limits) is None  # others are not blocked
    # nothing plain in either store
    stored = await pool.fetch("SELECT key FROM rate_limit_counters")
    assert stored and not any("1380" in r["key"] or "@" in r["key"] for r in stored)
    assert not any(b"1380" in k for k in await rate_limit_keys(redis, namespace))


async def test_a_reset_is_forgotten_by_the_ledger_too(redis: Redis, pool: asyncpg.Pool) -> None:
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    limiter = RateLimiter(redis, namespace, ledger=CounterLedger(pool))
    limits = [Limit(1, 900)]
    assert await limiter.hit("account", limits) is None
    await limiter.reset("account", limits)
    await redis.delete(*await rate_limit_keys(redis, namespace))
    assert await limiter.hit("account", limits) is None


async def test_a_limiter_without_a_ledger_starts_afresh_after_a_wipe(redis: Redis) -> None:
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    limiter = RateLimiter(redis, namespace)
    assert await limiter.hit("x", [Limit(1, 60)]) is None
    await redis.delete(*await rate_limit_keys(redis, namespace))
    assert await limiter.hit("x", [Limit(1, 60)]) is None  # the documented limit of that mode


async def test_a_secret_keys_the_subject_hash(redis: Redis) -> None:
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    one = RateLimiter(redis, namespace, secret=b"one")
    two = RateLimiter(redis, namespace, secret=b"two")
    assert await one.hit("13800000000", [Limit(1, 60)]) is None
    assert await one.hit("13800000000", [Limit(1, 60)]) is not None
    # another secret, another key: the hash cannot be looked up without the secret
    assert await two.hit("13800000000", [Limit(1, 60)]) is None


async def test_hit_each_counts_a_subject_named_twice_twice_in_the_ledger(
    redis: Redis, pool: asyncpg.Pool
) -> None:
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    limiter = RateLimiter(redis, namespace, ledger=CounterLedger(pool))
    limits = [Limit(3, 60)]
    assert await limiter.hit_each(["x", "x", "y"], limits) == [None, None, None]
    await redis.delete(*await rate_limit_keys(redis, namespace))  # the wipe, epoch included

    # x: 2 before the wipe (restored from the ledger), so its second attempt here is refused
    answers = await limiter.hit_each(["x", "y", "x"], limits)
    assert answers[:2] == [None, None] and answers[2] is not None


class CountingKeys(LocalKeys):
    """LocalKeys whose key can be rotated out."""

    def __init__(self) -> None:
        self.rotated = False

    async def key_for(self, kid: str) -> Any:
        return None if self.rotated else await super().key_for(kid)


async def test_a_kept_token_is_still_refused_once_revoked_or_its_key_rotated_out(
    redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signature is checked once per token (kept until it expires); revocation and the
    key are looked at on every call."""
    await redis.set(DENYLIST_EPOCH_KEY, "1")
    keys = CountingKeys()
    tokens = TokenVerifier(keys=keys, redis=redis, issuer="test", audience="test")
    decoded: list[str] = []
    decode = jwt.decode
    monkeypatch.setattr(jwt, "decode", lambda t, *a, **k: decoded.append(t) or decode(t, *a, **k))
    one, two = token(str(uuid.uuid4())), token(str(uuid.uuid4()))

    for _ in range(3):
        assert (await tokens.verify(one)).role == "student"
    await tokens.verify(two)
    assert decoded == [one, two]  # the kept token was not decoded again

    revoked = await tokens.verify(one)
    await redis.set(revoked_key(revoked.token_id), "1", ex=60)
    with pytest.raises(Problem) as caught:
        await tokens.verify(one)
    assert caught.value.status == 401

    keys.rotated = True
    with pytest.raises(Problem) as caught:
        await tokens.verify(two)
    assert caught.value.status == 401 and "known key" in caught.value.detail
