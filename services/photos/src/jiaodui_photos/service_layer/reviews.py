"""The college office's review of photos the machine checks did not pass (DESIGN §9):
accept (the same person; the student may confirm) or ask for a new photo (an erratum opens
in corrections; the next photo replaces this one and is checked again)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from jiaodui_contracts.photos import PhotoRecaptureRequested
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.outbox import add_to_outbox

from jiaodui_photos.domain.checks import CheckState, Review, ReviewError, decide_review
from jiaodui_photos.service_layer.workbench import college_in_scope
from jiaodui_photos.state import SOURCE, Photos
from jiaodui_photos.store import checks as store

_IMAGE = "/api/photos/v1/photos/{}/image"


async def list_reviews(
    ph: Photos,
    principal: Principal,
    *,
    institution_code: str | None,
    college: str | None,
    verdict: str | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    institution_code, college = college_in_scope(principal, institution_code, college)
    async with ph.pool.acquire() as conn:
        rows = await store.reviews(
            conn,
            institution_code=institution_code,
            college=college,
            verdict=verdict,
            limit=limit,
            offset=offset,
        )
    items = [
        {
            "photo_id": str(r["photo_id"]),
            "record_id": str(r["record_id"]),
            "kind": r["kind"],
            "institution_code": r["institution_code"],
            "college": r["branch"],
            "class_name": r["class_name"],
            "name": r["name"],
            "student_number": r["student_number"],
            "verdict": r["verdict"],
            "distance": r["distance"],
            "findings": r["findings"] or [],
            "checked_at": r["checked_at"],
            "image_url": _IMAGE.format(r["photo_id"]),
            "other_photo_id": str(r["other_photo_id"]) if r["other_photo_id"] else None,
            "other_image_url": _IMAGE.format(r["other_photo_id"]) if r["other_photo_id"] else None,
        }
        for r in rows
    ]
    return {"items": items, "total": rows[0]["total"] if rows else 0}


async def review_photo(
    ph: Photos,
    principal: Principal,
    *,
    photo_id: uuid.UUID,
    wanted: Review,
    reason: str | None = None,
) -> dict[str, Any]:
    """Record the office's decision once; a repeat answers the same and emits nothing."""
    async with ph.pool.acquire() as conn, conn.transaction():
        row = await store.review_target(conn, photo_id)
        if row is None:
            raise Problem(404, "photo_not_found", "There is no such linked photo.")
        if not principal.in_scope(row["institution_code"], row["branch"]):
            raise Problem(403, "forbidden_scope", "This photo is not in your scope.")
        if row["current_photo_id"] != photo_id:
            raise Problem(409, "photo_not_current", "The photo was replaced.")
        state = CheckState(row["check_state"])
        try:
            apply = decide_review(wanted, state=state, verdict=row["verdict"], review=row["review"])
        except ReviewError as exc:
            raise Problem(409, exc.code, exc.detail) from exc
        if apply:
            now = datetime.now(UTC)
            await store.set_review(
                conn, photo_id=photo_id, review=wanted.value, by=principal.account_id, at=now,
                reason=reason,
            )  # fmt: skip
            state = CheckState.ACCEPTED if wanted == Review.ACCEPTED else CheckState.UNDER_REVIEW
            await store.set_slot_state(conn, row["record_id"], row["kind"], state.value)
            if wanted == Review.RECAPTURE:
                await add_to_outbox(
                    conn,
                    PhotoRecaptureRequested(
                        record_id=str(row["record_id"]),
                        institution_code=row["institution_code"],
                        branch=row["branch"],
                        photo_id=str(photo_id),
                        kind=row["kind"],
                        reason=reason or "",
                        requested_by=principal.account_id,
                        requested_role=principal.role,
                        requested_at=now,
                    ),
                    source=SOURCE,
                )
        else:
            reason = row["review_reason"]
    return {
        "photo_id": str(photo_id),
        "record_id": str(row["record_id"]),
        "kind": row["kind"],
        "verdict": row["verdict"],
        "review": wanted.value,
        "check": state.value,
        "reason": reason,
    }
