"""argon2id password hashing, off the event loop (it is deliberately slow)."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    def __init__(self, *, time_cost: int, memory_kib: int, parallelism: int) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
        )
        # Verifying against this keeps "unknown e-mail" as slow as "wrong password".
        self._dummy = self._hasher.hash("not-a-real-password")
        # One hashing thread per core: more cannot hash faster (it is CPU-bound), and every
        # concurrent hash holds memory_kib (19 MiB) that the allocator keeps per thread, so
        # the default pool (cores + 4 threads) pushed the service past 200 MB RSS under load.
        self._threads = ThreadPoolExecutor(
            max_workers=os.cpu_count() or 1, thread_name_prefix="argon2"
        )

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters than today's."""
        return self._hasher.check_needs_rehash(password_hash)

    async def hash(self, password: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(
            self._threads, self._hasher.hash, password
        )

    async def verify(self, password_hash: str | None, password: str) -> bool:
        def check() -> bool:
            try:
                return self._hasher.verify(password_hash or self._dummy, password) and bool(
                    password_hash
                )
            except (VerificationError, InvalidHashError):
                return False

        return await asyncio.get_running_loop().run_in_executor(self._threads, check)
