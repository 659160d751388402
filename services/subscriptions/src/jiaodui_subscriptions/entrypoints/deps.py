"""subscriptions' dependency aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.deps import require_roles

from jiaodui_subscriptions.state import Subscriptions


async def get_subscriptions(request: Request) -> Subscriptions:
    subs: Subscriptions = request.app.state.runtime.state
    return subs


SubscriptionsDep = Annotated[Subscriptions, Depends(get_subscriptions)]
Manager = Annotated[Principal, Depends(require_roles("admin", "registrar"))]
"""An admin (any institution) or a registrar (their own) manages subscribers."""
