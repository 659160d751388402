"""The bench's CPU windows (no stack): whose CPU a process is, and a child's CPU counted in
the window it ran in."""

from __future__ import annotations

import subprocess
import sys

from bench.cpu import Window, group_of, measured
from bench.report import Report


def test_processes_are_grouped_by_what_they_are() -> None:
    assert group_of(1, b"/x/python -m jiaodui_photos", set()) == "photos"
    assert group_of(2, b"postgres: jiaodui records 127.0.0.1(5) UPDATE", set()) == (
        "records (PostgreSQL)"
    )
    assert group_of(3, b"postgres: jiaodui bench_copy_1a2b 127.0.0.1(5) COPY", set()) == (
        "baseline (PostgreSQL)"
    )
    assert group_of(4, b"postgres: walwriter ", set()) == "PostgreSQL background"
    assert group_of(5, b"java -cp x kafka.Kafka server.properties", set()) == "Kafka"
    assert group_of(6, b"wrk -t2 -c32 http://x", {6}) == "load generator"
    assert group_of(7, b"/x/python bench/bare_confirm.py dsn id 8093", {7}) == "bare endpoint"
    assert group_of(8, b"[kworker/0:1]", set()) == "other"


def test_a_child_burning_cpu_is_counted_in_its_window() -> None:
    burn = "import time\nend = time.process_time() + 1.2\nwhile time.process_time() < end: pass"
    with measured("burn", "run", 1) as window:
        subprocess.run([sys.executable, "-c", burn], check=True)
    assert window.elapsed_s >= 1.2
    # a child of this process; read every half second, it counts up to its last reading
    assert 1.2 - 0.5 <= window.cpu_s.get("load generator", 0.0) <= 1.2 + 0.4  # + startup
    assert window.per_unit_us()[0][0] == "load generator"


def test_the_report_shows_cores_busy_and_cpu_per_unit() -> None:
    window = Window("import", "row", units=1000, elapsed_s=2.0, cpu_s={"records": 1.5, "x": 0.01})
    lines = Report(cpu=[window])._cpu_lines()
    row = next(line for line in lines if line.startswith("| import"))
    assert "0.76 of" in row and "**1,510 in all**: records 1,500" in row
    assert "x 10" not in row  # under 2 %: folded away
