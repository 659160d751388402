"""Retry policies for work queues (mail sends, webhook deliveries): pure, no I/O.

A policy answers two questions after the n-th failed attempt: give up now, and if
not, how long to wait before attempt n+1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = ["Backoff", "RetryPolicy", "Schedule"]


class RetryPolicy(Protocol):
    def gives_up_after(self, attempts: int) -> bool: ...

    def delay_after(self, attempts: int) -> float: ...


@dataclass(frozen=True, slots=True)
class Backoff:
    """Bounded exponential backoff: attempt n+1 waits base * 2^(n-1), at most ``max_delay_s``."""

    max_attempts: int = 8
    base_delay_s: float = 5.0
    max_delay_s: float = 900.0

    def gives_up_after(self, attempts: int) -> bool:
        return attempts >= self.max_attempts

    def delay_after(self, attempts: int) -> float:
        return float(min(self.max_delay_s, self.base_delay_s * 2 ** max(0, attempts - 1)))


@dataclass(frozen=True, slots=True)
class Schedule:
    """A fixed schedule: after the n-th failure wait ``delays_s[n-1]``; after the last, give up
    (so ``len(delays_s) + 1`` attempts in all). Standard Webhooks / Svix style."""

    delays_s: Sequence[float]

    def gives_up_after(self, attempts: int) -> bool:
        return attempts > len(self.delays_s)

    def delay_after(self, attempts: int) -> float:
        if not self.delays_s:
            return 0.0
        return float(self.delays_s[min(max(attempts, 1), len(self.delays_s)) - 1])
