"""records' own objects, built once by the composition root (bootstrap)."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field

import asyncpg

from jiaodui_records.service_layer.imports import run_import
from jiaodui_records.settings import RecordsSettings


@dataclass
class Records:
    settings: RecordsSettings
    pool: asyncpg.Pool
    running: set[asyncio.Task[None]] = field(default_factory=set)

    def start_import(self, import_id: uuid.UUID) -> None:
        """Process an import in the background (the request has answered 202)."""
        task = asyncio.create_task(run_import(self.pool, self.settings, import_id))
        self.running.add(task)
        task.add_done_callback(self.running.discard)

    async def stop(self) -> None:
        for task in list(self.running):
            task.cancel()
        await asyncio.gather(*self.running, return_exceptions=True)
