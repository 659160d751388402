"""Send what is due: a few pending deliveries per transaction, each with its outcome event.

The rows stay locked (``FOR UPDATE SKIP LOCKED``) while their sends run, so instances
never send the same delivery twice; the outcomes, and NotificationSent or
NotificationFailed in the outbox, commit together. One transaction a delivery (its claim,
its commit) was half of the sender's work in a burst of confirmations
(docs/notes/issue-16-session9.md); if the database fails before the commit, the batch's
messages already sent go again (at least once, as a crash between a send and its commit did).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import asyncpg
from jiaodui_contracts.notify import NotificationFailed, NotificationSent
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.outbox import add_to_outbox
from jiaodui_runtime.privacy import scrub_text

from jiaodui_notify.adapters.channels import Outgoing
from jiaodui_notify.domain.delivery import SendError, TransientSendError
from jiaodui_notify.state import SOURCE, Notify
from jiaodui_notify.store import deliveries

_log = get_logger(__name__)
CAPPED = "recipient_cap_exceeded"


async def send_due(pool: asyncpg.Pool, notify: Notify, *, limit: int) -> int:
    """Attempt up to ``limit`` due deliveries; return how many were attempted."""
    async with pool.acquire() as conn, conn.transaction():
        rows = await deliveries.claim_due(conn, limit=limit)
        for row in rows:
            await attempt(conn, notify, row)
    return len(rows)


async def _over_cap(notify: Notify, row: asyncpg.Record) -> bool:
    if notify.limiter is None or row["attempts"] > 0:
        return False
    subject = hashlib.sha256(f"{row['channel']}:{row['recipient_key']}".encode()).hexdigest()
    try:
        return await notify.limiter.hit(f"to:{subject[:32]}", notify.caps) is not None
    except Exception as exc:  # Redis down: sending matters more than the cap
        _log.warning("recipient_cap_unavailable", error=repr(exc))
        return False


async def attempt(conn: DbConnection, notify: Notify, row: asyncpg.Record) -> None:
    attempts = row["attempts"] + 1
    if await _over_cap(notify, row):
        await _fail(conn, row, status="suppressed", attempts=row["attempts"], error=CAPPED)
        return
    try:
        await _send(notify, row)
    except SendError as exc:
        error = scrub_text(exc.reason)
        if exc.transient and not notify.retry.gives_up_after(attempts):
            delay = notify.retry.delay_after(attempts)
            await deliveries.mark_retry(
                conn, row["id"], attempts=attempts, delay_s=delay, error=error
            )
            _log.info("delivery_retry", delivery_id=str(row["id"]), attempts=attempts, error=error)
        else:
            await _fail(conn, row, status="failed", attempts=attempts, error=error)
        return
    sent_at = await deliveries.mark_sent(conn, row["id"], attempts=attempts)
    await add_to_outbox(conn, NotificationSent(**_common(row), sent_at=sent_at), source=SOURCE)
    _log.info("delivery_sent", delivery_id=str(row["id"]), template=row["template"])


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


async def _fail(
    conn: DbConnection, row: asyncpg.Record, *, status: str, attempts: int, error: str
) -> None:
    failed_at: datetime = await deliveries.mark_final_failure(
        conn, row["id"], status=status, attempts=attempts, error=error
    )
    await add_to_outbox(
        conn,
        NotificationFailed(**_common(row), error=error, attempts=attempts, failed_at=failed_at),
        source=SOURCE,
    )
    _log.warning("delivery_failed", delivery_id=str(row["id"]), status=status, error=error)


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
