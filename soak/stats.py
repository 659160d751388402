"""What one slice saw: every answer (route family, latency, status) and the probes' samples,
summarised into plain numbers (no I/O here)."""

from __future__ import annotations

import math
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile (q in 0..100) of ``values``; 0 when there are none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


@dataclass
class Sample:
    """One look at the stack (every ``sample_s``); a probe that failed leaves its part empty."""

    at: float
    rss_mb: dict[str, float] = field(default_factory=dict)
    pg_connections: dict[str, int] = field(default_factory=dict)
    lag: dict[str, int] = field(default_factory=dict)  # consumer group → messages behind
    outbox: dict[str, tuple[int, float]] = field(default_factory=dict)  # db → (rows, age s)
    dlq: int | None = None  # messages in every *.dlq topic
    restarted: list[str] = field(default_factory=list)  # processes with a new pid since the last


@dataclass
class Slice:
    index: int
    target_rate: float
    seconds: float
    started: float = field(default_factory=time.monotonic)
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    ended: float | None = None
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    skipped: int = 0  # scheduled but not sent: too many requests already waiting
    samples: list[Sample] = field(default_factory=list)
    log_bytes: dict[str, int] = field(default_factory=dict)
    other_gateway_requests: int = 0
    cpu_top: list[tuple[str, float]] = field(default_factory=list)  # command → CPU s
    driver_cpu_s: float = 0.0
    load_average: float = 0.0
    notes: dict[str, int] = field(default_factory=lambda: Counter())  # first confirms, repeats…

    def record(self, family: str, ms: float, status: str) -> None:
        self.latencies[family].append(ms)
        self.statuses[family][status] += 1

    @property
    def elapsed(self) -> float:
        return (self.ended or time.monotonic()) - self.started

    def summary(self) -> dict[str, Any]:
        """The slice as JSON-ready numbers."""
        all_ms = [ms for values in self.latencies.values() for ms in values]
        statuses: Counter[str] = Counter()
        for counts in self.statuses.values():
            statuses.update(counts)
        families = {
            name: {
                "count": len(values),
                "p50_ms": round(percentile(values, 50), 1),
                "p99_ms": round(percentile(values, 99), 1),
                "max_ms": round(max(values), 1),
                "statuses": dict(self.statuses[name]),
            }
            for name, values in sorted(self.latencies.items())
        }
        return {
            "index": self.index,
            "started_at": self.started_at,
            "seconds": round(self.elapsed, 1),
            "target_rate": self.target_rate,
            "requests": len(all_ms),
            "rate": round(len(all_ms) / self.elapsed, 2) if self.elapsed else 0.0,
            "p50_ms": round(percentile(all_ms, 50), 1),
            "p99_ms": round(percentile(all_ms, 99), 1),
            "skipped": self.skipped,
            "statuses": dict(sorted(statuses.items())),
            "families": families,
            "rss_mb": _per_key(self.samples, lambda s: s.rss_mb),
            "pg_connections": _pg(self.samples),
            "consumer_lag": _lag(self.samples),
            "outbox": _outbox(self.samples),
            "dlq": _dlq(self.samples),
            "log_bytes": dict(sorted(self.log_bytes.items())),
            "log_bytes_total": sum(self.log_bytes.values()),
            "other_gateway_requests": self.other_gateway_requests,
            "cpu_top": [list(c) for c in self.cpu_top],
            "driver_cpu_s": round(self.driver_cpu_s, 1),
            "load_average": round(self.load_average, 2),
            "notes": dict(self.notes),
            "restarted": dict(Counter(name for s in self.samples for name in s.restarted)),
        }


def _per_key(samples: list[Sample], part: Any) -> dict[str, dict[str, float]]:
    """Median, max and last value per key (process) over the slice's samples."""
    seen: dict[str, list[float]] = defaultdict(list)
    for sample in samples:
        for key, value in part(sample).items():
            seen[key].append(value)
    return {
        key: {
            "median": round(statistics.median(values), 1),
            "max": round(max(values), 1),
            "last": round(values[-1], 1),
        }
        for key, values in sorted(seen.items())
    }


def _pg(samples: list[Sample]) -> dict[str, Any]:
    totals = [sum(s.pg_connections.values()) for s in samples if s.pg_connections]
    per_db: dict[str, int] = {}
    for sample in samples:
        for db, n in sample.pg_connections.items():
            per_db[db] = max(per_db.get(db, 0), n)
    return {
        "max": max(totals, default=0),
        "median": statistics.median(totals) if totals else 0,
        "max_per_db": dict(sorted(per_db.items())),
    }


def _lag(samples: list[Sample]) -> dict[str, Any]:
    totals = [sum(s.lag.values()) for s in samples if s.lag]
    per_group: dict[str, int] = {}
    for sample in samples:
        for group, n in sample.lag.items():
            per_group[group] = max(per_group.get(group, 0), n)
    return {
        "max": max(totals, default=0),
        "last": totals[-1] if totals else None,
        "max_per_group": dict(sorted(per_group.items())),
    }


def _outbox(samples: list[Sample]) -> dict[str, Any]:
    ages = [max((age for _, age in s.outbox.values()), default=0.0) for s in samples if s.outbox]
    rows = [sum(n for n, _ in s.outbox.values()) for s in samples if s.outbox]
    worst: dict[str, float] = {}
    for sample in samples:
        for db, (_, age) in sample.outbox.items():
            worst[db] = max(worst.get(db, 0.0), round(age, 1))
    return {
        "max_age_s": round(max(ages, default=0.0), 1),
        "max_rows": max(rows, default=0),
        "max_age_per_db": dict(sorted(worst.items())),
    }


def _dlq(samples: list[Sample]) -> dict[str, int | None]:
    counts = [s.dlq for s in samples if s.dlq is not None]
    if not counts:
        return {"first": None, "last": None, "added": None}
    return {"first": counts[0], "last": counts[-1], "added": counts[-1] - counts[0]}
