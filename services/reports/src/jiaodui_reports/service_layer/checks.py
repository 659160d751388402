"""The public check: anyone with a code sees the report as issued, nothing more.

Enumeration resistance: every attempt counts against a per-address and a global limit
(429 with Retry-After), an unknown or malformed code answers 404 ``report_not_found``
exactly like a code that never existed, and every answer but a 429 takes at least
``check_answer_floor_s`` so that timing tells nothing either.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.ratelimit import Limit

from jiaodui_reports.domain import validity
from jiaodui_reports.domain.codes import normalise
from jiaodui_reports.state import Reports
from jiaodui_reports.store import reports as store


@dataclass(frozen=True, slots=True)
class Checked:
    report: store.Report
    status: validity.Status


def not_found() -> Problem:
    return Problem(404, "report_not_found", "No report has this code.")


async def _enforce_limits(rep: Reports, client_ip: str) -> None:
    s = rep.settings
    await rep.limiter.enforce(
        f"ip:{client_ip}",
        [Limit(s.checks_per_ip_per_min, 60), Limit(s.checks_per_ip_per_hour, 3600)],
    )
    await rep.limiter.enforce("all", [Limit(s.checks_global_per_min, 60)])


@asynccontextmanager
async def _answer_floor(seconds: float) -> AsyncIterator[None]:
    """Whatever happens inside (found, not found, an error), leave no sooner than this."""
    started = time.monotonic()
    try:
        yield
    finally:
        left = seconds - (time.monotonic() - started)
        if left > 0:
            await asyncio.sleep(left)


async def check_report(
    pool: asyncpg.Pool, rep: Reports, *, code_text: str, client_ip: str
) -> Checked:
    """Count and answer one check of a code (the report's check count grows by one)."""
    await _enforce_limits(rep, client_ip)
    async with _answer_floor(rep.settings.check_answer_floor_s):
        code = normalise(code_text)
        async with pool.acquire() as conn:
            report = await store.check(conn, code or "")
        if report is None:
            raise not_found()
        return Checked(report, _status(report))


async def check_photo(pool: asyncpg.Pool, rep: Reports, *, code_text: str, client_ip: str) -> bytes:
    """The photo of a valid report (404 for any other code: closed, expired, unknown)."""
    await _enforce_limits(rep, client_ip)
    async with _answer_floor(rep.settings.check_answer_floor_s):
        code = normalise(code_text)
        async with pool.acquire() as conn:
            report = await store.by_code(conn, code or "")
        if report is None or _status(report) != "valid":
            raise not_found()
        return await rep.blobs.get(f"sha256:{report.photo_sha256}")


def _status(report: store.Report) -> validity.Status:
    return validity.status(
        datetime.now(UTC),
        valid_until=report.valid_until,
        closed_at=report.closed_at,
        superseded_at=report.superseded_at,
    )
