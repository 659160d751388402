"""photos's composition root."""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from jiaodui_runtime.migrations import load_migrations
from jiaodui_runtime.service import ServiceDefinition, create_app

from jiaodui_photos.settings import PhotosSettings


def definition(settings: PhotosSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or PhotosSettings(),
        routers=[],
        migrations=load_migrations("photos", files("jiaodui_photos") / "migrations"),
    )


def create_photos_app() -> FastAPI:
    return create_app(definition())
