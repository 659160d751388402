"""Run the benchmarks: python -m bench [scenario ...]; writes bench-results/results.{md,json}."""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Awaitable, Callable

from bench import confirm, cpu, events, imports, journeys, matching, photo_checks
from bench._db import stack_size
from bench.procs import peak_rss
from bench.report import Report, Row, core_speed


def _rows(variable: str) -> int:
    """DESIGN §7 sizes are 1,000,000 rows; a smaller figure for a quicker look."""
    return int(os.environ.get(variable, "1000000"))


SCENARIOS: dict[str, Callable[[], Awaitable[list[Row]]]] = {
    "relay": events.relay_throughput,
    "latency": events.event_latency,
    "journeys": journeys.journeys,
    "import": lambda: imports.bulk_import(_rows("BENCH_IMPORT_ROWS")),
    "matching": lambda: matching.matching(_rows("BENCH_MATCH_ROWS")),
    "confirm": confirm.confirmations,
    "photo_checks": photo_checks.photo_checks,
}


async def main(names: list[str]) -> None:
    report = Report(stack=await stack_size(), speed_us=core_speed())
    print(f"bench: {report.stack}; core_speed {report.speed_us:.1f} µs", flush=True)
    for name in names:
        print(f"bench: {name} ...", flush=True)
        async with peak_rss(report.memory):
            rows = await SCENARIOS[name]()
        report.rows.extend(rows)
        for row in rows:
            print(
                f"  {row.measure}: {row.ours:,.1f} {row.unit}"
                + (f" vs {row.baseline:,.1f} ({row.baseline_name})" if row.baseline else "")
            )
    report.cpu = list(cpu.WINDOWS)
    path = report.write()
    print(f"bench: wrote {path}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenarios", nargs="*", metavar="scenario", help=", ".join(SCENARIOS))
    args = parser.parse_args()
    if unknown := set(args.scenarios) - set(SCENARIOS):
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    asyncio.run(main(args.scenarios or list(SCENARIOS)))
