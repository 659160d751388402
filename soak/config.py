"""The soak's knobs, from SOAK_* environment variables (the driver is a tool, not a service)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("identity", "records", "photos", "notify", "corrections", "subscriptions", "reports")


@dataclass(frozen=True, slots=True)
class Config:
    rate: float = 20.0  # scheduled requests/s of the mix (arrivals and background come on top)
    minutes: float = 30.0
    slice_minutes: float = 5.0
    students: int = 200  # registered and logged in before the load starts
    arrivals_per_min: float = 4.0  # new students registering during the run
    import_rows: int = 2000  # the registrar's roster import in the background ...
    import_every_s: float = 90.0  # ... every so often
    batch_photos: int = 100  # the photographer's batch in the background ...
    batch_every_s: float = 120.0  # ... every so often
    sample_s: float = 5.0  # how often the probes sample the stack
    drain_s: float = 60.0  # lag and outbox must be empty this long after the load ends
    rss_growth: float = 0.20  # fail above this growth from the second slice to the last
    max_in_flight: int = 0  # 0: five seconds' worth of requests
    find_rates: str = ""  # "10,20,40": step through these rates (one slice each) instead
    gateway: str = "http://127.0.0.1:8080"
    kafka: str = "127.0.0.1:9092"
    postgres: str = "postgresql://jiaodui:jiaodui@127.0.0.1:5432/postgres"
    results: Path = ROOT / "soak-results"
    stack_dir: Path = ROOT / ".stack"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Config:
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"SOAK_{f.name.upper()}")
            if raw is None:
                continue
            kind = type(getattr(cls(), f.name))
            values[f.name] = Path(raw) if kind is Path else kind(raw)
        return cls(**values)  # type: ignore[arg-type]

    @property
    def in_flight_cap(self) -> int:
        return self.max_in_flight or max(20, int(self.rate * 5))

    def schedule(self) -> list[tuple[float, float]]:
        """(rate, seconds) per slice: equal slices at one rate, or one slice per step rate."""
        if self.find_rates:
            rates = [float(r) for r in self.find_rates.split(",") if r.strip()]
            return [(r, self.slice_minutes * 60) for r in rates]
        total = self.minutes * 60
        size = self.slice_minutes * 60
        out: list[tuple[float, float]] = []
        while total > 1e-6:
            out.append((self.rate, min(size, total)))
            total -= size
        return out

    def pg_home(self) -> Path:
        """Where deploy/local/env.sh puts the cluster (a folder named after the checkout)."""
        explicit = os.environ.get("JIAODUI_PG_HOME")
        if explicit:
            return Path(explicit)
        digest = hashlib.md5(str(ROOT).encode(), usedforsecurity=False).hexdigest()[:8]
        return Path(f"/var/tmp/jiaodui-pg-{digest}")  # noqa: S108 - env.sh's path
