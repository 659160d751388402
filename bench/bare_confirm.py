"""The baseline of the confirm benchmark: a bare FastAPI+asyncpg endpoint doing the same
SQL as the photos service's confirm (the same one statement: read, answer, outbox row), with no
authentication, middleware or dependency injection.

Like the service, it has the outbox relay told of each commit (``OutboxRelay.committed`` of a
relay that does not lead: a coalesced NOTIFY from a connection of its own, as a second
photos instance sends), so the relay publishes each confirmation at once and the five
consumers apply them as they come, in small batches, as they do for the service's. Without
it the relay found the baseline's rows only at its poll, once a second, and the consumers
took them by the hundred at a fraction of the cost: 1.7 against 2.8 ms of CPU a
confirmation on the same cores, a baseline that measured the batching rather than the
endpoint (912.8 vs 325.6/s, docs/notes/issue-16-session10.md).

    python bench/bare_confirm.py <photos dsn> <account id> [port]
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import uvicorn
from fastapi import FastAPI
from jiaodui_photos.domain.answers import SlotStatus, decide_answer
from jiaodui_photos.domain.windows import phase_of
from jiaodui_photos.service_layer.answers import answer_event
from jiaodui_photos.store import answers
from jiaodui_photos.store.windows import window_of
from jiaodui_runtime.db import create_pool
from jiaodui_runtime.relay import OutboxRelay, Publisher


def _never() -> Publisher:
    raise AssertionError("the baseline's relay only tells the service's relay of commits")


def bare_app(dsn: str, account_id: str) -> FastAPI:
    """The same SQL as the service's confirm, without auth, middleware or dependencies
    (``account_id``: the caller, as a verified token would name it)."""
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state["pool"] = await create_pool(dsn, min_size=5, max_size=20)
        state["relay"] = OutboxRelay(dsn=dsn, publisher_factory=_never)  # never run: asks only
        yield
        state["relay"].stop()
        await state["relay"].run()  # closes its NOTIFY connection
        await state["pool"].close()

    app = FastAPI(lifespan=lifespan)

    @app.post("/bare/{photo_id}/confirm")
    async def confirm(photo_id: uuid.UUID) -> dict[str, Any]:
        async with state["pool"].acquire() as conn:
            now = datetime.now(UTC)
            event, fields = answer_event(SlotStatus.CONFIRMED, now, None)
            row = await answers.answer(
                conn,
                photo_id=photo_id,
                status="confirmed",
                account_id=account_id,
                at=now,
                dispute_reason=None,
                event=event,
                event_fields=fields,
                source="/jiaodui/photos-bench",
            )
            assert row is not None
            if row["answered"]:
                state["relay"].committed()
            else:
                decide_answer(
                    wanted=SlotStatus.CONFIRMED,
                    current=SlotStatus(row["status"]),
                    owner_id=str(row["account_id"]),
                    caller_id=account_id,
                    phase=phase_of(window_of(row), now),
                )
            return {"photo_id": str(photo_id), "status": "confirmed"}

    return app


if __name__ == "__main__":
    port = int(sys.argv[3]) if len(sys.argv) > 3 else 8093
    uvicorn.run(
        bare_app(sys.argv[1], sys.argv[2]),
        host="127.0.0.1",
        port=port,
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,
    )
