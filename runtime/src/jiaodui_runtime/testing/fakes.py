"""In-memory stand-ins for Kafka, for unit tests of relays, consumers and handlers.

:class:`InMemoryPublisher` satisfies :class:`jiaodui_runtime.relay.Publisher`, so a
unit test can run the relay's batch logic or a consumer's dead-lettering without
a broker. The shared contract test in ``runtime/tests`` runs against this fake and
the real producer alike, so the two cannot drift apart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class SentMessage:
    topic: str
    value: bytes | None
    key: bytes | None
    headers: tuple[tuple[str, bytes], ...]


@dataclass
class InMemoryPublisher:
    """Records what was sent; ``fail_after`` makes the n+1-th send raise (a crash)."""

    sent: list[SentMessage] = field(default_factory=list)
    fail_after: int | None = None
    started: bool = False

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        self.started = False

    async def send(
        self,
        topic: str,
        value: bytes | None = None,
        key: bytes | None = None,
        partition: int | None = None,
        timestamp_ms: int | None = None,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> Awaitable[Any]:
        if self.fail_after is not None and len(self.sent) >= self.fail_after:
            raise ConnectionError("simulated crash while publishing")
        self.sent.append(SentMessage(topic, value, key, tuple(headers or ())))
        ack: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        ack.set_result(None)
        return ack

    def on_topic(self, topic: str) -> list[SentMessage]:
        return [m for m in self.sent if m.topic == topic]
