"""Access checks the gateway asks before serving what only operations may see.

nginx's ``auth_request`` calls ``GET /v1/access/ops`` with the caller's Authorization header
before it proxies Prometheus's API or a service's /metrics, /openapi.json, /docs and /redoc:
204 lets the request through, 401 and 403 are passed on to the caller as problems.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.deps import require_roles

router = APIRouter(prefix="/v1/access", tags=["access"])
OpsOrAdmin = Annotated[Principal, Depends(require_roles("ops", "admin"))]


@router.get("/ops", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def check_ops_access(_: OpsOrAdmin) -> Response:
    """204 for an ops or admin token; 401 without a valid token; 403 for any other role."""
    return Response(status_code=status.HTTP_204_NO_CONTENT)
