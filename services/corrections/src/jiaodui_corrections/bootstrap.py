"""corrections's composition root."""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from jiaodui_runtime.migrations import load_migrations
from jiaodui_runtime.service import ServiceDefinition, create_app

from jiaodui_corrections.settings import CorrectionsSettings


def definition(settings: CorrectionsSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or CorrectionsSettings(),
        routers=[],
        migrations=load_migrations("corrections", files("jiaodui_corrections") / "migrations"),
    )


def create_corrections_app() -> FastAPI:
    return create_app(definition())
