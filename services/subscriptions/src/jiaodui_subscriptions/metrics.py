"""subscriptions' own series (beside the runtime's HTTP, outbox and consumer series)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

WEBHOOK_ATTEMPTS = Counter(
    "webhook_attempts_total",
    "Webhook requests by outcome (delivered, retry, gone, failed)",
    ["outcome"],
)
WEBHOOK_LATENCY = Histogram(
    "webhook_attempt_duration_seconds",
    "Webhook request time, until the answer or the timeout",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30),
)
WEBHOOK_PENDING = Gauge("webhook_deliveries_pending", "Deliveries waiting (due or not)")
WEBHOOK_OLDEST_DUE_AGE = Gauge(
    "webhook_oldest_due_age_seconds", "How long the oldest due delivery has been waiting"
)
WEBHOOK_DISABLED = Gauge("webhook_endpoints_disabled", "Subscribers whose webhooks are off")
