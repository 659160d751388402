"""photos's dependency aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.deps import any_principal, require_roles
from jiaodui_runtime.errors import Problem

from jiaodui_photos.state import Photos


async def get_photos(request: Request) -> Photos:
    # async on purpose: FastAPI runs a plain `def` dependency in its thread pool, a thread
    # hop per request that cost ~10 % of the confirm path's CPU
    photos: Photos = request.app.state.runtime.state
    return photos


PhotosDep = Annotated[Photos, Depends(get_photos)]


async def current_student(request: Request) -> Principal:
    """Like the runtime's CurrentStudent without its nested dependency (the hot path)."""
    principal = await any_principal(request)
    if principal.role != "student":
        raise Problem(403, "forbidden_role", "Your role may not do this.")
    return principal


Student = Annotated[Principal, Depends(current_student)]
Uploader = Annotated[Principal, Depends(require_roles("photographer", "registrar"))]
Registrar = Annotated[Principal, Depends(require_roles("registrar", "admin"))]
Staff = Annotated[
    Principal,
    Depends(require_roles("ops", "admin", "registrar", "college_staff", "photographer", "support")),
]
# the staff workbenches' lists
BatchReader = Annotated[Principal, Depends(require_roles("photographer", "registrar", "admin"))]
WindowReader = Annotated[
    Principal, Depends(require_roles("registrar", "college_staff", "ops", "admin"))
]
PhotoLister = Annotated[Principal, Depends(require_roles("photographer", "registrar"))]
RecordReader = Annotated[
    Principal,
    Depends(require_roles("registrar", "college_staff", "support", "ops", "admin")),
]
# the machine checks' review queue: college offices and the registrar, in scope
Reviewer = Annotated[Principal, Depends(require_roles("college_staff", "registrar"))]
