"""records's composition root."""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from jiaodui_runtime.migrations import load_migrations
from jiaodui_runtime.service import ServiceDefinition, create_app

from jiaodui_records.settings import RecordsSettings


def definition(settings: RecordsSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or RecordsSettings(),
        routers=[],
        migrations=load_migrations("records", files("jiaodui_records") / "migrations"),
    )


def create_records_app() -> FastAPI:
    return create_app(definition())
