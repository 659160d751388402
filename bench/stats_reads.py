"""The offices' progress reads through the gateway on the data the stack already holds:
``GET /api/photos/v1/stats`` for one college and for its whole institution, and records'
``GET /v1/records`` (its count) and ``GET /v1/progress`` for the same scopes.

Not a ``make bench`` scenario: it measures whatever institution the dev stack has grown (on
the shared dev stack, B01d8f2: colleges of 83,334 records), so it needs no seed. Requests go
one at a time, more than five per route on the same few connections, so that PostgreSQL's
switch of a prepared statement to its generic plan (after five executions) is measured too.

    .venv/bin/python -m bench.stats_reads --institution B01d8f2 --college 学院00 -n 40
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import httpx
from jiaodui_runtime.testing.accounts import create_staff
from jiaodui_runtime.testing.stack import locate_stack


async def timed(
    gateway: httpx.AsyncClient, path: str, params: dict[str, str], token: str, n: int
) -> list[float]:
    spent = []
    for _ in range(n):
        started = time.perf_counter()
        answer = await gateway.get(
            path, params=params, headers={"Authorization": f"Bearer {token}"}
        )
        spent.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.text
    return spent


def line(label: str, ms: list[float]) -> str:
    ordered = sorted(ms)
    p90 = ordered[max(0, round(0.9 * len(ordered)) - 1)]
    return (
        f"| {label} | {len(ms)} | {statistics.median(ms):,.1f} | {p90:,.1f} |"
        f" {ordered[0]:,.1f} | {ordered[-1]:,.1f} |"
    )


async def main(institution: str, college: str, n: int, routes: list[str]) -> None:
    with locate_stack() as stack:
        assert stack.gateway_url, "the system is not running"
        async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=120) as gateway:
            registrar = await create_staff(
                gateway, stack, role="registrar", institution_code=institution
            )
            office = await create_staff(
                gateway, stack, role="college_staff", institution_code=institution, college=college
            )
            cases = {
                "stats-college": ("/api/photos/v1/stats", {}, office.token),
                "stats-institution": ("/api/photos/v1/stats", {}, registrar.token),
                "records-count-college": (
                    "/api/records/v1/records",
                    {"limit": "20"},
                    office.token,
                ),
                "records-progress-college": ("/api/records/v1/progress", {}, office.token),
                "records-progress-institution": (
                    "/api/records/v1/progress",
                    {},
                    registrar.token,
                ),
            }
            print(f"institution {institution}, college {college}, {n} requests each, in turn")
            print("| route | n | p50 ms | p90 ms | min ms | max ms |")
            print("|---|---|---|---|---|---|")
            for name in routes or list(cases):
                path, params, token = cases[name]
                print(line(name, await timed(gateway, path, params, token, n)), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--institution", default="B01d8f2")
    parser.add_argument("--college", default="学院00")
    parser.add_argument("-n", type=int, default=40)
    parser.add_argument("routes", nargs="*", help="stats-college, stats-institution, records-...")
    args = parser.parse_args()
    asyncio.run(main(args.institution, args.college, args.n, args.routes))
