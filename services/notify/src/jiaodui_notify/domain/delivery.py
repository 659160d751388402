"""Delivery rules: how a send failure is classified and how often it is retried."""

from __future__ import annotations

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
