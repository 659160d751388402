"""CPU time of the machine's processes, by group, over the timed part of a scenario: what
bounds each figure (two shared cores: a figure is CPU-bound when the cores are busy, and
the groups say whose CPU it is).

A scenario opens :func:`measured` around what its clock times; the report shows, per
window, the cores kept busy and each group's CPU per unit (a row imported, a match, a
confirmation). Processes are read from ``/proc`` every half second, so a process that
lives less than that (a ``psql``) is missed, and one that ends between two readings counts
up to the last one. PostgreSQL backends count for their database, including the bench's
own few connections (polling progress: small next to the services' pools).
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

_TICK_S = 1 / os.sysconf("SC_CLK_TCK")
_SERVICE = re.compile(rb"-m jiaodui_(\w+)")
_PG_BACKGROUND = frozenset(
    {b"checkpointer", b"background", b"walwriter", b"autovacuum", b"logical", b"archiver"}
)
SAMPLE_S = 0.5


def group_of(pid: int, cmdline: bytes, load_generators: set[int]) -> str:
    """The group a process's CPU counts for."""
    if b"bare_confirm" in cmdline:  # the confirm scenario's baseline, a child of the bench
        return "bare endpoint"
    if pid in load_generators:
        return "load generator"
    if found := _SERVICE.search(cmdline):
        return found.group(1).decode()
    if cmdline.startswith(b"postgres:"):
        words = cmdline.split()
        if len(words) > 2 and words[1] not in _PG_BACKGROUND:
            database = words[2].decode(errors="replace")
            if database.startswith("bench_"):  # bench._db.scratch_database: the baselines'
                return "baseline (PostgreSQL)"
            return f"{database} (PostgreSQL)"
        return "PostgreSQL background"
    if b"kafka.Kafka" in cmdline:
        return "Kafka"
    for name in ("nginx", "redis", "prometheus"):
        if name.encode() in cmdline:
            return name
    if b"sinks.py" in cmdline:
        return "mail/SMS sinks"
    return "other"


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, CPU ticks) of a live process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return b""


@dataclass
class Window:
    """One measured span: CPU seconds per group, and what one unit of it is."""

    label: str
    unit: str
    units: float = 0.0  # set by the scenario once it knows (rows, matches, confirmations)
    elapsed_s: float = 0.0
    cpu_s: dict[str, float] = field(default_factory=dict)

    @property
    def busy_cores(self) -> float:
        return sum(self.cpu_s.values()) / self.elapsed_s if self.elapsed_s else 0.0

    def per_unit_us(self) -> list[tuple[str, float]]:
        """Each group's µs of CPU per unit, largest first."""
        if not self.units:
            return []
        ranked = sorted(self.cpu_s.items(), key=lambda kv: -kv[1])
        return [(group, 1e6 * seconds / self.units) for group, seconds in ranked]


class _Sampler:
    def __init__(self) -> None:
        self.start: dict[int, int] = {}
        self.last: dict[int, int] = {}
        self.groups: dict[int, str] = {}
        self.generators = {os.getpid()}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-cpu", daemon=True)

    def _read(self, *, baseline: bool = False) -> None:
        """Read every process; at the ``baseline`` its CPU so far is not the window's (a
        process first seen later started inside the window: all of its CPU is)."""
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            stat = _stat(pid)
            if stat is None:
                continue
            parent, ticks = stat
            if pid not in self.groups:
                if parent in self.generators:  # wrk, the bare endpoint, Kafka's tools...
                    self.generators.add(pid)
                self.groups[pid] = group_of(pid, _cmdline(pid), self.generators)
                self.start[pid] = ticks if baseline else 0
            self.last[pid] = ticks

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_S):
            self._read()

    def __enter__(self) -> _Sampler:
        self._read(baseline=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._read()

    def totals(self) -> dict[str, float]:
        cpu: dict[str, float] = {}
        for pid, ticks in self.last.items():
            group = self.groups[pid]
            cpu[group] = cpu.get(group, 0.0) + (ticks - self.start.get(pid, 0)) * _TICK_S
        return {g: s for g, s in cpu.items() if s > 0}


WINDOWS: list[Window] = []
"""Every window measured in this run of the bench, in order (the report reads them)."""


@contextlib.contextmanager
def measured(label: str, unit: str, units: float = 0.0) -> Iterator[Window]:
    """Count the machine's CPU by group while the block runs; the scenario may set the
    window's ``units`` inside it, once it knows how many were done."""
    window = Window(label, unit, units)
    began = time.perf_counter()
    with _Sampler() as sampler:
        yield window
    window.elapsed_s = time.perf_counter() - began
    window.cpu_s = sampler.totals()
    WINDOWS.append(window)
