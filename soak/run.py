"""A whole soak: prepare the institution, drive the mix slice by slice with the background
work beside it, sample the stack, wait for the queues to drain, judge."""

from __future__ import annotations

import asyncio
import contextlib
import resource
import statistics
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from bench.report import Report
from soak import report
from soak.client import Gateway
from soak.config import ROOT, Config
from soak.mix import WEIGHTS, Mix
from soak.population import (
    Institution,
    Person,
    Registrar,
    Student,
    import_roster,
    people,
    set_up_institution,
    upload_photos,
)
from soak.probes import CpuTop, Logs, Probes
from soak.stats import Slice

P99_LIMIT_MS = 1000.0  # a step of the rate search holds when its p99 stays within this


def say(text: str) -> None:
    print(f"[soak {datetime.now(UTC):%H:%M:%S}] {text}", flush=True)


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _every(seconds: float, work: Callable[[], Awaitable[None]]) -> None:
    """Run ``work`` now and then every ``seconds`` (start to start; never two at once)."""
    while True:
        started = time.monotonic()
        await work()
        await asyncio.sleep(max(0.0, seconds - (time.monotonic() - started)))


class Soak:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.run_id = uuid.uuid4().hex[:6].upper()
        self.gateway = Gateway(config.gateway, Slice(-1, 0, 0))  # the preparation's slice
        self.registrar = Registrar(self.gateway, self.run_id)
        self.probes = Probes(config)
        self.notes: Counter[str] = Counter()
        active = config.students + int(config.arrivals_per_min * config.minutes) + 20
        if config.find_rates:
            minutes = len(config.schedule()) * config.slice_minutes
            active = config.students + int(config.arrivals_per_min * minutes) + 20
        self.active: list[Person] = people(self.run_id, 0, active)
        self.background_next = 1_000_000
        self.background_rows: list[Person] = []
        self.waiting: list[Person] = []  # roster people who have not registered yet

    # --- preparation --------------------------------------------------------------------
    async def prepare(self) -> tuple[Institution, Mix]:
        cfg = self.config
        started = time.monotonic()
        inst = await set_up_institution(self.gateway)
        say(f"institution {inst.code}: staff and window ready")
        done = await import_roster(self.gateway, inst, self.active)
        say(f"roster: {done['accepted']} of {done['total']} rows accepted")
        batch = await upload_photos(self.gateway, inst, self.active)
        say(f"photo batch: {batch['status']} {_counts(batch)}")
        mix = Mix(self.gateway, inst, self.registrar)
        gate = asyncio.Semaphore(8)
        waiting = list(reversed(self.active))

        async def one(person: Person) -> None:
            async with gate:
                student = await self.registrar.register(person)
            if student is None:
                self.notes["preparation: registration failed"] += 1
                return
            mix.add(student)
            await self._photos_arrive(student, mix)

        await asyncio.gather(*(one(waiting.pop()) for _ in range(cfg.students)))
        self.waiting = waiting
        prep = self.gateway.slice.summary()
        say(
            f"{len(mix.students)} students ({len(mix.with_photos)} with both photos) in"
            f" {time.monotonic() - started:.0f} s"
            f" ({prep['requests']} requests, statuses {prep['statuses']})"
        )
        return inst, mix

    async def _photos_arrive(self, student: Student, mix: Mix, timeout_s: float = 120) -> None:
        """Look, as a student refreshing the page, until both photos are there (the mix's
        own reads of the photo page keep looking after that)."""
        deadline = time.monotonic() + timeout_s
        pause = 1.0
        while True:
            mix.saw(student, await self.registrar.photos_of(student))
            if len(student.photos) == 2:
                return
            if time.monotonic() > deadline:
                self.notes["photos not there within 120 s of registering"] += 1
                return
            await asyncio.sleep(pause)
            pause = min(pause * 2, 10.0)

    # --- background work ----------------------------------------------------------------
    async def _arrival(self, mix: Mix) -> None:
        if not self.waiting:
            return
        student = await self.registrar.register(self.waiting.pop())
        if student is None:
            self.notes["arrivals failed"] += 1
            return
        self.notes["arrivals"] += 1
        mix.add(student)
        await self._photos_arrive(student, mix)

    async def _arrivals(self, mix: Mix) -> None:
        tasks: set[asyncio.Task[None]] = set()
        if self.config.arrivals_per_min <= 0:
            return
        try:
            while True:
                await asyncio.sleep(60 / self.config.arrivals_per_min)
                task = asyncio.create_task(self._arrival(mix))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
        finally:
            for task in tasks:
                task.cancel()

    async def _import(self, inst: Institution) -> None:
        rows = people(self.run_id, self.background_next, self.config.import_rows)
        self.background_next += len(rows)
        state = await import_roster(self.gateway, inst, rows)
        self.background_rows += rows
        self.notes["background rows imported"] += state["accepted"]

    async def _batch(self, inst: Institution) -> None:
        n = max(1, self.config.batch_photos // 2)
        rows, self.background_rows = self.background_rows[:n], self.background_rows[n:]
        if rows:
            state = await upload_photos(self.gateway, inst, rows)
            self.notes["background photos uploaded"] += 2 * len(rows)
            self.notes[f"background batches {state['status']}"] += 1

    async def _sampler(self) -> None:
        while True:
            sample = await self.probes.sample()
            self.gateway.slice.samples.append(sample)
            await asyncio.sleep(self.config.sample_s)

    # --- the load -----------------------------------------------------------------------
    async def drive(self, mix: Mix) -> list[Slice]:
        cfg = self.config
        cap = cfg.in_flight_cap
        logs = Logs(cfg.stack_dir / "logs")
        logs.other_gateway_requests()  # from now on
        cpu_top = CpuTop()
        inflight: set[asyncio.Task[None]] = set()
        slices = []
        for index, (rate, seconds) in enumerate(cfg.schedule()):
            current = Slice(index, rate, seconds)
            self.gateway.slice = current
            cpu, loads = _cpu_s(), len(self.probes.load)
            interval, tick = 1 / rate, current.started
            end = current.started + seconds
            while (tick := tick + interval) < end:
                if (delay := tick - time.monotonic()) > 0:
                    await asyncio.sleep(delay)
                if len(inflight) >= cap:
                    current.skipped += 1
                    continue
                task = asyncio.create_task(self._guarded(mix))
                inflight.add(task)
                task.add_done_callback(inflight.discard)
            await asyncio.sleep(max(0.0, end - time.monotonic()))
            current.ended = time.monotonic()
            current.log_bytes = logs.written()
            current.other_gateway_requests = logs.other_gateway_requests()
            current.cpu_top = cpu_top.top()
            current.driver_cpu_s = _cpu_s() - cpu
            current.load_average = statistics.mean(self.probes.load[loads:] or [0.0])
            current.notes.update(mix.notes)
            mix.notes.clear()
            slices.append(current)
            s = current.summary()
            say(
                f"slice {index + 1}: {s['rate']:.1f}/s (target {rate:g}), p50 {s['p50_ms']:.0f}"
                f" p99 {s['p99_ms']:.0f} ms, skipped {s['skipped']}, {s['statuses']},"
                f" lag max {s['consumer_lag']['max']}, outbox age max {s['outbox']['max_age_s']} s"
            )
        if inflight:
            await asyncio.wait(inflight, timeout=60)
        return slices

    async def _guarded(self, mix: Mix) -> None:
        try:
            await mix.one()
        except Exception as exc:  # a driver bug must show, not end the soak
            mix.notes[f"driver error {type(exc).__name__}"] += 1

    async def backlog(self) -> tuple[dict[str, int], int] | None:
        """Consumer lag per group and unpublished outbox rows; None when it cannot be seen."""
        try:
            lag = await self.probes.kafka.lag()
            rows = sum(n for n, _ in (await self.probes.db.outbox()).values())
        except Exception:  # the broker or a database is away
            return None
        return lag, rows

    async def drain(self, before: tuple[dict[str, int], int] | None) -> dict[str, Any]:
        """Wait until lag and outboxes are empty, or (on a stack shared with other work that
        had a backlog before the load) back to what they were before; at most drain_s."""
        lag_before, rows_before = (sum(before[0].values()), before[1]) if before else (0, 0)
        started = time.monotonic()
        seen: tuple[dict[str, int], int] | None = None
        while True:
            seen = await self.backlog() or seen
            waited = round(time.monotonic() - started, 1)
            lag, rows = seen if seen else ({}, -1)
            if seen and sum(lag.values()) <= lag_before and rows <= rows_before:
                break
            if waited > self.config.drain_s:
                break
            await asyncio.sleep(1)
        drained = bool(seen) and sum(lag.values()) <= lag_before and rows <= rows_before
        return {
            "drained": drained,
            "waited_s": waited,
            "lag": lag if sum(lag.values()) else 0,
            "outbox_rows": rows,
            "lag_before_load": before[0] if before else None,
            "outbox_rows_before_load": rows_before,
        }

    async def run(self) -> dict[str, Any]:
        cfg = self.config
        started_at = datetime.now(UTC).isoformat(timespec="seconds")
        await self.probes.start()
        try:
            inst, mix = await self.prepare()
            dlq_before = await self.probes.kafka.dlq()
            before = await self.backlog()
            say(f"before the load: lag {before and before[0]}, outbox rows {before and before[1]}")
            background = [
                asyncio.create_task(self._sampler()),
                asyncio.create_task(self._arrivals(mix)),
                asyncio.create_task(_every(cfg.import_every_s, lambda: self._import(inst))),
                asyncio.create_task(_every(cfg.batch_every_s, lambda: self._batch(inst))),
            ]
            say(f"load: {cfg.schedule()[0][0]:g} requests/s, {len(cfg.schedule())} slice(s)")
            try:
                slices = await self.drive(mix)
            finally:
                for task in background:
                    task.cancel()
                await asyncio.gather(*background, return_exceptions=True)
            say("load ended; waiting for consumer lag and outboxes to drain")
            drain = await self.drain(before)
            dlq_after = await self.probes.kafka.dlq()
        finally:
            await self.probes.close()
            await self.gateway.close()
        summaries = [s.summary() for s in slices]
        self.notes.update({f"probe errors {k}": v for k, v in self.probes.errors.items()})
        run: dict[str, Any] = {
            "started_at": started_at,
            "ended_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": Report().machine(),
            "commit": _git("rev-parse", "--short", "HEAD"),
            "uncommitted_in_photos": bool(_git("status", "--porcelain", "services/photos")),
            "command": command(cfg),
            "config": {k: str(v) for k, v in asdict(cfg).items()},
            "mix": ", ".join(f"{k} {v}" for k, v in WEIGHTS.items())
            + f"; arrivals {cfg.arrivals_per_min:g}/min; roster import of {cfg.import_rows}"
            f" rows every {cfg.import_every_s:g} s; photo batch of {cfg.batch_photos} photos"
            f" every {cfg.batch_every_s:g} s",
            "population": f"institution {inst.code}, {len(mix.students)} students at the end"
            f" ({cfg.students} prepared)",
            "slices": summaries,
            "drain": drain,
            "dlq_before": dlq_before,
            "dlq_after": dlq_after,
            "notes": dict(self.notes + sum((Counter(s.notes) for s in slices), Counter())),
            "find_rates": cfg.find_rates,
            "p99_limit_ms": P99_LIMIT_MS,
        }
        if cfg.find_rates:
            run["sustained_rate"] = report.sustained_rate(summaries, p99_limit_ms=P99_LIMIT_MS)
        run["failures"] = report.verdict(
            summaries, drain, rss_limit=cfg.rss_growth, check_rss=not cfg.find_rates
        )
        return run


def _counts(batch: dict[str, Any]) -> str:
    return str({k: v for k, v in batch.items() if isinstance(v, int)})


def _git(*args: str) -> str:
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        return subprocess.run(  # noqa: S603
            ["git", *args],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    return ""


def command(cfg: Config) -> str:
    default = Config()
    names = ("rate", "minutes", "slice_minutes", "students", "arrivals_per_min", "import_rows",
             "import_every_s", "batch_photos", "batch_every_s", "find_rates")  # fmt: skip
    changed = [
        f"SOAK_{name.upper()}={getattr(cfg, name)}"
        for name in names
        if getattr(cfg, name) != getattr(default, name)
    ]
    return " ".join([*changed, "make soak"])
