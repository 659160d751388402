"""What a webhook answer means: delivered, try again (when), or gone for good."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Literal

from jiaodui_runtime.retry import RetryPolicy

Kind = Literal["delivered", "retry", "gone", "failed"]
STATUSES = ("pending", "delivered", "failed")


@dataclass(frozen=True, slots=True)
class Answer:
    """One attempt: the HTTP status (None when no answer came), or the transport error."""

    status: int | None
    retry_after: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: Kind
    delay_s: float = 0.0  # for retry: wait this long


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """RFC 9110 §10.2.3: delta-seconds or an HTTP-date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def judge(
    answer: Answer, *, attempts: int, policy: RetryPolicy, now: datetime, retry_after_max_s: float
) -> Verdict:
    """2xx delivers; 410 Gone disables the endpoint; anything else (a redirect too: none is
    followed) retries on the schedule, waiting what ``Retry-After`` asks on 429 and 503."""
    if answer.status is not None and 200 <= answer.status < 300:
        return Verdict("delivered")
    if answer.status == 410:
        return Verdict("gone")
    if policy.gives_up_after(attempts):
        return Verdict("failed")
    delay = policy.delay_after(attempts)
    if answer.status in (429, 503):
        asked = parse_retry_after(answer.retry_after, now)
        if asked is not None:
            delay = min(max(asked, 0.0), retry_after_max_s)
    return Verdict("retry", delay)


def excerpt(body: bytes, limit: int) -> str:
    """The start of a response body as text, for the delivery log."""
    return body[:limit].decode("utf-8", errors="replace")
