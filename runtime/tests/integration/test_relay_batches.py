"""How much the relay claims at a time: at most ``batch_size`` rows and about ``batch_bytes``
of payload, so a batch of large events (an import's RecordsImported, up to ~96 KB each)
holds no more memory than one of small events; the first row always goes, whatever its
size; every row is sent once, in commit order, and marked."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable
from typing import Any

import asyncpg
import pytest
from jiaodui_runtime import relay as relay_module
from jiaodui_runtime.db import connect
from jiaodui_runtime.relay import OutboxRelay

pytestmark = pytest.mark.integration


class RecordingPublisher:
    """Takes every message at once and acknowledges it; remembers the payloads."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def send(self, topic: str, value: bytes | None = None, **_: Any) -> Awaitable[Any]:
        assert value is not None
        self.sent.append(value)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


async def outbox_rows(conn: asyncpg.Connection, sizes: list[int]) -> list[bytes]:
    payloads = [f"{i:04d}".encode() + b"x" * (size - 4) for i, size in enumerate(sizes)]
    await conn.executemany(
        "INSERT INTO outbox (event_id, topic, key, event_type, payload)"
        " VALUES ($1, 'identity.events', 'k', 'test', $2)",
        [(uuid.uuid4(), p) for p in payloads],
    )
    return payloads


def relay(dsn: str, **kwargs: Any) -> OutboxRelay:
    return OutboxRelay(dsn=dsn, publisher_factory=RecordingPublisher, **kwargs)


async def test_a_batch_stops_at_its_byte_budget_and_every_row_goes_once_in_order(
    conn: asyncpg.Connection, fresh_database: str
) -> None:
    payloads = await outbox_rows(conn, [1000] * 10)
    publisher = RecordingPublisher()
    relay_ = relay(fresh_database, batch_size=500, batch_bytes=2500)

    claimed = [await relay_.publish_batch(conn, publisher) for _ in range(5)]

    assert claimed == [3, 3, 3, 1, 0]  # 0, 1000 and 2000 bytes before a row: under 2,500
    assert publisher.sent == payloads
    assert await conn.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0


async def test_a_row_larger_than_the_budget_goes_alone_and_the_row_limit_still_holds(
    conn: asyncpg.Connection, fresh_database: str
) -> None:
    payloads = await outbox_rows(conn, [5000, 10, 10, 10, 10, 10])
    publisher = RecordingPublisher()
    relay_ = relay(fresh_database, batch_size=3, batch_bytes=1000)

    claimed = [await relay_.publish_batch(conn, publisher) for _ in range(4)]

    assert claimed == [1, 3, 2, 0]
    assert publisher.sent == payloads


async def named_rows(conn: asyncpg.Connection, *names: str) -> None:
    await conn.executemany(
        "INSERT INTO outbox (event_id, topic, key, event_type, payload)"
        " VALUES ($1, 'identity.events', 'k', 'test', $2)",
        [(uuid.uuid4(), name.encode()) for name in names],
    )


async def test_a_row_committed_late_below_a_streaming_backlog_is_claimed_after_it(
    conn: asyncpg.Connection, fresh_database: str
) -> None:
    """While a backlog streams, a claim takes only the rows after the last one handed over;
    a row that took its seq before them and committed after them is looked for at the end of
    the stream, and at least every LATE_ROWS_EVERY_S."""
    await named_rows(conn, "a0", "a1")
    late = await connect(fresh_database)
    try:
        tr = late.transaction()
        await tr.start()
        await named_rows(late, "late")  # its seq comes before b0's; committed after b0, b1
        await named_rows(conn, "b0", "b1", "b2")
        relay_ = relay(fresh_database, batch_size=2)
        handed: list[asyncpg.Record] = []

        async def claim() -> list[str]:
            rows = await relay_._claim(conn, [r["seq"] for r in handed])
            handed.extend(rows)
            return [bytes(r["payload"]).decode() for r in rows]

        assert await claim() == ["a0", "a1"]  # full: a backlog streams
        assert await claim() == ["b0", "b1"]
        await tr.commit()
        assert await claim() == ["b2"]  # after b1 only; not full: the stream ends
        assert await claim() == ["late"]
    finally:
        await late.close()


async def test_while_streaming_rows_committed_late_are_looked_for_every_so_often(
    conn: asyncpg.Connection, fresh_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(relay_module, "LATE_ROWS_EVERY_S", 0.0)
    await named_rows(conn, "a0", "a1")
    late = await connect(fresh_database)
    try:
        async with late.transaction():
            await named_rows(late, "late")
            await named_rows(conn, "b0", "b1", "b2", "b3")
            relay_ = relay(fresh_database, batch_size=2)
            first = await relay_._claim(conn, [])
        second = await relay_._claim(conn, [r["seq"] for r in first])
    finally:
        await late.close()
    assert [bytes(r["payload"]).decode() for r in second] == ["late", "b0"]
