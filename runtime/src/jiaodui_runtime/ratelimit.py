"""Rate limits in Redis: several fixed windows per key, checked and counted atomically."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from jiaodui_runtime.errors import Problem

# KEYS: one counter key per window. ARGV: limit_1, window_1, limit_2, window_2, ...
# Refuses without counting when any window is full; otherwise counts in all of them.
_HIT = """
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i - 1])
  local current = tonumber(redis.call('GET', key) or '0')
  if current >= limit then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then ttl = tonumber(ARGV[2 * i]) * 1000 end
    return ttl
  end
end
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, tonumber(ARGV[2 * i]) * 1000) end
end
return -1
"""


@dataclass(frozen=True, slots=True)
class Limit:
    count: int
    per_seconds: int


_PEEK = """
for i, key in ipairs(KEYS) do
  local current = tonumber(redis.call('GET', key) or '0')
  if current >= tonumber(ARGV[2 * i - 1]) then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then ttl = tonumber(ARGV[2 * i]) * 1000 end
    return ttl
  end
end
return -1
"""


class RateLimiter:
    def __init__(self, redis: Redis, namespace: str) -> None:
        self._redis = redis
        self._namespace = namespace
        self._script = redis.register_script(_HIT)
        self._peek = redis.register_script(_PEEK)

    def _keys(self, subjects: list[str], limits: list[Limit]) -> list[str]:
        return [f"rl:{self._namespace}:{lim.per_seconds}:{s}" for s in subjects for lim in limits]

    async def hit(self, subject: str | list[str], limits: list[Limit]) -> float | None:
        """Count one attempt against every subject (e.g. a phone and an account) at once.

        None when allowed, else the seconds until an attempt is allowed again; a
        refused attempt counts nowhere.
        """
        subjects = [subject] if isinstance(subject, str) else subject
        keys = self._keys(subjects, limits)
        args: list[int] = []
        for _ in subjects:
            for lim in limits:
                args += [lim.count, lim.per_seconds]
        wait_ms = int(await self._script(keys=keys, args=args))
        return None if wait_ms < 0 else wait_ms / 1000

    async def blocked_for(self, subject: str, limits: list[Limit]) -> float | None:
        """Like :meth:`hit` without counting: for limits on failures only (count with hit)."""
        keys = self._keys([subject], limits)
        args = [v for lim in limits for v in (lim.count, lim.per_seconds)]
        wait_ms = int(await self._peek(keys=keys, args=args))
        return None if wait_ms < 0 else wait_ms / 1000

    async def reset(self, subject: str, limits: list[Limit]) -> None:
        await self._redis.delete(*self._keys([subject], limits))

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
