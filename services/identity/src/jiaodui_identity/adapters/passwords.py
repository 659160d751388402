"""argon2id password hashing, off the event loop (it is deliberately slow)."""

from __future__ import annotations

import asyncio
import math
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

AUTO_WORKERS_AT_MOST = 2
"""Hashing threads when none are configured: at most this many (each running hash holds
memory_kib, 19 MiB: identity starts at ~105 MB, two hashes keep it under 150 MB)."""


def usable_cpus(cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """The CPUs this process can keep busy: those it may run on, bounded by its cgroup's CPU
    quota (a container's ``--cpus``, a pod's CPU limit). ``os.cpu_count()`` is the node's."""
    affinity = getattr(os, "sched_getaffinity", None)
    cpus: int = len(affinity(0)) if affinity else (os.cpu_count() or 1)
    try:  # cgroup v2: "<quota> <period>" or "max <period>"
        quota, period = (cgroup / "cpu.max").read_text().split()[:2]
        if quota != "max":
            cpus = min(cpus, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return cpus


def hash_workers(configured: int) -> int:
    """Threads for argon2: ``configured`` when it is set (> 0), else one per usable CPU, at
    most :data:`AUTO_WORKERS_AT_MOST`."""
    return configured if configured > 0 else min(usable_cpus(), AUTO_WORKERS_AT_MOST)


class Passwords:
    def __init__(
        self, *, time_cost: int, memory_kib: int, parallelism: int, workers: int = 0
    ) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
        )
        # Verifying against this keeps "unknown e-mail" as slow as "wrong password".
        self._dummy = self._hasher.hash("not-a-real-password")
        # At most one hashing thread per usable CPU: more cannot hash faster (it is CPU-bound),
        # and every concurrent hash holds memory_kib (19 MiB), so the default pool (cores + 4
        # threads) pushed the service past 200 MB RSS under load. os.cpu_count() is the
        # node's count in a container: the manifests set the number (deploy/k8s/sizing.toml).
        self.workers = hash_workers(workers)
        self._threads = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="argon2")

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
