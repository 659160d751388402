"""subscriptions' own objects, built once by the composition root (bootstrap)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from jiaodui_runtime.ratelimit import RateLimiter
from jiaodui_runtime.retry import Schedule
from jiaodui_runtime.sealing import Sealer

from jiaodui_subscriptions.adapters.sender import WebhookSender
from jiaodui_subscriptions.settings import SubscriptionsSettings

SOURCE = "/jiaodui/subscriptions"


@dataclass
class InFlight:
    """Requests in flight per endpoint in this process: a slow receiver holds at most
    ``limit`` of the workers, the others keep delivering to everyone else."""

    limit: int
    counts: Counter[uuid.UUID] = field(default_factory=Counter)
    claiming: asyncio.Lock = field(default_factory=asyncio.Lock)

    def full(self) -> list[uuid.UUID]:
        return [sid for sid, n in self.counts.items() if n >= self.limit]

    @contextlib.contextmanager
    def hold(self, subscriber_id: uuid.UUID) -> Iterator[None]:
        self.counts[subscriber_id] += 1
        try:
            yield
        finally:
            self.counts[subscriber_id] -= 1
            if self.counts[subscriber_id] <= 0:
                del self.counts[subscriber_id]


@dataclass
class Subscriptions:
    settings: SubscriptionsSettings
    sealer: Sealer
    schedule: Schedule
    sender: WebhookSender
    limiter: RateLimiter | None
    in_flight: InFlight
