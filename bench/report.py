"""Benchmark rows, and the Markdown/JSON report under bench-results/."""

from __future__ import annotations

import json
import os
import platform
import timeit
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from jiaodui_contracts import from_json_bytes, new_event, to_json_bytes
from jiaodui_contracts.records import IdentityMatched

from bench.cpu import Window

RESULTS = Path(__file__).resolve().parents[1] / "bench-results"


@dataclass
class Row:
    scenario: str
    measure: str
    ours: float
    baseline: float | None
    unit: str
    target: str
    baseline_name: str = ""
    notes: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.ours / self.baseline  # type: ignore[operator]


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    memory: dict[str, float] = field(default_factory=dict)
    stack: str = ""  # what the databases held (bench._db.stack_size)
    speed_us: float = 0.0  # bench.report.core_speed() at the start
    cpu: list[Window] = field(default_factory=list)  # bench.cpu.measured windows

    def machine(self) -> str:
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        return f"{os.cpu_count()} cores ({cpu}), {mem_kb / 2**20:.0f} GiB, {platform.platform()}"

    def markdown(self) -> str:
        lines = [
            f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {self.machine()}, whole stack on it"
            + (f"; {self.stack}" if self.stack else "")
            + (
                f"; one core read a 600-byte event in {self.speed_us:.1f} µs (core_speed)."
                if self.speed_us
                else "."
            ),
            "",
            "| scenario | measure | ours | baseline | ratio | target |",
            "|---|---|---|---|---|---|",
        ]
        for r in self.rows:
            base = (
                f"{r.baseline:,.1f} {r.unit} ({r.baseline_name})" if r.baseline is not None else "–"
            )
            ratio = f"{r.ratio:.0%}" if r.ratio is not None else "–"
            lines.append(
                f"| {r.scenario} | {r.measure} | {r.ours:,.1f} {r.unit} | {base} | {ratio} | {r.target} |"
            )
        if self.memory:
            lines += ["", "| process | peak RSS (MB) |", "|---|---|"]
            lines += [f"| {name} | {mb:,.0f} |" for name, mb in sorted(self.memory.items())]
        lines += self._cpu_lines()
        notes = [f"- {r.scenario} / {r.measure}: {r.notes}" for r in self.rows if r.notes]
        return "\n".join(lines + (["", *notes] if notes else [])) + "\n"

    def _cpu_lines(self, shown: int = 8) -> list[str]:
        """What bounds each figure: the cores kept busy and whose CPU it was, per unit."""
        if not self.cpu:
            return []
        lines = [
            "",
            f"CPU over each timed window ({os.cpu_count()} cores; bench.cpu): cores kept busy,"
            " then µs of CPU per unit by process group, largest first",
            "",
            "| window | per | cores busy | µs of CPU per unit, by group |",
            "|---|---|---|---|",
        ]
        for w in self.cpu:
            ranked = w.per_unit_us()
            total = sum(us for _, us in ranked)
            top = [(g, us) for g, us in ranked[:shown] if us >= total / 50]  # ≥ 2 %
            rest = total - sum(us for _, us in top)
            groups = f"**{_us(total)} in all**: " + ", ".join(f"{g} {_us(us)}" for g, us in top)
            groups += f", rest {_us(rest)}" if rest >= total / 50 else ""
            lines.append(
                f"| {w.label} | {w.unit} | {w.busy_cores:.2f} of {os.cpu_count()} in"
                f" {w.elapsed_s:.1f} s | {groups if ranked else '–'} |"
            )
        return lines

    def write(self) -> Path:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "results.json").write_text(
            json.dumps(
                {
                    "machine": self.machine(),
                    "rows": [asdict(r) | {"ratio": r.ratio} for r in self.rows],
                    "memory_mb": self.memory,
                    "stack": self.stack,
                    "core_speed_us": self.speed_us,
                    "cpu_windows": [asdict(w) for w in self.cpu],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        path = RESULTS / "results.md"
        path.write_text(self.markdown())
        return path


def _us(value: float) -> str:
    return f"{value:,.1f}" if value < 10 else f"{value:,.0f}"


def core_speed(rounds: int = 5, n: int = 20_000) -> float:
    """µs one core takes to read one IdentityMatched envelope (pydantic-core's JSON parse,
    best of ``rounds``): a yardstick for comparing runs. This machine's cores are not
    steady: the same figure was 4.7 µs at 19:46 and 7.8 µs at 21:01 on 2026-12-01, both on an
    idle stack (5.5 µs minutes later), so runs an hour apart can differ by half with no change of
    code: compare runs made one after the other."""
    event = IdentityMatched(
        account_id=str(uuid.UUID(int=1)),
        record_id=str(uuid.UUID(int=2)),
        institution_code="10001",
        branch="main",
        cohort="2027",
        student_number="2023123456",
        matched_at=datetime(2026, 12, 1, tzinfo=UTC),
    )
    raw = to_json_bytes(new_event(event, source="/jiaodui/records"))
    best = min(timeit.repeat(lambda: from_json_bytes(raw), number=n, repeat=rounds))
    return best / n * 1e6
