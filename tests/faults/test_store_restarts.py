"""Restart PostgreSQL, then Redis, in the middle of a burst of registrations and photo
confirmations: the services recover by themselves (same processes, /readyz back to 200)
and the books balance: every acknowledged request took effect once, nothing is
half-written (see ``ledger``).

These restarts cut every connection of the shared stack for a moment.
"""

from __future__ import annotations

import asyncio
import functools
import subprocess
import time
from collections.abc import Awaitable, Callable

import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import Account

from .ledger import (
    ROOT,
    Burst,
    assert_clean,
    emails,
    metric,
    register,
    registration_tally,
    services_not_ready,
)
from .photos_seed import confirmation_tally, student_with_photos

pytestmark = [
    pytest.mark.integration,
    pytest.mark.faults,
    # the connections a restart cuts: collected in this test (tests/faults/conftest.py)
]
SERVICES = {"identity": 8001, "records": 8002, "photos": 8003, "notify": 8004, "corrections": 8005}
RESTART = {
    "postgres": "source deploy/local/postgres.sh && postgres_stop && postgres_start"
    " && wait_for postgres 60 postgres_ready",
    "redis": "source deploy/local/redis.sh && redis_stop && redis_start"
    " && wait_for redis 60 redis_ready",
    # its data lost, not only restarted (a replaced node): see also test_redis_loss
    "redis-wiped": "source deploy/local/redis.sh && redis_stop"
    ' && find "$REDIS_DIR" -mindepth 1 ! -name redis.conf -exec rm -rf {} +'
    " && redis_start && wait_for redis 60 redis_ready",
}


async def restart(store: str) -> None:
    process = await asyncio.create_subprocess_exec(
        "bash", "-c", RESTART[store], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    assert await process.wait() == 0, f"{store} did not come back"


async def not_ready() -> dict[str, str]:
    return await services_not_ready(SERVICES)


async def all_ready() -> bool:
    return not await not_ready()


async def watch_readiness(last_unready: dict[str, float]) -> None:
    """Record when each service was last seen not ready (until cancelled)."""
    while True:
        down = await not_ready()
        last_unready.update(dict.fromkeys(down, time.monotonic()))
        await asyncio.sleep(0.2)


async def dead_letters() -> float:
    """Events the five services sent to a DLQ since they started."""
    total = 0.0
    for port in SERVICES.values():
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            total += sum(await metric(client, "consumer_dead_letters_total"))
    return total


def service_pids(stack: StackEndpoints) -> dict[str, str]:
    assert stack.stack_dir is not None
    return {s: (stack.stack_dir / "run" / f"svc-{s}.pid").read_text() for s in SERVICES}


async def confirm(gateway: httpx.AsyncClient, student: Account, photo_id: str) -> bool:
    try:
        answer = await gateway.post(
            f"/api/photos/v1/photos/{photo_id}/confirm", headers=student.headers, timeout=10
        )
    except httpx.HTTPError:
        return False
    # a load generator's pace (about 100 confirmations/s), not a wait for a condition
    await asyncio.sleep(0.03)
    return answer.status_code == 200


def timed(
    submit: Callable[[str], Awaitable[bool]], acknowledged_at: list[float]
) -> Callable[[str], Awaitable[bool]]:
    """``submit`` that also notes when each acknowledgement came."""

    async def submit_timed(subject: str) -> bool:
        ok = await submit(subject)
        if ok:
            acknowledged_at.append(time.monotonic())
        return ok

    return submit_timed


@pytest.mark.parametrize("store", ["postgres", "redis", "redis-wiped"])
async def test_store_restart_mid_burst_recovers_and_balances_the_books(
    store: str, gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    if stack.stack_dir is None:
        pytest.skip("needs the local stack's processes")
    await eventually(all_ready, timeout_s=60, what="a ready system before the fault")
    pids = service_pids(stack)
    dead_before = await dead_letters()
    student, seeded = await student_with_photos(gateway, stack, 3000)
    pattern, addresses = emails(f"restart-{store}")
    registered_at: list[float] = []
    confirmed_at: list[float] = []
    registrations = Burst(
        timed(functools.partial(register, gateway), registered_at), addresses, 6
    ).start()
    photos = [s.photos["graduation"] for s in seeded]
    confirmations = Burst(
        timed(functools.partial(confirm, gateway, student), confirmed_at), photos, 2
    ).start()
    last_unready: dict[str, float] = {}
    watcher = asyncio.create_task(watch_readiness(last_unready))
    try:
        await registrations.acknowledged_at_least(15)
        started = time.monotonic()
        await restart(store)
        back = time.monotonic()
        before = len(registrations.acknowledged)
        await registrations.acknowledged_at_least(before + 20, timeout_s=120)
        try:
            await eventually(all_ready, timeout_s=60, what="every service ready again")
        except AssertionError as exc:
            raise AssertionError(f"{exc}: {await not_ready()}") from None
        ready = time.monotonic()
    finally:
        watcher.cancel()
        await registrations.finish(stop=True)
        await confirmations.finish(stop=True)
    first = {
        "registration": min(t for t in registered_at if t > back) - back,
        "confirmation": min(t for t in confirmed_at if t > back) - back,
    }
    recovered = {s: round(max(0.0, t - back), 1) for s, t in sorted(last_unready.items())}
    assert service_pids(stack) == pids, "a service was restarted"
    dead = await dead_letters() - dead_before

    accounts = await registration_tally(stack, pattern, registrations.answers)
    answers = await confirmation_tally(stack, seeded, confirmations.answers)
    print(
        f"\n{store} restart: down {back - started:.1f}s; after it was back, the first"
        f" acknowledged {', '.join(f'{k} {v:.1f}s' for k, v in first.items())};"
        f" all ready when checked at {ready - back:.1f}s\n"
        f"  registrations: {accounts}\n  confirmations: {answers}\n"
        f"  last seen not ready, seconds after the store was back: {recovered}\n"
        f"  dead-lettered meanwhile (any test's events): {dead:.0f}"
    )
    assert_clean(accounts)
    assert_clean(answers)
