"""records' dependency aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.deps import require_roles

from jiaodui_records.state import Records


def get_records(request: Request) -> Records:
    records: Records = request.app.state.runtime.state
    return records


RecordsDep = Annotated[Records, Depends(get_records)]
Importer = Annotated[Principal, Depends(require_roles("registrar", "admin"))]
Staff = Annotated[
    Principal,
    Depends(require_roles("college_staff", "registrar", "photographer", "support", "ops", "admin")),
]
