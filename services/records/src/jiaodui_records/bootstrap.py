"""records' composition root."""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from jiaodui_runtime.migrations import load_migrations
from jiaodui_runtime.service import ServiceDefinition, ServiceRuntime, create_app

from jiaodui_records.entrypoints import imports, links, me, records, subscriptions
from jiaodui_records.jobs import resume_imports
from jiaodui_records.settings import RecordsSettings
from jiaodui_records.state import Records


async def build_records(rt: ServiceRuntime) -> Records:
    settings = rt.settings
    assert isinstance(settings, RecordsSettings)
    return Records(settings=settings, pool=rt.pool)


async def close_records(rt: ServiceRuntime) -> None:
    await rt.state.stop()


def definition(settings: RecordsSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or RecordsSettings(),
        routers=[imports.router, me.router, records.router],
        migrations=load_migrations("records", files("jiaodui_records") / "migrations"),
        build_state=build_records,
        close_state=close_records,
        handlers=subscriptions.handlers,
        background=[resume_imports],
        links=links.LINKS,
    )


def create_records_app() -> FastAPI:
    return create_app(definition())
