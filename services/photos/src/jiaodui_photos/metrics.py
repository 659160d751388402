"""photos' own Prometheus metrics: the confirmation progress, refreshed by
:func:`jiaodui_photos.jobs.slot_metrics` and served by the runtime's ``/metrics``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from prometheus_client import Counter, Gauge, Histogram

from jiaodui_photos.domain.answers import SlotStatus

PHOTO_SLOTS = Gauge(
    "photos_slots",
    "Photo slots by institution, college (branch), kind and status (missing: no photo yet)",
    ["institution_code", "branch", "kind", "status"],
)


class Row(Protocol):
    def __getitem__(self, key: str, /) -> Any: ...


def slot_rows(progress: Iterable[Row]) -> list[dict[str, Any]]:
    """GET /v1/stats' rows (per class and kind: missing, pending, confirmed, disputed) summed
    per (institution_code, branch, kind, status): the gauge's rows from the same counts."""
    sums: dict[tuple[str, str, str, str], int] = {}
    for row in progress:
        for status in SlotStatus:
            key = (row["institution_code"], row["college"], row["kind"], status.value)
            sums[key] = sums.get(key, 0) + int(row[status.value])
    return [
        {"institution_code": i, "branch": b, "kind": k, "status": st, "n": n}
        for (i, b, k, st), n in sums.items()
    ]


def slot_values(rows: Iterable[Row]) -> dict[tuple[str, ...], float]:
    """The gauge's samples from rows of (institution_code, branch, kind, status, n): every
    status of every (institution, branch, kind) present, 0 where no slot has it, so that a
    dashboard can divide confirmed by the sum without gaps."""
    values: dict[tuple[str, ...], float] = {}
    for row in rows:
        group = (row["institution_code"], row["branch"], row["kind"])
        for status in SlotStatus:
            values.setdefault((*group, status.value), 0.0)
        values[(*group, row["status"])] = float(row["n"])
    return values


PHOTO_CHECKS = Counter(
    "photos_checks_total", "Machine checks of photos by outcome (verdict, or none)", ["outcome"]
)
PHOTO_CHECK_SECONDS = Histogram(
    "photos_check_seconds",
    "One photo's machine check in the worker pool (image read, dlib, rules)",
    buckets=(0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10),
)
PHOTO_CHECK_QUEUE = Gauge("photos_check_queue", "Photo checks queued and not yet done")
