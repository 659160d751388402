"""The fault tests' books: drive a burst of registrations, then count what took effect.

A registration the service acknowledged (202) must end as exactly one account, one
published AccountRegistered event, one published activation command and exactly one
activation delivery in notify. A registration that was not acknowledged may have been
cut off before or after its commit: it must then have no effect at all, or all of them
(nothing half-written).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
from jiaodui_runtime.testing import StackEndpoints, eventually
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
GATEWAY_ACCOUNTS = "/api/identity/v1/accounts"
REGISTERED = "jiaodui.identity.AccountRegistered.v1"
ACTIVATION = "jiaodui.notify.SendActivationMail.v1"


async def script(path: str, *args: str, env: Mapping[str, str] | None = None) -> None:
    """Run one of the deploy scripts (bash PATH ARGS...) and require success."""
    process = await asyncio.create_subprocess_exec(
        "bash",
        str(ROOT / path),
        *args,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=None if env is None else {**os.environ, **env},
    )
    assert await process.wait() == 0, f"{path} {' '.join(args)} failed"


async def services(action: str, *names: str, env: Mapping[str, str] | None = None) -> None:
    """``deploy/local/services.sh ACTION NAMES...`` (start, start-extra, stop-extra...)."""
    await script("deploy/local/services.sh", action, *names, env=env)


async def register(client: httpx.AsyncClient, email: str, path: str = GATEWAY_ACCOUNTS) -> bool:
    """Submit one registration; True when it was acknowledged (202)."""
    form = {
        "email": email,
        "password": "Fault-pass-1",
        "password_confirm": "Fault-pass-1",
        "accept_terms": True,
    }
    try:
        answer = await client.post(path, json=form, timeout=10)
    except httpx.HTTPError:
        return False
    return answer.status_code == 202


async def metric(client: httpx.AsyncClient, name: str, **labels: str) -> list[float]:
    """The values of the samples of ``name`` in ``/metrics`` whose labels include ``labels``."""
    text = (await client.get("/metrics")).text
    return [
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name and labels.items() <= sample.labels.items()
    ]


@dataclass
class Burst:
    """Workers submitting ``subjects`` until they run out or :meth:`finish` is called."""

    submit: Callable[[str], Awaitable[bool]]
    subjects: list[str]
    workers: int = 8
    answers: dict[str, bool] = field(default_factory=dict)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _stopping: bool = False

    def start(self) -> Burst:
        queue = iter(self.subjects)

        async def work() -> None:
            while not self._stopping:
                subject = next(queue, None)
                if subject is None:
                    return
                self.answers[subject] = await self.submit(subject)

        self._tasks = [asyncio.create_task(work()) for _ in range(self.workers)]
        return self

    @property
    def acknowledged(self) -> list[str]:
        return [s for s, ok in self.answers.items() if ok]

    async def answered(self, n: int, timeout_s: float = 60) -> None:
        await eventually(
            lambda: asyncio.sleep(0, len(self.answers) >= n), timeout_s=timeout_s, what=f"{n}"
        )

    async def acknowledged_at_least(self, n: int, timeout_s: float = 60) -> None:
        await eventually(
            lambda: asyncio.sleep(0, len(self.acknowledged) >= n),
            timeout_s=timeout_s,
            what=f"{n} acknowledged",
        )

    async def finish(self, *, stop: bool = False) -> None:
        self._stopping = stop
        await asyncio.gather(*self._tasks)


def emails(prefix: str, n: int = 5000) -> tuple[str, list[str]]:
    """``n`` fresh addresses and the LIKE pattern that finds them (and only them)."""
    run = f"{prefix}-{uuid.uuid4().hex[:8]}"
    return f"{run}-%", [f"{run}-{i}@example.edu.cn" for i in range(n)]


@dataclass(frozen=True)
class Tally:
    """submitted / acknowledged / effected / duplicated / lost, for the report."""

    submitted: int
    acknowledged: int
    effected: int
    duplicated: int
    lost: int
    half_written: int

    def __str__(self) -> str:
        return (
            f"submitted={self.submitted} acknowledged={self.acknowledged} "
            f"effected={self.effected} duplicated={self.duplicated} lost={self.lost} "
            f"half_written={self.half_written}"
        )


async def _per_key(conn: asyncpg.Connection, sql: str, *args: object) -> dict[str, int]:
    return {str(r[0]): r[1] for r in await conn.fetch(sql, *args)}


async def registration_tally(
    stack: StackEndpoints, pattern: str, answers: Mapping[str, bool], *, timeout_s: float = 90
) -> Tally:
    """Wait for the effects of the registrations whose e-mail matches ``pattern`` (LIKE)
    to settle, then count them; the caller asserts on the result."""
    identity = await asyncpg.connect(stack.dsn_for("identity"))
    notify = await asyncpg.connect(stack.dsn_for("notify"))
    try:
        accounts = await identity.fetch(
            "SELECT id::text, email FROM accounts WHERE email LIKE $1", pattern
        )
        ids = {r["email"]: r["id"] for r in accounts}

        async def published() -> dict[str, int]:
            return await _per_key(
                identity,
                "SELECT key, count(*) FILTER (WHERE published_at IS NOT NULL) FROM outbox"
                " WHERE key = ANY($1::text[]) AND event_type = ANY($2::text[]) GROUP BY key",
                list(ids.values()),
                [REGISTERED, ACTIVATION],
            )

        async def delivered() -> dict[str, int]:
            return await _per_key(
                notify,
                "SELECT recipient_key, count(*) FROM deliveries"
                " WHERE template = 'activation' AND recipient_key LIKE $1 GROUP BY recipient_key",
                pattern,
            )

        async def settled() -> bool:
            events, mails = await published(), await delivered()
            return all(events.get(i, 0) >= 2 for i in ids.values()) and set(mails) >= set(ids)

        with contextlib.suppress(AssertionError):  # what did not settle counts as lost below
            await eventually(settled, timeout_s=timeout_s, what="the registrations' effects")
        events, mails = await published(), await delivered()
    finally:
        await identity.close()
        await notify.close()
    complete = {e for e in ids if events.get(ids[e]) == 2 and mails.get(e) == 1}
    acknowledged = {e for e, ok in answers.items() if ok}
    too_many = {e for e in ids if events.get(ids[e], 0) > 2 or mails.get(e, 0) > 1}
    return Tally(
        submitted=len(answers),
        acknowledged=len(acknowledged),
        effected=len(complete),
        duplicated=len(too_many) + len(accounts) - len(ids),
        lost=len(acknowledged - complete - too_many),
        half_written=len(set(ids) - complete - too_many - acknowledged),
    )


def assert_clean(tally: Tally) -> None:
    assert (tally.duplicated, tally.lost, tally.half_written) == (0, 0, 0), str(tally)
    assert tally.effected >= tally.acknowledged, str(tally)


async def services_not_ready(services: Mapping[str, int]) -> dict[str, str]:
    """The services (name → port) whose /readyz does not answer 200, with what they answered."""

    async def probe(client: httpx.AsyncClient, port: int) -> str | None:
        try:
            answer = await client.get(f"http://127.0.0.1:{port}/readyz")
        except httpx.HTTPError as exc:
            return repr(exc)
        return None if answer.status_code == 200 else answer.text

    async with httpx.AsyncClient(timeout=5) as client:
        found = await asyncio.gather(*(probe(client, port) for port in services.values()))
    return {service: why for service, why in zip(services, found, strict=True) if why}
