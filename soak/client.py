"""The gateway as the soak calls it: every request timed and counted under a route family."""

from __future__ import annotations

import time
from typing import Any

import httpx

from soak.probes import USER_AGENT
from soak.stats import Slice


class Gateway:
    """An httpx client whose answers go into the current slice (``slice`` is swapped at each
    slice boundary; a request is counted in the slice in which it ends)."""

    def __init__(self, base_url: str, into: Slice) -> None:
        self.http = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(60, connect=10),
            limits=httpx.Limits(max_connections=400, max_keepalive_connections=100),
            headers={"User-Agent": USER_AGENT},
        )
        self.slice = into

    async def close(self) -> None:
        await self.http.aclose()

    async def call(
        self, family: str, method: str, url: str, *, token: str | None = None, **kwargs: Any
    ) -> httpx.Response | None:
        """The answer, or None when none came (counted as ``transport <error>``)."""
        if token is not None:
            kwargs["headers"] = {**kwargs.get("headers", {}), "Authorization": f"Bearer {token}"}
        started = time.perf_counter()
        try:
            answer = await self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            ms = (time.perf_counter() - started) * 1000
            self.slice.record(family, ms, f"transport {type(exc).__name__}")
            return None
        ms = (time.perf_counter() - started) * 1000
        self.slice.record(family, ms, status_label(answer))
        return answer


def status_label(answer: httpx.Response) -> str:
    """``200``, or for a problem document ``409 window_closed`` (its stable code)."""
    label = str(answer.status_code)
    if answer.status_code >= 400 and "json" in answer.headers.get("content-type", ""):
        try:
            code = answer.json().get("code")
        except (ValueError, AttributeError):
            code = None
        if isinstance(code, str):
            label += f" {code}"
    return label
