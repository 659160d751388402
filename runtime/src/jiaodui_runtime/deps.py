"""FastAPI dependency aliases shared by every service's routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from jiaodui_runtime.auth import CLIENT_ROLE, Principal
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.service import ServiceRuntime


# async: a plain `def` dependency costs every request a hop through the thread pool
async def get_runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


async def get_pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.runtime.pool
    return pool


async def any_principal(request: Request) -> Principal:
    """Whoever holds a valid token, campus systems (role ``client``) included."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(
            401,
            "unauthenticated",
            "A bearer token is required.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    runtime: ServiceRuntime = request.app.state.runtime
    return await runtime.verifier.verify(token.strip())


async def current_principal(
    principal: Annotated[Principal, Depends(any_principal)],
) -> Principal:
    """A person signed in: a campus system's token (role ``client``) opens only the routes
    that ask for that role by name (403 ``forbidden_role`` elsewhere)."""
    if principal.is_client:
        raise Problem(403, "forbidden_role", "A campus system's token opens only its feed.")
    return principal


Runtime = Annotated[ServiceRuntime, Depends(get_runtime)]
Db = Annotated[asyncpg.Pool, Depends(get_pool)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets only these roles through (403 ``forbidden_role`` otherwise)."""
    allowed = frozenset(roles)

    async def check(principal: Annotated[Principal, Depends(any_principal)]) -> Principal:
        if principal.role not in allowed:
            raise Problem(403, "forbidden_role", "Your role may not do this.")
        return principal

    return check


CurrentStudent = Annotated[Principal, Depends(require_roles("student"))]
CurrentClient = Annotated[Principal, Depends(require_roles(CLIENT_ROLE))]
