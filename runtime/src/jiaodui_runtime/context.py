"""Request and correlation ids carried through a request, its events and its logs."""

from __future__ import annotations

import uuid
from contextvars import ContextVar

import structlog

correlation_id_var: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def current_correlation_id() -> str:
    """The correlation id of the work in progress (a fresh one when there is none)."""
    return correlation_id_var.get() or str(uuid.uuid4())


def bind_correlation_id(correlation_id: str, **extra: str) -> None:
    """Make ``correlation_id`` the current one, for outbox rows and log lines alike."""
    correlation_id_var.set(correlation_id)
    structlog.contextvars.bind_contextvars(correlation_id=correlation_id, **extra)
