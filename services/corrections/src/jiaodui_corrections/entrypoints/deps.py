"""corrections' dependency aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.deps import require_roles

from jiaodui_corrections.state import Corrections


def get_corrections(request: Request) -> Corrections:
    corr: Corrections = request.app.state.runtime.state
    return corr


CorrectionsDep = Annotated[Corrections, Depends(get_corrections)]
ErrataFiler = Annotated[Principal, Depends(require_roles("student", "college_staff", "registrar"))]
ErrataReviewer = Annotated[Principal, Depends(require_roles("college_staff", "registrar"))]
ErrataReader = Annotated[
    Principal, Depends(require_roles("student", "college_staff", "registrar", "admin", "ops"))
]
StaffReader = Annotated[
    Principal, Depends(require_roles("college_staff", "registrar", "admin", "ops"))
]
Support = Annotated[Principal, Depends(require_roles("support"))]
CaseReader = Annotated[Principal, Depends(require_roles("student", "support"))]
WindowSetter = Annotated[Principal, Depends(require_roles("registrar", "admin"))]
