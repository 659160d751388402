"""The graduation photo, copied from photos when a report is issued (a report is a
snapshot: a later re-capture must not change what was issued)."""

from __future__ import annotations

import httpx
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.logging import get_logger

_log = get_logger(__name__)


async def fetch_photo(
    http: httpx.AsyncClient, *, photos_url: str, photo_id: str, bearer: str
) -> bytes:
    """The JPEG bytes, read with the student's own token (photos checks it is theirs)."""
    try:
        answer = await http.get(
            f"{photos_url.rstrip('/')}/v1/photos/{photo_id}/image",
            headers={"Authorization": f"Bearer {bearer}"},
            timeout=10.0,
        )
    except httpx.HTTPError as exc:
        _log.warning("photo_fetch_failed", error=repr(exc))
        raise Problem(
            503,
            "photo_unavailable",
            "The photo cannot be read just now; try again shortly.",
            headers={"Retry-After": "5"},
        ) from exc
    if answer.status_code != 200 or not answer.content.startswith(b"\xff\xd8"):
        _log.warning("photo_fetch_refused", status=answer.status_code)
        raise Problem(
            503,
            "photo_unavailable",
            "The photo cannot be read just now; try again shortly.",
            headers={"Retry-After": "5"},
        )
    return answer.content
