"""Ledger fault test: kill -9 services in the middle of a burst, then check the books.

Every registration the gateway acknowledged (202) must end as exactly one account,
one published outbox event and exactly one delivery row in notify; nothing the
gateway refused may be half-written (see ``ledger``). The short version runs in
`make test`; set JIAODUI_FAULTS_LONG=1 (`make test-faults`) for a longer burst.
"""

from __future__ import annotations

import functools
import os
import signal

import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints

from .ledger import Burst, assert_clean, emails, register, registration_tally, services

pytestmark = [pytest.mark.integration, pytest.mark.faults]
LONG = os.environ.get("JIAODUI_FAULTS_LONG") == "1"


def kill_9(stack: StackEndpoints, service: str) -> None:
    assert stack.stack_dir is not None
    pid = int((stack.stack_dir / "run" / f"svc-{service}.pid").read_text())
    os.kill(pid, signal.SIGKILL)


async def test_kill_9_identity_and_notify_mid_burst_leaves_a_clean_ledger(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    if stack.stack_dir is None:
        pytest.skip("needs the local stack's processes")
    total = 400 if LONG else 80
    pattern, addresses = emails("fault", total)
    burst = Burst(functools.partial(register, gateway), addresses).start()
    await burst.answered(total // 4)
    kill_9(stack, "notify")
    await burst.answered(total // 2)
    kill_9(stack, "identity")
    await services("start", "identity")
    await services("start", "notify")
    await burst.finish()

    assert len(burst.acknowledged) >= total // 2, "the burst should mostly succeed"
    tally = await registration_tally(stack, pattern, burst.answers)
    print(f"kill -9 identity and notify: {tally}")
    assert_clean(tally)
