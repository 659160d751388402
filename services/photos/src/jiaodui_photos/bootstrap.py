"""photos's composition root."""

from __future__ import annotations

import asyncio
from datetime import timedelta, timezone, tzinfo
from importlib.resources import files
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import FastAPI
from jiaodui_runtime.blobs import blob_store_from_url
from jiaodui_runtime.migrations import load_migrations
from jiaodui_runtime.service import ServiceDefinition, ServiceRuntime, create_app

from jiaodui_photos.entrypoints import (
    batches,
    links,
    photos,
    reviews,
    stats,
    subscriptions,
    windows,
)
from jiaodui_photos.jobs import photo_checks, progress_fold, reminders, slot_metrics
from jiaodui_photos.settings import PhotosSettings
from jiaodui_photos.state import Photos


def display_zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone(timedelta(hours=8), name)  # China has one zone and no DST


async def build_photos(rt: ServiceRuntime) -> Photos:
    settings = rt.settings
    assert isinstance(settings, PhotosSettings)
    return Photos(
        settings=settings,
        pool=rt.pool,
        blobs=blob_store_from_url(settings.blob_url),
        display_zone=display_zone(settings.display_timezone),
        outbox_committed=rt.outbox_committed,
    )


async def close_photos(rt: ServiceRuntime) -> None:
    ph: Photos = rt.state
    if ph is not None and ph.tasks:
        _done, pending = await asyncio.wait(ph.tasks, timeout=10)
        for task in pending:
            task.cancel()


def definition(settings: PhotosSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or PhotosSettings(),
        routers=[batches.router, windows.router, photos.router, reviews.router, stats.router],
        migrations=load_migrations("photos", files("jiaodui_photos") / "migrations"),
        build_state=build_photos,
        close_state=close_photos,
        handlers=subscriptions.handlers,
        background=[reminders, slot_metrics, progress_fold, photo_checks],
        links=links.LINKS,
    )


def create_photos_app() -> FastAPI:
    return create_app(definition())
