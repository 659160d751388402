"""Confirm / dispute: the hot path (one statement reads, decides, writes the answer and its
event; the rules run here again only when it wrote nothing, to say why)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
from jiaodui_contracts import Contract
from jiaodui_contracts.photos import PhotoConfirmed, PhotoDisputed
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.errors import Problem

from jiaodui_photos.domain.answers import AnswerError, SlotStatus, decide_answer
from jiaodui_photos.domain.checks import CheckState
from jiaodui_photos.domain.windows import phase_of
from jiaodui_photos.state import SOURCE, Photos
from jiaodui_photos.store import answers as store
from jiaodui_photos.store.windows import window_of


def answer_event(
    wanted: SlotStatus, at: datetime, reason: str | None
) -> tuple[type[Contract], dict[str, Any]]:
    """The event of an answer and its fields beyond the slot's (record, institution, branch,
    photo, account, kind: the statement takes those from the row it answers)."""
    when = at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if wanted == SlotStatus.CONFIRMED:
        return PhotoConfirmed, {"confirmed_at": when}
    return PhotoDisputed, {"reason": reason or "", "disputed_at": when}


def _view(
    ph: Photos,
    photo_id: str,
    row: asyncpg.Record,
    status: str,
    at: datetime | None,
    reason: str | None,
) -> dict[str, Any]:
    return {
        "photo_id": photo_id,
        "record_id": str(row["record_id"]),
        "kind": row["kind"],
        "status": status,
        "answered_at": at.astimezone(ph.display_zone).isoformat() if at else None,
        "reason": reason,
    }


async def answer_photo(
    ph: Photos,
    principal: Principal,
    *,
    photo_id: uuid.UUID,
    wanted: SlotStatus,
    reason: str | None = None,
) -> dict[str, Any]:
    """Record the student's answer once; a repeat answers the same and emits nothing."""
    pid = str(photo_id)
    async with ph.pool.acquire() as conn:
        for _ in range(3):
            now = datetime.now(UTC)
            event, fields = answer_event(wanted, now, reason)
            row = await store.answer(
                conn,
                photo_id=photo_id,
                status=wanted.value,
                account_id=principal.account_id,
                at=now,
                dispute_reason=reason,
                event=event,
                event_fields=fields,
                source=SOURCE,
            )
            if row is None:
                if await store.photo_exists(conn, photo_id):
                    raise Problem(
                        409, "photo_not_current", "The photo was replaced or is not linked."
                    )
                raise Problem(404, "photo_not_found", "There is no such photo.")
            if row["answered"]:
                ph.outbox_committed()  # the statement committed its event
                return _view(ph, pid, row, wanted.value, now, reason)
            owner = row["account_id"]
            try:
                apply = decide_answer(
                    wanted=wanted,
                    current=SlotStatus(row["status"]),
                    owner_id=str(owner) if owner else None,
                    caller_id=principal.account_id,
                    phase=phase_of(window_of(row), now),
                    check=CheckState(row["check_state"]),
                )
            except AnswerError as exc:
                raise Problem(exc.status, exc.code, exc.detail) from exc
            if not apply:
                return _view(ph, pid, row, row["status"], row["answered_at"], row["dispute_reason"])
            # the rules allowed it yet nothing was written: answered concurrently (another
            # request of the same student) between the read and the write: read again
    raise Problem(409, "answer_conflict", "The photo changed while answering; try again.")
