"""Confirmations/s and p50/p99 through the gateway, next to a bare FastAPI+asyncpg endpoint
doing the same SQL, in the same run (DESIGN §7: ≥ 1,000/s, p99 ≤ 100 ms, ≥ 60 % of bare).

    .venv/bin/python services/photos/bench/confirm_bench.py [--records 12000] [--duration 10]

Needs the running stack and ``wrk``. One student account (real, through identity) owns
every benchmark record, so each request confirms a different pending photo (the write path:
one read, one statement writing the answer and its outbox row).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
from jiaodui_runtime.testing.accounts import register_and_activate
from jiaodui_runtime.testing.stack import locate_stack

BARE_PORT = 8093
BARE = Path(__file__).with_name("bare_confirm.py")
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
            columns=["record_id", "kind", "photo_id", "photo_seq", "status"],
            records=[
                (r, "graduation", p, 1, "pending") for r, p in zip(records, photos, strict=True)
            ],
        )
    finally:
        await conn.close()
    return [str(p) for p in photos]


def wrk(
    url: str, ids: list[str], token: str, *, duration: int, connections: int
) -> dict[str, float]:
    threads = 2
    script = LUA % (",".join(f'"{i}"' for i in ids), threads, url, token)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    base = re.match(r"(https?://[^/]+)", url)
    assert base
    out = subprocess.run(  # noqa: S603 - our own arguments
        [  # noqa: S607 - wrk from PATH
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-s",
            f.name,
            base.group(1),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(f.name).unlink()

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


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    with locate_stack() as stack:
        assert stack.gateway_url
        dsn = stack.dsn_for("photos")
        async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as gateway:
            student = await register_and_activate(gateway, stack)
        server = subprocess.Popen([sys.executable, str(BARE), dsn, str(BARE_PORT)])  # noqa: S603, ASYNC220
        try:
            async with httpx.AsyncClient() as client:
                for _ in range(100):
                    try:
                        await client.get(f"http://127.0.0.1:{BARE_PORT}/docs")
                        break
                    except httpx.HTTPError:
                        await asyncio.sleep(0.1)
            targets = {
                "bare FastAPI+asyncpg (direct)": f"http://127.0.0.1:{BARE_PORT}/bare/",
                "photos service (direct :8003)": "http://127.0.0.1:8003/v1/photos/",
                "photos through the gateway": f"{stack.gateway_url}/api/photos/v1/photos/",
            }
            results = {}
            for name, url in targets.items():
                ids = await seed(dsn, student.account_id, args.records + 1)
                async with httpx.AsyncClient() as client:  # warm: JWKS fetched, pool filled
                    warm = await client.post(f"{url}{ids.pop()}/confirm", headers=student.headers)
                    assert warm.status_code == 200, warm.text
                started = time.monotonic()
                results[name] = wrk(
                    url, ids, student.token, duration=args.duration, connections=args.connections
                )
                conn = await asyncpg.connect(dsn)
                done = await conn.fetchval(
                    "SELECT count(*) FROM photo_slots WHERE photo_id = ANY($1::uuid[])"
                    " AND status = 'confirmed'",
                    [uuid.UUID(i) for i in ids],
                )
                await conn.close()
                results[name]["confirmed"] = done
                results[name]["wall_s"] = time.monotonic() - started
        finally:
            server.terminate()
            server.wait()
    bare = results["bare FastAPI+asyncpg (direct)"]["rps"]
    print(
        f"{'target':34} {'conf/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'non2xx':>6}"
        f" {'written':>7} {'% bare':>6}"
    )
    for name, r in results.items():
        print(
            f"{name:34} {r['rps']:8.0f} {r['p50_ms']:7.2f} {r['p99_ms']:7.2f} "
            f"{r['non_2xx']:6.0f} {r['confirmed']:7.0f} {100 * r['rps'] / bare:5.0f}%"
        )


if __name__ == "__main__":
    asyncio.run(main())
