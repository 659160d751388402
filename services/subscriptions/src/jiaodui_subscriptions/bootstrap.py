"""subscriptions' composition root."""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from jiaodui_runtime.migrations import load_migrations
from jiaodui_runtime.ratelimit import RateLimiter
from jiaodui_runtime.retry import Schedule
from jiaodui_runtime.sealing import Sealer
from jiaodui_runtime.service import ServiceDefinition, ServiceRuntime, create_app

from jiaodui_subscriptions.adapters.sender import WebhookSender
from jiaodui_subscriptions.domain.network import NetworkPolicy
from jiaodui_subscriptions.entrypoints import (
    catalogue,
    deliveries,
    feed,
    subscribers,
    subscriptions,
)
from jiaodui_subscriptions.jobs import deliver, housekeeping
from jiaodui_subscriptions.settings import SubscriptionsSettings
from jiaodui_subscriptions.state import InFlight, Subscriptions


def build_subscriptions(settings: SubscriptionsSettings, rt: ServiceRuntime) -> Subscriptions:
    policy = NetworkPolicy.of(settings.allowed_cidrs, allow_loopback=settings.loopback_allowed)
    return Subscriptions(
        settings=settings,
        sealer=Sealer(settings.seal_secret.get_secret_value().encode(), purpose="webhooks"),
        schedule=Schedule(settings.retry_schedule_s),
        sender=WebhookSender(
            policy,
            timeout_s=settings.delivery_timeout_s,
            excerpt_bytes=settings.response_excerpt_bytes,
        ),
        limiter=RateLimiter(rt.redis, "webhooks"),
        in_flight=InFlight(limit=max(1, settings.endpoint_concurrency)),
    )


async def _build(rt: ServiceRuntime) -> Subscriptions:
    settings = rt.settings
    assert isinstance(settings, SubscriptionsSettings)
    return build_subscriptions(settings, rt)


async def _close(rt: ServiceRuntime) -> None:
    subs: Subscriptions = rt.state
    await subs.sender.aclose()


def definition(settings: SubscriptionsSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or SubscriptionsSettings(),
        routers=[subscribers.router, deliveries.router, feed.router, catalogue.router],
        migrations=load_migrations("subscriptions", files("jiaodui_subscriptions") / "migrations"),
        build_state=_build,
        handlers=subscriptions.handlers,
        background=[deliver, housekeeping],
        close_state=_close,
        title="jiaodui subscriptions",
    )


def create_subscriptions_app() -> FastAPI:
    return create_app(definition())
