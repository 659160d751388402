"""corrections's composition root."""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from jiaodui_runtime.blobs import blob_store_from_url
from jiaodui_runtime.migrations import load_migrations
from jiaodui_runtime.service import ServiceDefinition, ServiceRuntime, create_app

from jiaodui_corrections.entrypoints import cases, errata, links, subscriptions, windows
from jiaodui_corrections.jobs import housekeeping
from jiaodui_corrections.settings import CorrectionsSettings
from jiaodui_corrections.state import Corrections


async def build_corrections(rt: ServiceRuntime) -> Corrections:
    settings = rt.settings
    assert isinstance(settings, CorrectionsSettings)
    return Corrections(settings=settings, scans=blob_store_from_url(settings.scan_store_url))


def definition(settings: CorrectionsSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or CorrectionsSettings(),
        routers=[
            errata.router,
            cases.corrections_router,
            cases.disputes_router,
            cases.me_router,
            windows.router,
        ],
        handlers=subscriptions.handlers,
        background=[housekeeping],
        migrations=load_migrations("corrections", files("jiaodui_corrections") / "migrations"),
        build_state=build_corrections,
        links=links.LINKS,
    )


def create_corrections_app() -> FastAPI:
    return create_app(definition())
