"""Prometheus metrics of the shared runtime (HTTP, outbox, consumers)."""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "http_requests_total", "HTTP requests by route and status", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency by route",
    ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
EVENTS_PUBLISHED = Counter("outbox_events_published_total", "Events the relay published", ["topic"])
OUTBOX_BACKLOG = Gauge("outbox_backlog", "Outbox rows not yet published")
OUTBOX_OLDEST_AGE = Gauge(
    "outbox_oldest_unpublished_age_seconds", "Age of the oldest unpublished row"
)
RELAY_ERRORS = Counter("outbox_relay_errors_total", "Relay publish failures (retried)")
EVENTS_CONSUMED = Counter(
    "consumer_events_total", "Events handled by consumers", ["consumer", "topic", "outcome"]
)
INBOX_PRUNED = Counter(
    "inbox_pruned_total", "Inbox rows deleted once older than the topics' retention"
)
CONSUMER_LAG = Gauge(
    "consumer_lag", "Messages behind the high watermark", ["consumer", "topic", "partition"]
)
EVENT_LATENCY = Histogram(
    "consumer_event_latency_seconds",
    "From the event's time to its effect being committed",
    ["consumer"],
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5, 30),
)
DLQ_MESSAGES = Counter(
    "consumer_dead_letters_total", "Messages sent to a DLQ", ["consumer", "topic"]
)


def replace_gauge(gauge: Gauge, values: Mapping[tuple[str, ...], float]) -> None:
    """Make ``values`` (label values → value) all that a labelled gauge holds: label sets
    missing from it are dropped. Synchronous, so a scrape served by the same event loop
    never sees the gauge half replaced."""
    gauge.clear()
    for labels, value in values.items():
        gauge.labels(*labels).set(value)
