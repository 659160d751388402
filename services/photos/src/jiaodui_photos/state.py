"""photos's own objects, built once by the composition root (bootstrap)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo

import asyncpg
from jiaodui_runtime.blobs import BlobStore

from jiaodui_photos.settings import PhotosSettings

SOURCE = "/jiaodui/photos"


@dataclass
class Photos:
    settings: PhotosSettings
    pool: asyncpg.Pool
    blobs: BlobStore
    display_zone: tzinfo
    # wakes the outbox relay after a statement that wrote events without a NOTIFY committed
    outbox_committed: Callable[[], None]
    # batches being processed after their 202; kept so that they are not garbage-collected
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
