"""identity's composition root."""

from __future__ import annotations

from importlib.resources import files

import httpx
from fastapi import FastAPI
from jiaodui_runtime.migrations import load_migrations
from jiaodui_runtime.ratelimit import CounterLedger, RateLimiter
from jiaodui_runtime.service import ServiceDefinition, ServiceRuntime, create_app

from jiaodui_identity.adapters.oidc import OidcClient
from jiaodui_identity.adapters.passwords import Passwords
from jiaodui_identity.adapters.signing import TokenSigner, load_or_create_keys
from jiaodui_identity.adapters.sms_codes import SmsCodes
from jiaodui_identity.entrypoints import (
    access,
    accounts,
    jwks,
    links,
    me,
    oauth,
    recovery,
    sessions,
    sso,
    sso_admin,
    sso_events,
    staff,
    subscriptions,
)
from jiaodui_identity.jobs import housekeeping
from jiaodui_identity.service_layer.accounts import ensure_first_admin
from jiaodui_identity.settings import IdentitySettings
from jiaodui_identity.state import Identity


async def build_identity(rt: ServiceRuntime) -> Identity:
    settings = rt.settings
    assert isinstance(settings, IdentitySettings)
    async with rt.pool.acquire() as conn:
        keys = await load_or_create_keys(conn)
    signer = TokenSigner(keys, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    # no redirects followed: a provider's answers are read where they were asked for
    campus_http = httpx.AsyncClient(timeout=settings.sso_http_timeout_s, follow_redirects=False)
    identity = Identity(
        settings=settings,
        passwords=Passwords(
            time_cost=settings.argon2_time_cost,
            memory_kib=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
            workers=settings.hash_workers,
        ),
        signer=signer,
        sms_codes=SmsCodes(rt.redis, settings.identity_hash_key),
        # counted in PostgreSQL too: a Redis that lost its data gets them back
        limiter=RateLimiter(
            rt.redis,
            "identity",
            ledger=CounterLedger(rt.pool),
            secret=settings.identity_hash_key,
        ),
        redis=rt.redis,
        pool=rt.pool,
        campus_http=campus_http,
        oidc=OidcClient(campus_http),
    )
    await ensure_first_admin(rt.pool, identity)
    return identity


async def close_identity(rt: ServiceRuntime) -> None:
    await rt.state.campus_http.aclose()


def definition(settings: IdentitySettings | None = None) -> ServiceDefinition:
    settings = settings or IdentitySettings()
    return ServiceDefinition(
        settings=settings,
        routers=[
            accounts.router,
            sessions.router,
            me.router,
            recovery.router,
            staff.router,
            jwks.router,
            access.router,
            oauth.router,
            sso.router,
            sso_admin.router,
        ],
        handlers=lambda rt: {**subscriptions.handlers(rt), **sso_events.handlers(rt)},
        background=[housekeeping],
        migrations=load_migrations("identity", files("jiaodui_identity") / "migrations"),
        build_state=build_identity,
        close_state=close_identity,
        key_source=lambda rt: rt.state.signer,
        links=links.LINKS,
        keeps_revocations=True,
    )


def create_identity_app() -> FastAPI:
    return create_app(definition())
