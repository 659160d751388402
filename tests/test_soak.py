"""The soak's own rules (no stack): percentiles, slices, the verdict, the rate search, the
report, and the probes that read files."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import httpx

from soak import report
from soak.client import status_label
from soak.config import Config
from soak.population import Person, Student, people, roster_csv
from soak.probes import USER_AGENT, Logs, tree_memory_mb
from soak.stats import Sample, Slice, percentile


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile([7.0], 99) == 7
    assert percentile([], 50) == 0


def test_schedule_in_slices_or_steps() -> None:
    assert Config(rate=5, minutes=12, slice_minutes=5).schedule() == [
        (5, 300),
        (5, 300),
        (5, 120),
    ]
    steps = Config(find_rates="10, 20", slice_minutes=1).schedule()
    assert steps == [(10.0, 60), (20.0, 60)]


def test_settings_come_from_soak_variables() -> None:
    config = Config.from_env({"SOAK_RATE": "12.5", "SOAK_MINUTES": "6", "SOAK_STUDENTS": "40"})
    assert (config.rate, config.minutes, config.students) == (12.5, 6.0, 40)
    assert config.in_flight_cap == 62


def _slice(rss: float, statuses: dict[str, int] | None = None, rate: float = 10) -> dict[str, Any]:
    s = Slice(0, rate, 60)
    for status, n in (statuses or {"200": 600}).items():
        for _ in range(n):
            s.record("photos.mine", 12.0, status)
    s.samples = [Sample(at=0, rss_mb={"photos": rss, "kafka": 700})]
    s.ended = s.started + 60
    return s.summary()


DRAINED = {"drained": True, "waited_s": 1.0, "lag": 0, "outbox_rows": 0}


def test_a_clean_soak_passes() -> None:
    slices = [_slice(100), _slice(110), _slice(120)]
    assert report.verdict(slices, DRAINED, rss_limit=0.2, check_rss=True) == []


def test_any_5xx_or_missing_answer_fails() -> None:
    slices = [_slice(100), _slice(100, {"200": 10, "502": 1, "transport ReadTimeout": 2})]
    failures = report.verdict(slices, DRAINED, rss_limit=0.2, check_rss=True)
    assert failures and "502" in failures[0] and "transport ReadTimeout" in failures[0]


def test_rss_growth_counts_from_the_second_slice() -> None:
    # the first slice warms up (caches, pools): growth is measured from the second
    slices = [_slice(50), _slice(100), _slice(121)]
    assert report.rss_growth(slices) == (1, {"kafka": 0.0, "photos": 0.21})
    failures = report.verdict(slices, DRAINED, rss_limit=0.2, check_rss=True)
    assert failures == ["RSS grew over 20% from slice 2: photos +21%"]
    assert report.verdict(slices, DRAINED, rss_limit=0.2, check_rss=False) == []


def test_a_restarted_process_is_measured_from_its_restart() -> None:
    slices = [_slice(50), _slice(100), _slice(60), _slice(70), _slice(71)]
    slices[2]["restarted"] = {"photos": 1}  # someone restarted photos in the third slice
    assert report.rss_growth(slices) == (1, {"kafka": 0.0, "photos": 0.014})
    slices[4]["restarted"] = {"photos": 1}  # … and again in the last: nothing to compare
    assert report.rss_growth(slices) == (1, {"kafka": 0.0})


def test_lag_that_does_not_drain_fails() -> None:
    stuck = {"drained": False, "waited_s": 61.0, "lag": {"photos": 40}, "outbox_rows": 0}
    failures = report.verdict([_slice(100)], stuck, rss_limit=0.2, check_rss=True)
    assert failures and "not drained" in failures[0]


def test_the_rate_search_keeps_the_last_step_held() -> None:
    held = _slice(100, rate=10) | {"rate": 9.8, "target_rate": 10}
    slow = _slice(100, rate=20) | {"rate": 19.5, "target_rate": 20, "p99_ms": 1500.0}
    after = _slice(100, rate=40) | {"rate": 40.0, "target_rate": 40}
    assert report.sustained_rate([held, slow, after], p99_limit_ms=1000) == 10
    assert report.sustained_rate([slow], p99_limit_ms=1000) is None


def test_problem_codes_are_part_of_the_status() -> None:
    problem = httpx.Response(
        409,
        json={"code": "window_closed"},
        headers={"content-type": "application/problem+json"},
    )
    assert status_label(problem) == "409 window_closed"
    assert status_label(httpx.Response(200, json=[])) == "200"
    assert status_label(httpx.Response(502, text="<html>")) == "502"


def test_the_report_shows_every_slice_and_the_verdict(tmp_path: Path) -> None:
    slices = [_slice(rss) | {"index": i} for i, rss in enumerate((100, 100, 101))]
    run = {
        "started_at": "2026-12-01T12:00:00+00:00",
        "ended_at": "2026-12-01T12:03:00+00:00",
        "machine": "2 cores",
        "command": "make soak",
        "mix": "photos.mine 1",
        "population": "institution K1",
        "slices": slices,
        "drain": DRAINED,
        "dlq_before": 3,
        "dlq_after": 3,
        "notes": {},
        "failures": [],
        "p99_limit_ms": 1000.0,
    }
    text = report.markdown(run)
    assert "| 3 |" in text and "**PASSED**" in text
    assert "| photos | 100 | 100 | 101 | +1.0% |" in text
    written = report.write(run, tmp_path)
    assert written.read_text() == text


def test_log_volume_and_other_peoples_requests(tmp_path: Path) -> None:
    access = tmp_path / "gateway-access.log"
    access.write_text('{"user_agent":"x"}\n')
    logs = Logs(tmp_path)
    with access.open("a") as f:
        f.write(f'{{"user_agent":"{USER_AGENT}"}}\n{{"user_agent":"curl"}}\n{{"user_a')
    (tmp_path / "svc-photos.log").write_text("a" * 10)
    assert logs.written() == {"gateway-access.log": 62, "svc-photos.log": 10}
    assert logs.other_gateway_requests() == 1  # the half-written line waits for its end
    assert logs.written() == {}


def test_memory_of_this_process() -> None:
    assert tree_memory_mb(os.getpid(), {}) > 1


def test_roster_rows_and_what_the_student_sees() -> None:
    group = people("T1", 0, 3)
    assert people("T1", 0, 3) == group  # the same run draws the same people
    assert people("T2", 0, 3)[0].id_number != group[0].id_number
    rows = list(csv.reader(io.StringIO(roster_csv("K1", group).decode())))
    assert len(rows) == 4 and all(len(r) == len(rows[0]) for r in rows)
    student = Student(Person("1", "王", "male", group[0].born, "x", "信息学院"), "a@b.edu.cn")
    student.see(
        [
            {
                "record_id": "r1",
                "graduation": {"photo_id": "g1", "status": "pending"},
                "admission": {"status": "missing"},
            }
        ]
    )
    assert (student.record_id, student.photos, student.states) == (
        "r1",
        {"graduation": "g1"},
        {"graduation": "pending"},
    )
