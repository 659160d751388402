"""notify's dependency aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.deps import require_roles

from jiaodui_notify.state import Notify


def get_notify(request: Request) -> Notify:
    notify: Notify = request.app.state.runtime.state
    return notify


NotifyDep = Annotated[Notify, Depends(get_notify)]
OpsOrAdmin = Annotated[Principal, Depends(require_roles("ops", "admin"))]
