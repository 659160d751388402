"""Send what is due: a few pending deliveries per transaction, each with its outcome event.

The rows stay locked (``FOR UPDATE SKIP LOCKED``) while their sends run, so instances
never send the same delivery twice; the outcomes, and NotificationSent or
NotificationFailed in the outbox, commit together, in one statement each (a statement per
delivery and outcome was most of the sender's work in a burst of confirmations:
docs/notes/issue-16-session9.md, -session10.md). If the database fails before the commit,
the batch's messages already sent go again (at least once, as a crash between a send and
its commit did).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

import asyncpg
from jiaodui_contracts import Contract
from jiaodui_contracts.notify import NotificationFailed, NotificationSent
from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.outbox import add_many_to_outbox
from jiaodui_runtime.privacy import scrub_text

from jiaodui_notify.adapters.channels import Outgoing
from jiaodui_notify.domain.delivery import SendError, TransientSendError
from jiaodui_notify.state import SOURCE, Notify
from jiaodui_notify.store import deliveries
from jiaodui_notify.store.deliveries import Outcome

_log = get_logger(__name__)
CAPPED = "recipient_cap_exceeded"


async def send_due(pool: asyncpg.Pool, notify: Notify, *, limit: int) -> int:
    """Attempt up to ``limit`` due deliveries; return how many were attempted."""
    async with pool.acquire() as conn, conn.transaction():
        rows = await deliveries.claim_due(conn, limit=limit)
        capped = await _over_cap(notify, rows)
        outcomes = [await attempt(notify, row, over_cap=row["id"] in capped) for row in rows]
        at = await deliveries.record_outcomes(conn, outcomes)
        if at is not None:
            events = [
                event
                for row, outcome in zip(rows, outcomes, strict=True)
                if (event := outcome_event(row, outcome, at)) is not None
            ]
            await add_many_to_outbox(conn, events, source=SOURCE)
    return len(rows)


async def _over_cap(notify: Notify, rows: list[asyncpg.Record]) -> set[uuid.UUID]:
    """The deliveries whose recipient is over the cap, each first attempt counted against
    it (in one round trip to Redis for the batch)."""
    first = [row for row in rows if row["attempts"] == 0]
    if notify.limiter is None or not first:
        return set()
    subjects = [
        "to:" + hashlib.sha256(f"{row['channel']}:{row['recipient_key']}".encode()).hexdigest()[:32]
        for row in first
    ]
    try:
        waits = await notify.limiter.hit_each(subjects, notify.caps)
    except Exception as exc:  # Redis down: sending matters more than the cap
        _log.warning("recipient_cap_unavailable", error=repr(exc))
        return set()
    return {row["id"] for row, wait in zip(first, waits, strict=True) if wait is not None}


async def attempt(notify: Notify, row: asyncpg.Record, *, over_cap: bool = False) -> Outcome:
    """Send one claimed delivery, unless its recipient is ``over_cap``: what became of it."""
    delivery_id, attempts = row["id"], row["attempts"] + 1
    if over_cap:
        return _failed(row, "suppressed", row["attempts"], CAPPED)
    try:
        await _send(notify, row)
    except SendError as exc:
        error = scrub_text(exc.reason)
        if exc.transient and not notify.retry.gives_up_after(attempts):
            delay = notify.retry.delay_after(attempts)
            _log.info(
                "delivery_retry", delivery_id=str(delivery_id), attempts=attempts, error=error
            )
            return Outcome(delivery_id, None, attempts, error, retry_in_s=delay)
        return _failed(row, "failed", attempts, error)
    _log.info("delivery_sent", delivery_id=str(delivery_id), template=row["template"])
    return Outcome(delivery_id, "sent", attempts)


def _failed(row: asyncpg.Record, status: str, attempts: int, error: str) -> Outcome:
    _log.warning("delivery_failed", delivery_id=str(row["id"]), status=status, error=error)
    return Outcome(row["id"], status, attempts, error)


def outcome_event(row: asyncpg.Record, outcome: Outcome, at: datetime) -> Contract | None:
    """NotificationSent or NotificationFailed for a final outcome recorded ``at``."""
    if outcome.status == "sent":
        return NotificationSent(**_common(row), sent_at=at)
    if outcome.status is not None:
        error = outcome.error or ""
        return NotificationFailed(
            **_common(row), error=error, attempts=outcome.attempts, failed_at=at
        )
    return None


async def _send(notify: Notify, row: asyncpg.Record) -> None:
    try:
        content: dict[str, Any] = notify.sealer.open(row["sealed"])
        message = Outgoing(
            to=content["to"],
            subject=content["subject"],
            text=content["text"],
            html=content["html"],
            ref=str(row["id"]),
        )
        await notify.channels[row["channel"]].send(message)
    except SendError:
        raise
    except Exception as exc:  # a bug or an unreadable payload: retried, then failed
        raise TransientSendError(f"unexpected: {type(exc).__name__}") from exc


def _common(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "delivery_id": str(row["id"]),
        "channel": row["channel"],
        "template": row["template"],
        "recipient_masked": row["recipient_masked"],
        "account_id": str(row["account_id"]) if row["account_id"] else None,
        "cause_event_id": str(row["cause_event_id"]),
        "cause_type": row["cause_type"] or "",
    }
