"""Confirmation windows, set by the registrar per institution and cohort."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from jiaodui_runtime.auth import Principal
from jiaodui_runtime.errors import Problem

from jiaodui_photos.domain.windows import Phase, Window, window_problem
from jiaodui_photos.state import Photos
from jiaodui_photos.store import windows as store


def window_view(window: Window | None, phase: Phase, zone: tzinfo) -> dict[str, Any]:
    """Times shown in the display zone (Asia/Shanghai), with their offset."""
    if window is None:
        return {
            "phase": phase.value,
            "confirm_until": None,
            "recheck_from": None,
            "recheck_until": None,
        }
    return {
        "phase": phase.value,
        "confirm_until": window.confirm_until.astimezone(zone).isoformat(),
        "recheck_from": window.recheck_from.astimezone(zone).isoformat(),
        "recheck_until": window.recheck_until.astimezone(zone).isoformat(),
    }


async def set_window(
    ph: Photos, principal: Principal, *, institution_code: str, cohort: str, window: Window
) -> None:
    if principal.role != "admin" and principal.institution_code != institution_code:
        raise Problem(403, "forbidden_scope", "This institution is not in your scope.")
    problem = window_problem(window)
    if problem is not None:
        raise Problem(422, problem, "confirm_until ≤ recheck_from < recheck_until is required.")
    async with ph.pool.acquire() as conn:
        await store.put_window(
            conn,
            institution_code=institution_code,
            cohort=cohort,
            window=window,
            by=principal.account_id,
        )
