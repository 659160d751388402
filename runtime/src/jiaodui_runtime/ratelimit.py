"""Rate limits in Redis: several fixed windows per key, checked and counted atomically.

A limiter given a :class:`CounterLedger` also counts in PostgreSQL (one upsert per counted
attempt; refusals are not counted) and keeps an epoch key in Redis. Each check runs in one
script that first looks for the epoch: when Redis lost its data the epoch is gone too, and
the limiter copies the unexpired counters back from PostgreSQL before it answers, so a
wiped Redis never hands an attacker fresh SMS, login or recovery budgets.

Subjects (phones, e-mail addresses, IPs) are hashed into the key (keyed with ``secret``
when given, so a copy of Redis or the ledger cannot be searched for a known phone number):
neither holds them in plain text.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg
from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from jiaodui_runtime.errors import Problem
from jiaodui_runtime.logging import get_logger

_log = get_logger(__name__)
_EPOCH_LOST = -2

# KEYS[1]: the epoch key (checked when ARGV[1] == '1'), then one counter key per window.
# ARGV: check_epoch, limit_1, window_1, limit_2, window_2, ...
# -2 when the epoch is missing (nothing counted); otherwise refuses without counting when
# any window is full (its wait in ms); otherwise counts in all of them and answers -1.
_HIT = """
if ARGV[1] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return -2 end
for i = 2, #KEYS do
  local limit = tonumber(ARGV[2 * i - 2])
  local current = tonumber(redis.call('GET', KEYS[i]) or '0')
  if current >= limit then
    local ttl = redis.call('PTTL', KEYS[i])
    if ttl < 0 then ttl = tonumber(ARGV[2 * i - 1]) * 1000 end
    return ttl
  end
end
for i = 2, #KEYS do
  local n = redis.call('INCR', KEYS[i])
  if n == 1 then redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2 * i - 1]) * 1000) end
end
return -1
"""

_PEEK = """
if ARGV[1] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return -2 end
for i = 2, #KEYS do
  local current = tonumber(redis.call('GET', KEYS[i]) or '0')
  if current >= tonumber(ARGV[2 * i - 2]) then
    local ttl = redis.call('PTTL', KEYS[i])
    if ttl < 0 then ttl = tonumber(ARGV[2 * i - 1]) * 1000 end
    return ttl
  end
end
return -1
"""

# KEYS: counter keys. ARGV: count_1, ttl_ms_1, ... Keeps the greater count: attempts
# counted in Redis since the wipe are not undone by the restore.
_RESTORE = """
for i, key in ipairs(KEYS) do
  local count = tonumber(ARGV[2 * i - 1])
  local current = tonumber(redis.call('GET', key) or '0')
  if current < count then
    redis.call('SET', key, count, 'PX', tonumber(ARGV[2 * i]))
  end
end
return #KEYS
"""


@dataclass(frozen=True, slots=True)
class Limit:
    count: int
    per_seconds: int


class CounterLedger:
    """The durable copy of a limiter's counters (runtime table ``rate_limit_counters``)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def count(self, keys: list[tuple[str, int]]) -> None:
        """One more attempt in each ``(key, window_s)``; a lapsed window starts again at 1."""
        keys = sorted(keys)  # one lock order for every writer
        await self._pool.execute(
            "INSERT INTO rate_limit_counters AS c (key, count, expires_at)"
            " SELECT k, 1, now() + make_interval(secs => w)"
            " FROM unnest($1::text[], $2::int[]) AS t(k, w)"
            " ON CONFLICT (key) DO UPDATE SET"
            " count = CASE WHEN c.expires_at <= now() THEN 1 ELSE c.count + 1 END,"
            " expires_at = CASE WHEN c.expires_at <= now() THEN excluded.expires_at"
            " ELSE c.expires_at END",
            [k for k, _ in keys],
            [w for _, w in keys],
        )

    async def forget(self, keys: list[str]) -> None:
        await self._pool.execute("DELETE FROM rate_limit_counters WHERE key = ANY($1)", keys)

    async def unexpired(self, prefix: str) -> list[tuple[str, int, float]]:
        """``(key, count, expires_at)`` of every window still open under ``prefix``."""
        async with self._pool.acquire() as conn:
            await conn.execute("DELETE FROM rate_limit_counters WHERE expires_at < now()")
            rows = await conn.fetch(
                "SELECT key, count, extract(epoch FROM expires_at)::float8 AS expires_at"
                " FROM rate_limit_counters WHERE starts_with(key, $1)",
                prefix,
            )
        return [(r["key"], r["count"], r["expires_at"]) for r in rows]


def _rounds(counted: list[tuple[str, int]]) -> list[list[tuple[str, int]]]:
    """``counted`` in as few lists as hold each key at most once (its n-th count in the n-th)."""
    rounds: list[list[tuple[str, int]]] = []
    seen: dict[str, int] = {}
    for key, window in counted:
        n = seen[key] = seen.get(key, -1) + 1
        if n == len(rounds):
            rounds.append([])
        rounds[n].append((key, window))
    return rounds


class RateLimiter:
    def __init__(
        self,
        redis: Redis,
        namespace: str,
        *,
        ledger: CounterLedger | None = None,
        secret: bytes = b"",
    ) -> None:
        self._redis = redis
        self._secret = secret
        self._namespace = namespace
        self._ledger = ledger
        self._epoch_key = f"rl:{namespace}:epoch"
        self._check_epoch = "1" if ledger is not None else "0"
        self._script = redis.register_script(_HIT)
        self._peek = redis.register_script(_PEEK)
        self._restore = redis.register_script(_RESTORE)
        self._restoring = asyncio.Lock()

    def _subject_hash(self, subject: str) -> str:
        data = f"rl:{self._namespace}:{subject}".encode()
        if self._secret:
            return hmac.new(self._secret, data, hashlib.sha256).hexdigest()[:32]
        return hashlib.sha256(data).hexdigest()[:32]

    def _keys(self, subjects: list[str], limits: list[Limit]) -> list[str]:
        return [
            f"rl:{self._namespace}:{lim.per_seconds}:{self._subject_hash(s)}"
            for s in subjects
            for lim in limits
        ]

    async def _run(self, script: AsyncScript, keys: list[str], args: list[int]) -> int:
        for _ in range(3):
            result = int(
                await script(keys=[self._epoch_key, *keys], args=[self._check_epoch, *args])
            )
            if result != _EPOCH_LOST:
                return result
            await self.restore()
        raise Problem(  # Redis keeps losing its data: refuse rather than count nothing
            503, "rate_limit_unavailable", "Try again shortly.", headers={"Retry-After": "5"}
        )

    async def hit(self, subject: str | list[str], limits: list[Limit]) -> float | None:
        """Count one attempt against every subject (e.g. a phone and an account) at once.

        None when allowed, else the seconds until an attempt is allowed again; a
        refused attempt counts nowhere.
        """
        subjects = [subject] if isinstance(subject, str) else subject
        keys = self._keys(subjects, limits)
        windows = [lim.per_seconds for _ in subjects for lim in limits]
        args: list[int] = []
        for _ in subjects:
            for lim in limits:
                args += [lim.count, lim.per_seconds]
        wait_ms = await self._run(self._script, keys, args)
        if wait_ms >= 0:
            return wait_ms / 1000
        if self._ledger is not None:
            await self._ledger.count(list(zip(keys, windows, strict=True)))
        return None

    async def hit_each(self, subjects: Sequence[str], limits: list[Limit]) -> list[float | None]:
        """Count one attempt for each of ``subjects`` in turn, as that many :meth:`hit` calls
        would (a subject named twice is counted twice), in one round trip to Redis: the
        answers, in order. A sender's batch of messages checks its recipients' caps here."""
        if not subjects:
            return []
        args: list[str | int] = [self._check_epoch]
        args += [v for lim in limits for v in (lim.count, lim.per_seconds)]
        keys = [self._keys([subject], limits) for subject in subjects]
        async with self._redis.pipeline(transaction=False) as pipe:
            for subject_keys in keys:
                await self._script(keys=[self._epoch_key, *subject_keys], args=args, client=pipe)
            waits = [int(w) for w in await pipe.execute()]
        answers: list[float | None] = []
        counted: list[tuple[str, int]] = []
        for subject, subject_keys, wait_ms in zip(subjects, keys, waits, strict=True):
            if wait_ms == _EPOCH_LOST:  # Redis lost its data: nothing counted; restore first
                answers.append(await self.hit(subject, limits))
            elif wait_ms >= 0:
                answers.append(wait_ms / 1000)
            else:
                answers.append(None)
                counted += [
                    (k, lim.per_seconds) for k, lim in zip(subject_keys, limits, strict=True)
                ]
        if self._ledger is not None:
            for keys_once in _rounds(counted):  # a key may be counted once per upsert
                await self._ledger.count(keys_once)
        return answers

    async def blocked_for(self, subject: str, limits: list[Limit]) -> float | None:
        """Like :meth:`hit` without counting: for limits on failures only (count with hit)."""
        keys = self._keys([subject], limits)
        args = [v for lim in limits for v in (lim.count, lim.per_seconds)]
        wait_ms = await self._run(self._peek, keys, args)
        return None if wait_ms < 0 else wait_ms / 1000

    async def reset(self, subject: str, limits: list[Limit]) -> None:
        keys = self._keys([subject], limits)
        # the ledger only holds what Redis held (restored before any check): most resets of a
        # successful login find nothing and cost no database round trip
        if await self._redis.delete(*keys) and self._ledger is not None:
            await self._ledger.forget(keys)

    async def restore(self) -> int:
        """Copy the ledger's open windows back into Redis, then write the epoch (a no-op
        without a ledger, or when another caller restored it meanwhile)."""
        if self._ledger is None:
            return 0
        async with self._restoring:
            if await self._redis.exists(self._epoch_key):
                return 0
            started = time.monotonic()
            rows = await self._ledger.unexpired(f"rl:{self._namespace}:")
            now = time.time()
            live = [(k, n, math.ceil((e - now) * 1000)) for k, n, e in rows if e - now > 0.001]
            for i in range(0, len(live), 2000):
                chunk = live[i : i + 2000]
                await self._restore(
                    keys=[k for k, _, _ in chunk],
                    args=[x for _, n, ttl in chunk for x in (n, ttl)],
                )
            await self._redis.set(self._epoch_key, f"{now:.3f}")
            _log.warning(
                "rate_limits_restored",
                namespace=self._namespace,
                counters=len(live),
                took_ms=round((time.monotonic() - started) * 1000, 1),
            )
            return len(live)

    async def enforce(self, subject: str | list[str], limits: list[Limit]) -> None:
        """Like :meth:`hit`, but a refusal is a 429 problem with ``Retry-After``."""
        wait = await self.hit(subject, limits)
        if wait is not None:
            seconds = max(1, int(wait + 0.999))
            raise Problem(
                429,
                "rate_limited",
                "Too many attempts; try again later.",
                headers={"Retry-After": str(seconds)},
                retry_after_s=seconds,
            )
