"""notify's composition root."""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from jiaodui_runtime.migrations import load_migrations
from jiaodui_runtime.service import ServiceDefinition, ServiceRuntime, create_app

from jiaodui_notify.adapters.mailer import SmtpMailer
from jiaodui_notify.entrypoints import subscriptions
from jiaodui_notify.service_layer import Notify
from jiaodui_notify.settings import NotifySettings
from jiaodui_notify.templates import Templates


async def build_notify(rt: ServiceRuntime) -> Notify:
    settings = rt.settings
    assert isinstance(settings, NotifySettings)
    return Notify(settings=settings, mailer=SmtpMailer(settings), templates=Templates())


def definition(settings: NotifySettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or NotifySettings(),
        routers=[],
        migrations=load_migrations("notify", files("jiaodui_notify") / "migrations"),
        build_state=build_notify,
        handlers=lambda rt: subscriptions.handlers(rt.state),
    )


def create_notify_app() -> FastAPI:
    return create_app(definition())
