"""Two processes of every service at once (the second on port + 100, started by
``services.sh start-extra``): the consumer groups share the partitions, and every
effect still happens once: registrations, deadline reminders, confirmations."""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest
import pytest_asyncio
from jiaodui_runtime.testing import StackEndpoints, eventually

from .ledger import (
    Burst,
    assert_clean,
    emails,
    metric,
    register,
    registration_tally,
    services,
)
from .photos_seed import events_per_record, seed_records, set_window, student_with_photos

pytestmark = [pytest.mark.integration, pytest.mark.faults]
PORTS = {"identity": 8001, "records": 8002, "photos": 8003, "notify": 8004, "corrections": 8005}
EXTRA = 100
FAST_REMINDERS = {"JIAODUI_PHOTOS_REMINDER_INTERVAL_S": "0.2"}


@pytest_asyncio.fixture(scope="module")
async def two_of_each(stack: StackEndpoints) -> AsyncIterator[None]:
    if stack.stack_dir is None or stack.gateway_url is None:
        pytest.skip("needs the local stack's processes")
    try:
        await services("start-extra", env=FAST_REMINDERS)
        yield
    finally:
        await services("stop-extra")


def instance(service: str, offset: int = 0) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORTS[service] + offset}", timeout=30)


async def test_groups_rebalance_and_registrations_take_effect_once(
    stack: StackEndpoints, two_of_each: None
) -> None:
    async def every_extra_owns_partitions() -> bool:
        for service in PORTS:
            async with instance(service, EXTRA) as extra:
                if not await metric(extra, "consumer_lag", consumer=service):
                    return False
        return True

    await eventually(every_extra_owns_partitions, timeout_s=90, what="the groups to rebalance")

    processed = {"name": "consumer_events_total", "consumer": "notify", "outcome": "processed"}
    notifies = [instance("notify"), instance("notify", EXTRA)]
    before = [sum(await metric(n, **processed)) for n in notifies]
    pattern, addresses = emails("twice", 60)
    first, second = instance("identity"), instance("identity", EXTRA)
    async with first, second:
        bursts = [
            Burst(functools.partial(register, client, path="/v1/accounts"), half, 3).start()
            for client, half in ((first, addresses[::2]), (second, addresses[1::2]))
        ]
        for burst in bursts:
            await burst.finish()
    answers = {**bursts[0].answers, **bursts[1].answers}
    tally = await registration_tally(stack, pattern, answers)
    print(f"two instances, registrations: {tally}")
    assert tally.acknowledged == len(addresses), str(tally)
    assert_clean(tally)
    after = [sum(await metric(n, **processed)) for n in notifies]
    for n in notifies:
        await n.aclose()
    # both notify processes applied some of the activation commands
    assert all(a > b for a, b in zip(after, before, strict=True)), (before, after)


async def in_notify(stack: StackEndpoints, table: str, template: str) -> dict[str, int]:
    """Rows of notify's ``table`` (messages, deliveries) made from ``template``, per account."""
    conn = await asyncpg.connect(stack.dsn_for("notify"))
    try:
        rows = await conn.fetch(
            f"SELECT account_id::text, count(*) FROM {table}"  # noqa: S608 - our own names
            " WHERE template = $1 GROUP BY account_id",
            template,
        )
    finally:
        await conn.close()
    return {r[0]: r[1] for r in rows}


async def test_reminders_go_out_once_per_stage_from_racing_processes(
    stack: StackEndpoints, two_of_each: None
) -> None:
    # a third photos process, so that two of them claim every 0.2 s (the first, every minute)
    third = {**FAST_REMINDERS, "JIAODUI_EXTRA_PORT_OFFSET": "200"}
    institution = f"R{uuid.uuid4().hex[:8]}"
    owners = [str(uuid.uuid4()) for _ in range(30)]
    owed = await seed_records(stack, institution=institution, owners=owners[:24])
    partly = await seed_records(
        stack,
        institution=institution,
        owners=owners[24:],
        statuses={"graduation": "confirmed", "admission": "pending"},
    )
    done = await seed_records(
        stack,
        institution=institution,
        owners=[str(uuid.uuid4()) for _ in range(3)],
        statuses={"graduation": "confirmed", "admission": "confirmed"},
    )
    nobodys = await seed_records(stack, institution=institution, owners=[None, None])
    reminded = [s.record_id for s in owed + partly]
    everyone = reminded + [s.record_id for s in done + nobodys]
    try:
        await services("start-extra", "photos", env=third)

        async def stage_sent(*stages: str) -> bool:
            sent = await events_per_record(stack, "DeadlineReminderDue", everyone)
            return all(sent.get(r) == sorted(stages) for r in reminded)

        await set_window(stack, institution=institution, confirm_until=_in(days=2))
        await eventually(lambda: stage_sent("first"), timeout_s=60, what="the first reminders")
        await set_window(stack, institution=institution, confirm_until=_in(hours=12))
        await eventually(lambda: stage_sent("first", "last"), timeout_s=60, what="the last ones")
        # a latecomer reminded later proves the processes kept claiming after the others
        late = await seed_records(stack, institution=institution, owners=[str(uuid.uuid4())])

        async def latecomer_reminded() -> bool:
            sent = await events_per_record(stack, "DeadlineReminderDue", [late[0].record_id])
            return sent.get(late[0].record_id) == ["last"]

        await eventually(latecomer_reminded, timeout_s=60, what="the latecomer's reminder")
    finally:
        await services("stop-extra", "photos", env=third)

    sent = await events_per_record(stack, "DeadlineReminderDue", everyone)
    assert sent == {r: ["first", "last"] for r in reminded}

    async def each_student_told_twice() -> bool:
        got = await in_notify(stack, "messages", "deadline_reminder")
        told = {a: got.get(a) for a in owners}
        assert all((n or 0) <= 2 for n in told.values()), told
        return told == dict.fromkeys(owners, 2)

    await eventually(each_student_told_twice, timeout_s=60, what="two inbox messages each")


def _in(**delta: float) -> datetime:
    return datetime.now(UTC) + timedelta(**delta)


async def test_confirming_one_photo_through_both_processes_at_once_emits_once(
    gateway: httpx.AsyncClient, stack: StackEndpoints, two_of_each: None
) -> None:
    student, seeded = await student_with_photos(gateway, stack, 8)
    first, second = instance("photos"), instance("photos", EXTRA)
    async with first, second:

        async def confirm_six_times(photo_id: str) -> list[httpx.Response]:
            url = f"/v1/photos/{photo_id}/confirm"
            clients = [first, second] * 3
            return await asyncio.gather(*(c.post(url, headers=student.headers) for c in clients))

        answers = await asyncio.gather(*(confirm_six_times(s.photos["graduation"]) for s in seeded))
    for same_photo in answers:
        assert {a.status_code for a in same_photo} == {200}, [a.text for a in same_photo]
        bodies = [a.json() for a in same_photo]
        assert all(b == bodies[0] for b in bodies) and bodies[0]["status"] == "confirmed"

    records = [s.record_id for s in seeded]

    async def published_once() -> bool:
        sent = await events_per_record(stack, "PhotoConfirmed", records)
        assert all(len(kinds) == 1 for kinds in sent.values()), sent
        return sent == {record: ["graduation"] for record in records}

    await eventually(published_once, timeout_s=30, what="one published PhotoConfirmed each")

    async def mailed_once_each() -> bool:
        n = (await in_notify(stack, "deliveries", "photo_confirmed")).get(student.account_id, 0)
        assert n <= len(records), n
        return n == len(records)

    await eventually(mailed_once_each, timeout_s=30, what="one confirmation mail per photo")
