"""SMS verification codes in Redis: 6 digits, 5 minutes, 5 attempts, stored hashed."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from redis.asyncio import Redis

CODE_TTL_S = 300
MAX_ATTEMPTS = 5

# KEYS[1] = code key (hash: digest, attempts). ARGV[1] = digest offered, ARGV[2] = max attempts.
# Returns 1 when the code matches (and deletes it: single use), 0 when wrong, -1 when gone.
_CHECK = """
local stored = redis.call('HGET', KEYS[1], 'digest')
if not stored then return -1 end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if attempts > tonumber(ARGV[2]) then redis.call('DEL', KEYS[1]) return -1 end
if stored == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0
"""


class SmsCodes:
    def __init__(self, redis: Redis, secret: bytes) -> None:
        self._redis = redis
        self._secret = secret
        self._check = redis.register_script(_CHECK)

    def _key(self, account_id: str, phone: str, purpose: str) -> str:
        return f"sms-code:{purpose}:{account_id}:{self._digest(phone)}"

    def _digest(self, value: str) -> str:
        return hmac.new(self._secret, value.encode(), hashlib.sha256).hexdigest()

    async def issue(self, *, account_id: str, phone: str, purpose: str) -> str:
        """A fresh code (replacing any earlier one for the same phone and purpose)."""
        code = f"{secrets.randbelow(1_000_000):06d}"
        key = self._key(account_id, phone, purpose)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.hset(key, mapping={"digest": self._digest(code), "attempts": 0})
            pipe.expire(key, CODE_TTL_S)
            await pipe.execute()
        return code

    async def verify(self, *, account_id: str, phone: str, purpose: str, code: str) -> bool:
        outcome = await self._check(
            keys=[self._key(account_id, phone, purpose)],
            args=[self._digest(code.strip()), MAX_ATTEMPTS],
        )
        return int(outcome) == 1
