"""Background work at start-up: imports a stopped instance left unfinished go on, and
bodies of uploads that never became imports (the service stopped mid-upload) go away."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

from jiaodui_runtime.service import ServiceRuntime

from jiaodui_records.adapters.import_files import remove
from jiaodui_records.state import Records
from jiaodui_records.store import imports

_ORPHAN_AGE_S = 3600.0  # an upload still streaming in (maybe to another instance) is younger


def _orphans(folder: Path, keep: set[uuid.UUID]) -> list[Path]:
    if not folder.is_dir():
        return []
    cutoff = time.time() - _ORPHAN_AGE_S
    found = []
    for path in folder.iterdir():
        try:
            import_id = uuid.UUID(path.stem)
        except ValueError:
            continue
        if import_id not in keep and path.stat().st_mtime < cutoff:
            found.append(path)
    return found


async def resume_imports(rt: ServiceRuntime) -> None:
    state: Records = rt.state
    async with rt.pool.acquire() as conn:
        unfinished = await imports.unfinished(conn)
    for import_id in unfinished:
        state.start_import(import_id)
    folder = Path(state.settings.imports_path)
    for path in await asyncio.to_thread(_orphans, folder, set(unfinished)):
        await asyncio.to_thread(remove, path)
