"""The verdict and the report of a soak (pure: slices in, text and failures out), and its files
under soak-results/."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def server_errors(slices: list[dict[str, Any]]) -> dict[str, int]:
    """5xx answers and requests that got no answer at all, by status, over every slice."""
    found: dict[str, int] = {}
    for s in slices:
        for status, n in s["statuses"].items():
            if status.startswith(("5", "transport")):
                found[status] = found.get(status, 0) + n
    return found


def rss_growth(slices: list[dict[str, Any]]) -> tuple[int, dict[str, float]]:
    """Growth of each process's median RSS from the second slice to the last (from the first
    when there are fewer than three slices); returns the base slice's index and the ratios.

    A process restarted in or after the base slice is a new process: it is compared from
    the first slice after its last restart, and not at all when that is the last slice
    (see ``rss_bases``)."""
    if len(slices) < 2:
        return 0, {}
    base_index = 1 if len(slices) >= 3 else 0
    last = slices[-1]["rss_mb"]
    growth = {}
    for name, base in rss_bases(slices, base_index).items():
        before = slices[base]["rss_mb"].get(name)
        if before and before["median"] > 0 and name in last:
            growth[name] = round(last[name]["median"] / before["median"] - 1, 3)
    return base_index, growth


def rss_bases(slices: list[dict[str, Any]], base_index: int) -> dict[str, int]:
    """The slice each process's growth is measured from (left out: restarted too late)."""
    bases = {}
    for name in sorted(slices[-1]["rss_mb"]):
        base = base_index
        for i, s in enumerate(slices[base_index:], start=base_index):
            if name in s.get("restarted", {}):
                base = i + 1
        if base < len(slices) - 1:
            bases[name] = base
    return bases


def verdict(
    slices: list[dict[str, Any]], drain: dict[str, Any], *, rss_limit: float, check_rss: bool
) -> list[str]:
    """Why the soak fails (empty: it passed)."""
    failures = []
    if errors := server_errors(slices):
        failures.append(f"server errors or no answer: {errors}")
    if check_rss:
        base_index, growth = rss_growth(slices)
        grown = {name: g for name, g in growth.items() if g > rss_limit}
        if grown:
            shown = ", ".join(f"{n} +{g:.0%}" for n, g in grown.items())
            failures.append(f"RSS grew over {rss_limit:.0%} from slice {base_index + 1}: {shown}")
    if not drain.get("drained"):
        failures.append(
            f"lag or outbox not drained {drain.get('waited_s')} s after the end:"
            f" lag {drain.get('lag')}, outbox rows {drain.get('outbox_rows')}"
            f" (before the load: lag {drain.get('lag_before_load')},"
            f" outbox rows {drain.get('outbox_rows_before_load')})"
        )
    return failures


def sustained_rate(slices: list[dict[str, Any]], *, p99_limit_ms: float) -> float | None:
    """The highest step rate held: ≥ 95 % of its target sent and answered, nothing skipped,
    no 5xx, p99 within the limit (steps above a failed one do not count)."""
    held = None
    for s in slices:
        ok = (
            s["rate"] >= 0.95 * s["target_rate"]
            and s["skipped"] == 0
            and not server_errors([s])
            and s["p99_ms"] <= p99_limit_ms
        )
        if not ok:
            break
        held = s["target_rate"]
    return held


def _mb(value: float) -> str:
    return f"{value:,.0f}"


def _statuses(statuses: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=lambda kv: -kv[1]))


def markdown(run: dict[str, Any]) -> str:
    slices: list[dict[str, Any]] = run["slices"]
    lines = [
        f"# Soak {run['started_at']} → {run['ended_at']}",
        "",
        f"Machine: {run['machine']}. Command: `{run['command']}`.",
        f"Mix: {run['mix']}.",
        f"Population: {run['population']}.",
        "",
        "| slice | start (UTC) | target/s | sent/s | requests | p50 ms | p99 ms | skipped"
        " | statuses | PG conns max | lag max | outbox age max s | DLQ | logs MB"
        " | other gateway req | load avg | driver CPU s | restarted |",
        "|" + "---|" * 18,
    ]
    for s in slices:
        lines.append(
            f"| {s['index'] + 1} | {s['started_at'][11:19]} | {s['target_rate']:g}"
            f" | {s['rate']:.1f} | {s['requests']} | {s['p50_ms']:.0f} | {s['p99_ms']:.0f}"
            f" | {s['skipped']} | {_statuses(s['statuses'])} | {s['pg_connections']['max']}"
            f" | {s['consumer_lag']['max']} | {s['outbox']['max_age_s']:.1f}"
            f" | {s['dlq']['last']} | {s['log_bytes_total'] / 2**20:.1f}"
            f" | {s['other_gateway_requests']} | {s['load_average']:.1f}"
            f" | {s['driver_cpu_s']:.0f} | {', '.join(s.get('restarted', {})) or '–'} |"
        )
    families = sorted({f for s in slices for f in s["families"]})
    lines += [
        "",
        "p50 / p99 ms per route family (count):",
        "",
        "| family | " + " | ".join(f"slice {s['index'] + 1}" for s in slices) + " |",
        "|---|" + "---|" * len(slices),
    ]
    for family in families:
        cells = []
        for s in slices:
            f = s["families"].get(family)
            cells.append(f"{f['p50_ms']:.0f} / {f['p99_ms']:.0f} ({f['count']})" if f else "–")
        lines.append(f"| {family} | " + " | ".join(cells) + " |")
    base_index, growth = rss_growth(slices)
    bases = rss_bases(slices, base_index) if slices else {}
    processes = sorted({p for s in slices for p in s["rss_mb"]})
    lines += [
        "",
        f"RSS per process, median of the slice's samples in MB (growth: slice {base_index + 1}"
        " → last):",
        "",
        "| process | " + " | ".join(f"slice {s['index'] + 1}" for s in slices) + " | growth |",
        "|---|" + "---|" * (len(slices) + 1),
    ]
    for process in processes:
        cells = [
            _mb(s["rss_mb"][process]["median"]) if process in s["rss_mb"] else "–" for s in slices
        ]
        g = growth.get(process)
        base = bases.get(process, base_index)
        shown = "–" if g is None else f"{g:+.1%}"
        if g is not None and base != base_index:
            shown += f" (from slice {base + 1}: restarted)"
        lines.append(f"| {process} | " + " | ".join(cells) + f" | {shown} |")
    logs = sorted({f for s in slices for f in s["log_bytes"]})
    lines += [
        "",
        "Log volume per slice (kB written):",
        "",
        "| log | " + " | ".join(f"slice {s['index'] + 1}" for s in slices) + " |",
        "|---|" + "---|" * len(slices),
    ]
    for log in logs:
        cells = [f"{s['log_bytes'].get(log, 0) / 1024:,.0f}" for s in slices]
        lines.append(f"| {log} | " + " | ".join(cells) + " |")
    lines += ["", "Where the CPU went (seconds per slice, biggest users on the machine):", ""]
    for s in slices:
        top = ", ".join(f"`{cmd}` {sec:.0f}" for cmd, sec in s.get("cpu_top", []))
        lines.append(f"- slice {s['index'] + 1}: {top}")
    drain = run["drain"]
    lines += [
        "",
        f"After the load: lag and outbox {'drained' if drain.get('drained') else 'NOT drained'}"
        f" in {drain.get('waited_s')} s (lag {drain.get('lag')}, outbox rows"
        f" {drain.get('outbox_rows')}; before the load: lag {drain.get('lag_before_load')},"
        f" outbox rows {drain.get('outbox_rows_before_load')}); DLQ {run['dlq_before']} →"
        f" {run['dlq_after']} messages.",
        f"Notes: {run['notes']}.",
    ]
    if run.get("sustained_rate") is not None or run.get("find_rates"):
        lines.append(
            f"Highest step held (≥ 95 % sent, nothing skipped, no 5xx, p99 ≤"
            f" {run['p99_limit_ms']:.0f} ms): {run.get('sustained_rate')} requests/s."
        )
    failures = run["failures"]
    lines += ["", "**PASSED**" if not failures else "**FAILED**: " + "; ".join(failures), ""]
    return "\n".join(lines)


def write(run: dict[str, Any], results: Path) -> Path:
    """soak-results/soak-<time>.{md,json} and latest.{md,json}; returns the Markdown path."""
    results.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    text = markdown(run)
    body = json.dumps(run, indent=2, ensure_ascii=False)
    for name in (f"soak-{stamp}", "latest"):
        (results / f"{name}.json").write_text(body)
        (results / f"{name}.md").write_text(text)
    return results / f"soak-{stamp}.md"
