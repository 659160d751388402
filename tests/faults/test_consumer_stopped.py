"""Ledger fault test: a consumer frozen (SIGSTOP) past its Kafka session timeout.

While a burst of registrations flows, the notify process is stopped until the group
coordinator has evicted it (its partitions move on or wait), then continued: it wakes
up holding a batch whose offsets it may no longer commit. Every acknowledged
registration must still end as one account, one published event and one activation
delivery (one mail in the SMTP sink); redelivered events are dropped by the inbox.
"""

from __future__ import annotations

import asyncio
import functools
import os
import re
import signal
import time
from pathlib import Path

import asyncpg
import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from jiaodui_runtime.settings import ServiceSettings
from jiaodui_runtime.testing import StackEndpoints, eventually

from .ledger import Burst, assert_clean, emails, register, registration_tally

pytestmark = [pytest.mark.integration, pytest.mark.faults]
NOTIFY_METRICS = "http://127.0.0.1:8004/metrics"
_DUPLICATES = re.compile(r'^consumer_events_total\{[^}]*outcome="duplicate"[^}]*\} (\S+)$', re.M)


async def inbox_duplicates_dropped(client: httpx.AsyncClient) -> float:
    """What notify's inbox dropped as already processed (this process, all topics)."""
    text = (await client.get(NOTIFY_METRICS)).text
    return sum(float(n) for n in _DUPLICATES.findall(text))


async def inbox_duplicates_in_db(stack: StackEndpoints) -> int:
    """The same count kept in notify's database (every instance, across restarts)."""
    conn = await asyncpg.connect(stack.dsn_for("notify"))
    try:
        dropped = await conn.fetchval(
            "SELECT coalesce(sum(dropped), 0) FROM inbox_duplicates WHERE consumer = 'notify'"
        )
        return int(dropped)
    finally:
        await conn.close()


async def group_members(admin: AIOKafkaAdminClient, group: str) -> set[str]:
    described = (await admin.describe_consumer_groups([group]))[0].to_object()
    return {m["member_id"] for g in described["groups"] for m in g["members"]}


def messages_per_address(
    sinks_log: Path, since: int, run: str, mail_dir: Path
) -> tuple[dict[str, set[str]], int]:
    """The Message-IDs the SMTP sink accepted for each of this run's addresses, and how many
    mails it accepted in all. A send whose reply was lost (notify frozen after the sink took
    the data: its SMTP timeout expires on resume) is sent again as the same message, same
    Message-ID — SMTP is at least once at that step and receivers drop the repeat by its
    Message-ID (seen once, 2026-12-01). Two different messages for one registration are the
    duplicate this test is about."""
    found: dict[str, set[str]] = {}
    accepted = 0
    with sinks_log.open("rb") as log:
        log.seek(since)
        text = log.read().decode()
    for name, address in re.findall(
        rf"mail (\S+\.eml) from \S+ to \['({re.escape(run)}-\d+@[^']+)'\]", text
    ):
        accepted += 1
        header = re.search(
            rb"^Message-ID:\s*(.+?)\s*$", (mail_dir / name).read_bytes(), re.M | re.I
        )
        found.setdefault(address, set()).add(header.group(1).decode() if header else name)
    return found, accepted


async def test_notify_stopped_past_its_session_timeout_mails_each_registration_once(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    if stack.stack_dir is None:
        pytest.skip("needs the local stack's processes")
    session_timeout_s = ServiceSettings().consumer_session_timeout_ms / 1000
    pid = int((stack.stack_dir / "run" / "svc-notify.pid").read_text())
    sinks_log = stack.stack_dir / "logs" / "sinks.log"
    sinks_mark = sinks_log.stat().st_size
    dropped_before = await inbox_duplicates_dropped(gateway), await inbox_duplicates_in_db(stack)
    pattern, addresses = emails("stopped", 600)
    burst = Burst(functools.partial(register, gateway), addresses, workers=4).start()
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap)
    await admin.start()
    try:
        await burst.answered(20)
        members = await group_members(admin, "notify")
        answered_before = len(burst.answers)
        stopped_at = time.monotonic()
        os.kill(pid, signal.SIGSTOP)
        try:

            async def evicted() -> bool:
                past = time.monotonic() - stopped_at > session_timeout_s
                return past and not members <= await group_members(admin, "notify")

            await eventually(
                evicted, timeout_s=session_timeout_s * 4, interval_s=0.5, what="the eviction"
            )
            frozen_s = time.monotonic() - stopped_at
            answered_while_frozen = len(burst.answers)
        finally:
            os.kill(pid, signal.SIGCONT)
        await burst.answered(answered_while_frozen + 20)
    finally:
        await burst.finish(stop=True)
        await admin.close()

    assert answered_while_frozen > answered_before, "registrations flowed while notify was frozen"
    assert len(burst.acknowledged) >= len(burst.answers) * 0.9, "identity should not notice"
    tally = await registration_tally(stack, pattern, burst.answers, timeout_s=180)
    assert_clean(tally)
    run = pattern.removesuffix("-%")
    acknowledged = set(burst.acknowledged)

    mail_dir = stack.stack_dir / "mail"

    async def all_mailed() -> tuple[dict[str, set[str]], int] | None:
        found = await asyncio.to_thread(messages_per_address, sinks_log, sinks_mark, run, mail_dir)
        return found if acknowledged <= set(found[0]) else None

    mails, accepted = await eventually(all_mailed, timeout_s=120, interval_s=0.5, what="every mail")
    twice = {a: sorted(ids) for a, ids in mails.items() if len(ids) > 1}
    assert twice == {}, "two different mails for one registration"
    resent = accepted - sum(len(ids) for ids in mails.values())
    in_process = await inbox_duplicates_dropped(gateway) - dropped_before[0]
    in_db = await inbox_duplicates_in_db(stack) - dropped_before[1]
    print(
        f"notify frozen {frozen_s:.1f}s (session timeout {session_timeout_s:.0f}s), "
        f"{answered_while_frozen} answered by then: {tally}; inbox duplicates dropped: "
        f"{in_process:.0f} (its /metrics), {in_db} (notify's database, all instances); "
        f"sent again after a lost SMTP reply: {resent}"
    )
