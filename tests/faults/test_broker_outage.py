"""Ledger fault test: stop the Kafka broker for a while in the middle of a burst.

Long (the broker's restart and the clients' reconnects take tens of seconds), so it
runs with `make test-faults`; `make test` runs the kill -9 test instead.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints, eventually

pytestmark = [pytest.mark.integration, pytest.mark.faults]
ROOT = Path(__file__).resolve().parents[2]


async def kafka(action: str) -> None:
    process = await asyncio.create_subprocess_exec(
        "bash",
        str(ROOT / "deploy/local/kafka.sh"),
        action,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert await process.wait() == 0


async def test_broker_down_mid_burst_loses_and_duplicates_nothing(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    if os.environ.get("JIAODUI_FAULTS_LONG") != "1":
        pytest.skip("long fault test: run it with make test-faults")
    if stack.stack_dir is None:
        pytest.skip("needs the local stack's processes")
    run = uuid.uuid4().hex[:8]
    emails = [f"outage-{run}-{i}@example.edu.cn" for i in range(120)]
    form = {"password": "Fault-pass-1", "password_confirm": "Fault-pass-1", "accept_terms": True}
    acknowledged: list[str] = []

    async def burst(chunk: list[str]) -> None:
        for email in chunk:
            answer = await gateway.post("/api/identity/v1/accounts", json={**form, "email": email})
            if answer.status_code == 202:
                acknowledged.append(email)
            await asyncio.sleep(0.05)

    workers = [asyncio.create_task(burst(emails[i::4])) for i in range(4)]
    await asyncio.sleep(1)
    await kafka("stop")
    await asyncio.sleep(12)  # writes keep succeeding: events wait in the outbox
    await kafka("start")
    await asyncio.gather(*workers)
    # the database, not Kafka, acknowledges a registration: none may be refused
    assert len(acknowledged) == len(emails)

    identity = await asyncpg.connect(stack.dsn_for("identity"))
    notify = await asyncpg.connect(stack.dsn_for("notify"))
    try:
        await eventually(
            lambda: identity.fetchval("SELECT count(*) = 0 FROM outbox WHERE published_at IS NULL"),
            timeout_s=120,
            what="identity's outbox to drain after the outage",
        )

        async def all_mailed_once() -> bool:
            rows = await notify.fetch(
                "SELECT recipient_key, count(*) AS n FROM deliveries WHERE template = 'activation'"
                " AND recipient_key LIKE $1 GROUP BY recipient_key",
                f"outage-{run}-%",
            )
            assert all(r["n"] == 1 for r in rows)
            return len(rows) == len(emails)

        await eventually(all_mailed_once, timeout_s=180, what="one delivery per registration")
    finally:
        await identity.close()
        await notify.close()
