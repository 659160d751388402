"""Redis loses its data: stopped, its append-only file deleted, started again empty (a node
replaced, a disk lost), not merely restarted.

What must hold afterwards, without restarting any service:
- a signed-out token (logout: one session; a disabled staff account: every session) stays
  refused by every service: 401, or 503 ``auth_state_unavailable`` for the moment identity
  needs to copy the denylist back from PostgreSQL; never a 2xx;
- a token still valid works again within seconds;
- rate limits keep their counts: a second SMS code for the same phone within the minute is
  still refused, and the fifth wrong password still locks the account.

These tests cut every Redis connection of the shared stack and empty it: tests running at the
same moment lose their SMS codes and sign-on states (asking again recovers them). The
numbers go to .stack/logs/redis-loss.json.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import (
    PASSWORD,
    Account,
    admin_credentials,
    create_staff,
    create_student,
    log_in,
    register_and_activate,
    resident_id,
)
from redis.asyncio import Redis

from .ledger import ROOT

pytestmark = [pytest.mark.integration, pytest.mark.faults]
BORN = date(2003, 5, 17)
WIPE = (
    "source deploy/local/redis.sh && redis_stop"
    ' && find "$REDIS_DIR" -mindepth 1 ! -name redis.conf -exec rm -rf {} +'
    " && redis_start && wait_for redis 60 redis_ready"
)
STUDENT_PROBES = [
    "/api/identity/v1/me",
    "/api/records/v1/me/records",
    "/api/photos/v1/me/photos",
    "/api/notify/v1/me/messages",
    "/api/corrections/v1/me/errata",
    "/api/reports/v1/me/reports",
]
STAFF_PROBES = ["/api/identity/v1/me", "/api/photos/v1/batches"]
RESULTS: dict[str, Any] = {}


async def wipe_redis(stack: StackEndpoints) -> float:
    """Stop Redis, delete its data, start it empty; proven by a marker key that is gone.
    Returns the seconds Redis was away."""
    marker = f"test:redis-loss:{uuid.uuid4().hex}"
    redis = Redis.from_url(stack.redis_url)
    try:
        await redis.set(marker, b"1")
    finally:
        await redis.aclose()
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        "bash",
        "-c",
        WIPE,
        cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    assert process.returncode == 0, f"wiping Redis failed: {err.decode()[-2000:]}"
    away = time.monotonic() - started
    redis = Redis.from_url(stack.redis_url)  # a new connection: the old ones were cut
    try:
        assert not await redis.exists(marker), "Redis kept its data"
    finally:
        await redis.aclose()
    return away


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def record(name: str, numbers: dict[str, Any], stack: StackEndpoints) -> None:
    RESULTS[name] = numbers
    text = json.dumps(RESULTS, indent=2)
    print(f"\nredis loss, {name}:\n{json.dumps(numbers, indent=2)}")
    if stack.stack_dir is not None:
        (stack.stack_dir / "logs" / "redis-loss.json").write_text(text + "\n")


class Probes:
    """Every answer a set of tokens got from a set of paths, by status."""

    def __init__(self, gateway: httpx.AsyncClient) -> None:
        self.gateway = gateway
        self.statuses: dict[int, int] = {}
        self.accepted: list[tuple[str, int]] = []

    async def ask(self, token: str, paths: list[str]) -> list[int]:
        answers = await asyncio.gather(
            *(self.gateway.get(p, headers=bearer(token), timeout=10) for p in paths)
        )
        found = []
        for path, answer in zip(paths, answers, strict=True):
            self.statuses[answer.status_code] = self.statuses.get(answer.status_code, 0) + 1
            if answer.status_code < 300:
                self.accepted.append((path, answer.status_code))
            if answer.status_code == 503:
                assert answer.json()["code"] in {"auth_state_unavailable", "database_unavailable"}
            found.append(answer.status_code)
        return found


async def disabled_photographer(gateway: httpx.AsyncClient, stack: StackEndpoints) -> Account:
    """A photographer whose account an admin disabled: every session of it ended."""
    staff = await create_staff(
        gateway, stack, role="photographer", institution_code=f"R{uuid.uuid4().hex[:8]}"
    )
    admin = bearer(await log_in(gateway, *admin_credentials(stack)))
    answer = await gateway.patch(
        f"/api/identity/v1/staff/{staff.account_id}", json={"disabled": True}, headers=admin
    )
    assert answer.status_code == 200, answer.text
    return staff


async def test_signed_out_tokens_stay_refused_when_redis_lost_its_data(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    if stack.stack_dir is None:
        pytest.skip("needs the local stack's processes")
    student = await create_student(
        gateway,
        stack,
        name="王晓雪",
        id_number=resident_id(BORN, "female"),
        gender="female",
        birth_date=BORN,
    )
    still_valid = await log_in(gateway, student.email, student.password)
    out = await gateway.delete("/api/identity/v1/sessions/current", headers=student.headers)
    assert out.status_code == 204, out.text
    staff = await disabled_photographer(gateway, stack)
    probes = Probes(gateway)
    assert set(await probes.ask(student.token, STUDENT_PROBES)) == {401}
    assert set(await probes.ask(staff.token, STAFF_PROBES)) == {401}
    assert set(await probes.ask(still_valid, STUDENT_PROBES)) == {200}

    away = await wipe_redis(stack)
    back = time.monotonic()
    revoked = Probes(gateway)  # what the signed-out tokens got, all the while
    valid = Probes(gateway)

    async def valid_works_again() -> bool:
        await revoked.ask(student.token, STUDENT_PROBES)
        await revoked.ask(staff.token, STAFF_PROBES)
        return set(await valid.ask(still_valid, STUDENT_PROBES)) == {200}

    await eventually(valid_works_again, timeout_s=60, interval_s=0.1, what="a valid token")
    recovered_s = time.monotonic() - back
    # once recovered, the signed-out ones are plainly refused everywhere
    final = [
        *await revoked.ask(student.token, STUDENT_PROBES),
        *await revoked.ask(staff.token, STAFF_PROBES),
    ]
    record(
        "tokens",
        {
            "redis_away_s": round(away, 2),
            "valid_token_everywhere_again_after_s": round(recovered_s, 2),
            "signed_out_answers_by_status": dict(sorted(revoked.statuses.items())),
            "signed_out_accepted": revoked.accepted,
            "valid_answers_by_status": dict(sorted(valid.statuses.items())),
        },
        stack,
    )
    assert not revoked.accepted, f"signed-out tokens accepted: {revoked.accepted}"
    assert set(final) == {401}, final


async def test_rate_limits_keep_their_counts_when_redis_lost_its_data(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    if stack.stack_dir is None:
        pytest.skip("needs the local stack's processes")
    # an SMS code: 1 per minute per phone and per account
    texter = await register_and_activate(gateway, stack, email=f"s-{uuid.uuid4().hex[:10]}@qq.com")
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    sms = "/api/identity/v1/sms-codes"
    sent = await gateway.post(sms, json={"phone": phone}, headers=texter.headers)
    assert sent.status_code == 202, sent.text
    again = await gateway.post(sms, json={"phone": phone}, headers=texter.headers)
    assert again.status_code == 429, again.text
    # four wrong passwords: the fifth locks the account
    guessed = await register_and_activate(gateway, stack)
    sessions = "/api/identity/v1/sessions"
    wrong = {"email": guessed.email, "password": "wrong-pw1"}
    for _ in range(4):
        assert (await gateway.post(sessions, json=wrong)).status_code == 401

    await wipe_redis(stack)

    async def answered(path: str, body: dict[str, str], headers: dict[str, str]) -> httpx.Response:
        async def attempt() -> httpx.Response | None:
            answer = await gateway.post(path, json=body, headers=headers, timeout=10)
            return None if answer.status_code == 503 else answer

        return await eventually(attempt, timeout_s=60, interval_s=0.1, what=f"{path} answering")

    sms_after = await answered(sms, {"phone": phone}, texter.headers)
    fifth = await answered(sessions, wrong, {})
    right = await gateway.post(sessions, json={"email": guessed.email, "password": PASSWORD})
    record(
        "rate_limits",
        {
            "second_sms_within_the_minute_after_wipe": sms_after.status_code,
            "fifth_wrong_password_after_wipe": fifth.status_code,
            "right_password_after_the_fifth": [right.status_code, right.json().get("code")],
        },
        stack,
    )
    assert sms_after.status_code == 429, sms_after.text
    assert fifth.status_code == 401, fifth.text
    assert right.status_code == 423 and right.json()["code"] == "account_locked", right.text
