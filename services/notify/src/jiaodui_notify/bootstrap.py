"""notify's composition root."""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from jiaodui_runtime.migrations import load_migrations
from jiaodui_runtime.ratelimit import Limit, RateLimiter
from jiaodui_runtime.retry import Backoff
from jiaodui_runtime.sealing import Sealer
from jiaodui_runtime.service import ServiceDefinition, ServiceRuntime, create_app

from jiaodui_notify.adapters.channels import HttpSmsChannel, SmtpChannel
from jiaodui_notify.adapters.templates import Templates
from jiaodui_notify.entrypoints import deliveries, messages, subscriptions
from jiaodui_notify.jobs import deliver
from jiaodui_notify.settings import NotifySettings
from jiaodui_notify.state import Notify


def build_notify(settings: NotifySettings, rt: ServiceRuntime) -> Notify:
    return Notify(
        settings=settings,
        templates=Templates(),
        channels={"email": SmtpChannel(settings), "sms": HttpSmsChannel(settings, rt.http)},
        sealer=Sealer(settings.seal_secret.get_secret_value().encode(), purpose="notify"),
        retry=Backoff(
            max_attempts=settings.delivery_max_attempts,
            base_delay_s=settings.delivery_backoff_s,
            max_delay_s=settings.delivery_backoff_max_s,
        ),
        limiter=RateLimiter(rt.redis, "notify"),
        caps=[Limit(settings.recipient_cap_hour, 3600), Limit(settings.recipient_cap_day, 86400)],
    )


async def _build(rt: ServiceRuntime) -> Notify:
    settings = rt.settings
    assert isinstance(settings, NotifySettings)
    return build_notify(settings, rt)


def definition(settings: NotifySettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or NotifySettings(),
        routers=[deliveries.router, messages.router],
        migrations=load_migrations("notify", files("jiaodui_notify") / "migrations"),
        build_state=_build,
        handlers=subscriptions.handlers,
        background=[deliver],
    )


def create_notify_app() -> FastAPI:
    return create_app(definition())
