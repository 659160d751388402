"""Wait for the stack to settle between the phases of a benchmark.

Each request a phase makes leaves events behind (the outbox, then five consumers): without
this wait the next phase pays for the previous one's cascade on the same two cores, and the
phase run first looks faster than the ones after it.
"""

from __future__ import annotations

import asyncio
import time

from soak.config import Config
from soak.probes import Databases, Kafka


async def settled(timeout_s: float = 180.0) -> float:
    """Seconds until every service's outbox was published and every consumer group caught
    up with its topics (gives up after ``timeout_s`` and says so with the figure)."""
    config = Config.from_env()
    databases, kafka = Databases(config), Kafka(config)
    await kafka.start()
    started = time.monotonic()
    try:
        while time.monotonic() - started < timeout_s:
            outboxes = await databases.outbox()
            lag = await kafka.lag()
            if not any(n for n, _ in outboxes.values()) and not any(lag.values()):
                break
            await asyncio.sleep(0.5)
        return time.monotonic() - started
    finally:
        await databases.close()
        await kafka.close()
