"""Delivery rules: how a send failure is classified and how often it is retried."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Channel = Literal["email", "sms"]
Status = Literal["pending", "sent", "failed", "suppressed"]
STATUSES: tuple[Status, ...] = ("pending", "sent", "failed", "suppressed")


class SendError(Exception):
    """A channel could not hand the message over; ``transient`` says whether to retry."""

    transient: bool = True

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TransientSendError(SendError):
    """Try again later: a 4xx SMTP answer, a refused connection, a timeout, an HTTP 5xx."""

    transient = True


class PermanentSendError(SendError):
    """Retrying cannot help: a 5xx SMTP answer (unknown mailbox), a refused SMS request."""

    transient = False


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded exponential backoff: attempt n+1 waits base * 2^(n-1), at most ``max_delay_s``."""

    max_attempts: int = 8
    base_delay_s: float = 5.0
    max_delay_s: float = 900.0

    def gives_up_after(self, attempts: int) -> bool:
        return attempts >= self.max_attempts

    def delay_after(self, attempts: int) -> float:
        return float(min(self.max_delay_s, self.base_delay_s * 2 ** max(0, attempts - 1)))


def smtp_failure(code: int, message: str) -> SendError:
    """RFC 5321: 4yz is a transient negative reply, 5yz a permanent one."""
    reason = f"smtp {code} {message}".strip()[:500]
    if 400 <= code < 500:
        return TransientSendError(reason)
    return PermanentSendError(reason)


def http_failure(status: int, detail: str) -> SendError:
    """An SMS provider's answer: 408/429/5xx are worth retrying, other 4xx are not."""
    reason = f"http {status} {detail}".strip()[:500]
    if status in (408, 429) or status >= 500:
        return TransientSendError(reason)
    return PermanentSendError(reason)


def language_of(locale: str | None) -> str:
    """Chinese by default; English when the locale asks for it."""
    return "en" if locale and locale.lower().startswith("en") else "zh"
