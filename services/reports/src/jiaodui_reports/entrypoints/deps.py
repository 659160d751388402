"""Dependency aliases of the reports routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from jiaodui_reports.state import Reports


async def get_reports(request: Request) -> Reports:
    reports: Reports = request.app.state.runtime.state
    return reports


def client_ip(request: Request) -> str:
    # The gateway sets X-Real-IP from the connection (a client's own value is replaced).
    return request.headers.get("x-real-ip") or (request.client.host if request.client else "-")


def bearer(request: Request) -> str:
    return request.headers.get("authorization", "").partition(" ")[2].strip()


ReportsDep = Annotated[Reports, Depends(get_reports)]
