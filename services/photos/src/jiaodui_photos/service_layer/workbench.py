"""The staff workbenches' lists: recent batches, unlinked photos, confirmation windows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jiaodui_runtime.auth import Principal
from jiaodui_runtime.errors import Problem

from jiaodui_photos.domain.windows import phase_of
from jiaodui_photos.service_layer.views import batch_summary
from jiaodui_photos.service_layer.windows import window_view
from jiaodui_photos.state import Photos
from jiaodui_photos.store import views
from jiaodui_photos.store.windows import window_of


def institution_in_scope(principal: Principal, institution_code: str | None) -> str | None:
    """The institution to list: the caller's own for scoped staff (naming another is a
    403), the one asked for (or every one: None) for global roles."""
    if principal.institution_code is None:
        return institution_code
    if institution_code not in (None, principal.institution_code):
        raise Problem(403, "forbidden_scope", "This institution is not in your scope.")
    return principal.institution_code


def college_in_scope(
    principal: Principal, institution_code: str | None, college: str | None
) -> tuple[str | None, str | None]:
    """The institution and college to list: a college office's own (naming another is a
    403), any college of a registrar's own institution."""
    institution_code = institution_in_scope(principal, institution_code)
    if principal.college is not None:
        if college not in (None, principal.college):
            raise Problem(403, "forbidden_scope", "This college is not in your scope.")
        college = principal.college
    return institution_code, college


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict[str, Any]]
    total: int


async def recent_batches(
    ph: Photos, principal: Principal, *, institution_code: str | None, limit: int, offset: int
) -> Page:
    code = institution_in_scope(principal, institution_code)
    async with ph.pool.acquire() as conn:
        rows, total = await views.batch_page(
            conn, institution_code=code, limit=limit, offset=offset
        )
    items = [
        batch_summary(
            ph,
            row,
            processed=row["processed"],
            linked=row["linked"],
            unlinked=row["unlinked"],
            invalid=row["invalid"],
        )
        for row in rows
    ]
    return Page(items, total)


async def unlinked_photos(
    ph: Photos, principal: Principal, *, institution_code: str | None, limit: int, offset: int
) -> Page:
    code = institution_in_scope(principal, institution_code)
    if code is None:  # the roles allowed here are all scoped; an unscoped token lists nothing
        raise Problem(403, "forbidden_scope", "Listing photos needs an institution in scope.")
    async with ph.pool.acquire() as conn:
        rows, total = await views.unlinked_page(
            conn, institution_code=code, limit=limit, offset=offset
        )
    items = [
        {
            "photo_id": str(row["photo_id"]),
            "batch_id": str(row["batch_id"]),
            "institution_code": row["institution_code"],
            "file": row["file"],
            "kind": row["kind"],
            "uploaded_at": row["created_at"],
            "name": row["manifest_name"],
            "student_number": row["student_number"],
            "id_number_masked": row["id_number_masked"],
            "by_collection_code": row["by_code"],
            "reason": row["unlinked_reason"],
        }
        for row in rows
    ]
    return Page(items, total)


async def confirmation_windows(
    ph: Photos, principal: Principal, *, institution_code: str | None
) -> list[dict[str, Any]]:
    code = institution_in_scope(principal, institution_code)
    async with ph.pool.acquire() as conn:
        rows = await views.windows(conn, institution_code=code)
    now = datetime.now(UTC)
    answer = []
    for row in rows:
        window = window_of(row)
        answer.append(
            {
                "institution_code": row["institution_code"],
                "cohort": row["cohort"],
                **window_view(window, phase_of(window, now), ph.display_zone),
            }
        )
    return answer
