"""Confirmations/s and p50/p99 through the gateway, next to a bare FastAPI+asyncpg endpoint
doing the same SQL and nginx answering a static 200 (the gateway's own ceiling), in the same
run (DESIGN §7: ≥ 1,000/s, p99 ≤ 100 ms; issue 16: ≥ 90 % of bare).

One student account (real, through identity) owns every benchmark record, so each request
confirms a different pending photo (the write path: one statement reading the slot,
writing the answer and its outbox row). The load comes from ``wrk`` (C, two threads)
pinned with taskset to the machine's last core; the stack runs on every core, that one
included, so every figure still includes the load generator's share of the CPU.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
from jiaodui_runtime.testing.accounts import register_and_activate
from jiaodui_runtime.testing.stack import locate_stack

from bench.cpu import measured
from bench.report import Row
from bench.settle import settled

BARE_PORT = 8093
BARE = Path(__file__).with_name("bare_confirm.py")
DURATION_S = 15
CONNECTIONS = 32
RECORDS = 25_000
RECORD_COLUMNS = [
    "record_id",
    "institution_code",
    "branch",
    "cohort",
    "name",
    "name_key",
    "id_type",
    "identity_hash",
    "student_number",
]
OWNER_COLUMNS = ["record_id", "account_id", "institution_code", "branch", "cohort", "matched_at"]
LUA = """
local ids = {%s}
local counter = 0
local threads = {}
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  n = 0
end
request = function()
  local id = ids[((n * %d + tid) %% #ids) + 1]
  n = n + 1
  return wrk.format("POST", "%s" .. id .. "/confirm", {["Authorization"] = "Bearer %s"})
end
"""


async def seed(dsn: str, account_id: str, n: int) -> list[str]:
    """n records owned by the account, each with a pending graduation photo."""
    institution = f"BENCH{uuid.uuid4().hex[:6]}"
    records = [uuid.uuid4() for _ in range(n)]
    photos = [uuid.uuid4() for _ in range(n)]
    conn = await asyncpg.connect(dsn)
    try:
        await conn.copy_records_to_table(
            "records",
            columns=RECORD_COLUMNS,
            records=[
                (r, institution, "bench", "2026", "测", "测", "resident_id", r.hex * 2, str(i))
                for i, r in enumerate(records)
            ],
        )
        await conn.copy_records_to_table(
            "record_owners",
            columns=OWNER_COLUMNS,
            records=[
                (
                    r,
                    uuid.UUID(account_id),
                    institution,
                    "bench",
                    "2026",
                    datetime.now(UTC),
                )
                for r in records
            ],
        )
        await conn.copy_records_to_table(
            "photo_slots",
            # as linking and the machine checks leave them: pending and checked (passed)
            columns=["record_id", "kind", "photo_id", "photo_seq", "status", "check_state"],
            records=[
                (r, "graduation", p, 1, "pending", "passed")
                for r, p in zip(records, photos, strict=True)
            ],
        )
    finally:
        await conn.close()
    return [str(p) for p in photos]


def _wrk_core() -> list[str]:
    """wrk pinned to the last core (taskset) when there is more than one: the load generator
    then takes at most one core's share, and the stack has the others to itself."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2 or shutil.which("taskset") is None:
        return []
    return ["taskset", "-c", str(cores[-1])]


WRK_PINNED = _wrk_core()


def wrk(url: str, script: str | None = None) -> dict[str, float]:
    """Drive ``url`` with wrk for DURATION_S; ``script`` (Lua) builds the requests, else GETs."""
    threads = 2
    command = [*WRK_PINNED, "wrk", f"-t{threads}", f"-c{CONNECTIONS}", f"-d{DURATION_S}s"]
    command.append("--latency")
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        if script is not None:
            lua.write(script)
            lua.flush()
            command += ["-s", lua.name]
        out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603

    def ms(label: str) -> float:
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        assert m, out
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    assert rps, out
    return {
        "rps": float(rps.group(1)),
        "p50_ms": ms("50"),
        "p99_ms": ms("99"),
        "non_2xx": float(errors.group(1)) if errors else 0.0,
    }


def confirm_script(url: str, ids: list[str], token: str) -> str:
    """Each wrk thread walks its own share of the pending photos, one confirm per photo."""
    path = re.sub(r"^https?://[^/]+", "", url)
    return LUA % (",".join(f'"{i}"' for i in ids), 2, path, token)


@contextlib.asynccontextmanager
async def bare_server(dsn: str, account_id: str) -> AsyncIterator[str]:
    server = await asyncio.create_subprocess_exec(
        sys.executable, str(BARE), dsn, account_id, str(BARE_PORT)
    )
    base = f"http://127.0.0.1:{BARE_PORT}"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(200):
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{base}/docs")).status_code == 200:
                        break
                await asyncio.sleep(0.05)
        yield base
    finally:
        server.terminate()
        await server.wait()


async def confirmed_count(dsn: str, ids: list[str]) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM photo_slots WHERE photo_id = ANY($1::uuid[])"
                " AND status = 'confirmed'",
                [uuid.UUID(i) for i in ids],
            )
        )
    finally:
        await conn.close()


async def confirmations() -> list[Row]:
    with locate_stack() as stack:
        assert stack.gateway_url
        dsn = stack.dsn_for("photos")
        async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as gateway:
            student = await register_and_activate(gateway, stack)
        results: dict[str, dict[str, float]] = {}
        waited: dict[str, float] = {}
        results["nginx"] = await asyncio.to_thread(wrk, f"{stack.gateway_url}/gateway/healthz")
        async with bare_server(dsn, student.account_id) as bare:
            targets = {
                "bare": f"{bare}/bare/",
                "direct": "http://127.0.0.1:8003/v1/photos/",
                "gateway": f"{stack.gateway_url}/api/photos/v1/photos/",
            }
            for name, url in targets.items():
                ids = await seed(dsn, student.account_id, RECORDS + 1)
                async with httpx.AsyncClient() as client:  # warm: JWKS fetched, pool filled
                    warm = await client.post(f"{url}{ids.pop()}/confirm", headers=student.headers)
                    assert warm.status_code == 200, warm.text
                script = confirm_script(url, ids, student.token)
                waited[name] = await settled()  # the previous phase's events applied
                with measured(f"confirm, {name}", "confirmation") as window:
                    results[name] = await asyncio.to_thread(wrk, url, script)
                window.units = results[name]["confirmed"] = await confirmed_count(dsn, ids)
    gateway, bare, direct, nginx = (results[k] for k in ("gateway", "bare", "direct", "nginx"))
    written = (
        f"{gateway['confirmed']:.0f} photos confirmed by the gateway run,"
        f" {gateway['non_2xx']:.0f} non-2xx; {CONNECTIONS} connections, {DURATION_S} s each, wrk"
        f" {'pinned: ' + ' '.join(WRK_PINNED) if WRK_PINNED else 'unpinned'}, on the stack's cores;"
        " each phase starts once the last one's events were applied (waited "
        + ", ".join(f"{k} {v:.0f} s" for k, v in waited.items())
        + "); a phase's own events are applied during it (five consumers on the same cores)"
    )
    return [
        Row(
            "confirm",
            "confirmations/s via gateway",
            gateway["rps"],
            bare["rps"],
            "req/s",
            "≥ 1,000/s and ≥ 90 % of bare",
            "bare FastAPI+asyncpg, same SQL",
            written,
        ),
        Row("confirm", "p50 via gateway", gateway["p50_ms"], bare["p50_ms"], "ms", "–", "bare p50"),
        Row(
            "confirm",
            "p99 via gateway",
            gateway["p99_ms"],
            bare["p99_ms"],
            "ms",
            "≤ 100 ms",
            "bare p99",
        ),
        Row(
            "confirm",
            "confirmations/s direct to the service",
            direct["rps"],
            bare["rps"],
            "req/s",
            "–",
            "bare FastAPI+asyncpg",
        ),
        Row(
            "confirm",
            "gateway ceiling: nginx static 200",
            nginx["rps"],
            None,
            "req/s",
            "–",
            notes=f"p99 {nginx['p99_ms']:.1f} ms: the most the gateway passes on this machine",
        ),
    ]
