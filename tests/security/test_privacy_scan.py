"""Privacy scan (issue 9): no plain ID number, phone, token, password, SMS code or session
JWT of a whole student journey shows up where it should not.

Before the journey, every log file and every system topic is marked; afterwards (once the
consumers have drained) every HTTP response the journey received, every log line and every
Kafka message written since (public topics and DLQs; not the private `notify.requests`) is
searched for this run's secrets. Masked forms (110101********1234, 138****5678) are fine.
"""

from __future__ import annotations

import asyncpg
import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints, eventually

from tests.security.privacy_journey import student_journey
from tests.security.privacy_secrets import HttpRecorder
from tests.security.privacy_watch import (
    log_lines_since,
    log_marks,
    messages_since,
    topic_marks,
    wait_until_drained,
)

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


async def _no_pending_delivery(stack: StackEndpoints, account_id: str) -> None:
    """notify sends from a queue after its consumer commits: wait for the last send."""
    notify = await asyncpg.connect(stack.dsn_for("notify"))
    try:

        async def sent() -> bool:
            pending = await notify.fetchval(
                "SELECT count(*) FROM deliveries WHERE account_id = $1 AND status = 'pending'",
                account_id,
            )
            return bool(pending == 0)

        await eventually(sent, timeout_s=60, what="notify to send the journey's messages")
    finally:
        await notify.close()


async def test_a_student_journey_leaks_no_secret(stack: StackEndpoints) -> None:
    if stack.gateway_url is None or stack.stack_dir is None:
        pytest.skip("needs the running system with its logs")
    log_dir = stack.stack_dir / "logs"
    logs_before = log_marks(log_dir)
    topics_before = await topic_marks(stack.kafka_bootstrap)
    recorder = HttpRecorder()
    async with httpx.AsyncClient(
        base_url=stack.gateway_url, timeout=30, event_hooks={"response": [recorder]}
    ) as gateway:
        account_id, secrets = await student_journey(gateway, stack)
    for token, issued_in in recorder.issued_tokens.items():
        secrets.jwt(token, issued_in=issued_in)
    await wait_until_drained(stack.kafka_bootstrap, await topic_marks(stack.kafka_bootstrap))
    await _no_pending_delivery(stack, account_id)

    lines = list(log_lines_since(log_dir, logs_before))
    messages = await messages_since(stack.kafka_bootstrap, topics_before)
    assert any(account_id in m.text for m in messages), "the scan must see the journey's events"
    leaks = secrets.leaks([*recorder.places, *lines, *messages])
    assert not leaks, f"{len(leaks)} leak(s):\n" + "\n".join(leaks[:50])
    print(
        f"privacy scan: {len(secrets)} secrets, {len(recorder.places) // 2} responses, "
        f"{len(lines)} log lines, {len(messages)} Kafka messages: no leak"
    )
