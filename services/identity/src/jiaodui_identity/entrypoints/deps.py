"""identity's dependency aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from jiaodui_identity.state import Identity


def get_identity(request: Request) -> Identity:
    identity: Identity = request.app.state.runtime.state
    return identity


IdentityDep = Annotated[Identity, Depends(get_identity)]
