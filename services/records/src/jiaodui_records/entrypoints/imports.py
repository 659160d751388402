"""Registry imports: the body streams to disk, then runs in the background (202)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Query, Request
from jiaodui_runtime.deps import Db
from jiaodui_runtime.errors import Problem

from jiaodui_records.adapters.import_files import FORMATS, read_head, remove
from jiaodui_records.domain.rows import missing_columns
from jiaodui_records.entrypoints.deps import Importer, RecordsDep
from jiaodui_records.entrypoints.schemas import (
    ImportAccepted,
    ImportError,
    ImportPage,
    ImportRead,
    ImportSummary,
)
from jiaodui_records.store import imports as store

router = APIRouter(prefix="/v1/imports", tags=["imports"])
_FLUSH_BYTES = 1024 * 1024
# the body is read as a stream, so FastAPI cannot document it: say what it takes
_IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
    }
}


async def _receive(request: Request, path: Path, limit: int) -> int:
    size = 0
    buffer = bytearray()
    with path.open("wb") as out:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise Problem(413, "import_too_large", f"An import is at most {limit} bytes.")
            buffer += chunk
            if len(buffer) >= _FLUSH_BYTES:
                await asyncio.to_thread(out.write, bytes(buffer))
                buffer.clear()
        await asyncio.to_thread(out.write, bytes(buffer))
    return size


@router.post("", status_code=202, openapi_extra=_IMPORT_BODY)
async def submit_import(
    request: Request, principal: Importer, records: RecordsDep, db: Db
) -> ImportAccepted:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = FORMATS.get(media)
    if fmt is None:
        raise Problem(415, "unsupported_media_type", "Send text/csv or application/x-ndjson.")
    scope = None if principal.role == "admin" else principal.institution_code
    if principal.role != "admin" and not scope:
        raise Problem(403, "forbidden_scope", "Your account has no institution.")
    import_id = uuid.uuid4()
    folder = Path(records.settings.imports_path)
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    path = folder / f"{import_id}.{fmt}"
    try:
        size = await _receive(request, path, records.settings.max_import_bytes)
        head = await asyncio.to_thread(read_head, path, fmt)
        if size == 0 or head.empty:
            raise Problem(422, "empty_import", "The import has no rows.")
        if head.columns is not None and (missing := missing_columns(head.columns)):
            raise Problem(422, "missing_columns", "Required columns are missing.", missing=missing)
        if scope is not None and head.first_institution not in (None, scope):
            raise Problem(
                403, "institution_out_of_scope", "You may import only your institution's rows."
            )
    except BaseException:
        await asyncio.to_thread(remove, path)
        raise
    async with db.acquire() as conn:
        await store.create(
            conn, import_id, submitted_by=uuid.UUID(principal.account_id),
            institution_code=scope, fmt=fmt, path=str(path), size=size,
        )  # fmt: skip
    records.start_import(import_id)
    return ImportAccepted(import_id=str(import_id))


def _summary(job: asyncpg.Record) -> dict[str, Any]:
    size, done = job["bytes"], job["bytes_done"]
    return {
        "import_id": str(job["import_id"]),
        "status": job["status"],
        "institution_code": job["institution_code"],
        "format": job["format"],
        "submitted_by": str(job["submitted_by"]),
        "bytes": size,
        "bytes_done": done,
        "progress": 1.0 if job["status"] == "done" else min(0.99, done / size) if size else 0.0,
        "total": job["total"],
        "accepted": job["accepted"],
        "rejected": job["rejected"],
        "created": job["created"],
        "changed": job["changed"],
        "unchanged": job["accepted"] - job["created"] - job["changed"],
        "failure": job["failure"],
        "received_at": job["received_at"],
        "finished_at": job["finished_at"],
    }


@router.get("")
async def list_imports(
    principal: Importer,
    db: Db,
    institution_code: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> ImportPage:
    """Recent imports, newest first: a registrar's institution's, or (admin) any."""
    if principal.role != "admin":
        if institution_code not in (None, principal.institution_code):
            raise Problem(403, "forbidden_scope", "These imports are not your institution's.")
        institution_code = principal.institution_code
        if not institution_code:
            raise Problem(403, "forbidden_scope", "Your account has no institution.")
    async with db.acquire() as conn:
        rows, total = await store.recent(
            conn, institution_code=institution_code, limit=limit, offset=offset
        )
    return ImportPage(items=[ImportSummary(**_summary(r)) for r in rows], total=total)


@router.get("/{import_id}")
async def get_import(
    import_id: uuid.UUID,
    principal: Importer,
    records: RecordsDep,
    db: Db,
    errors_offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    errors_limit: Annotated[int | None, Query(ge=1, le=10_000)] = None,
) -> ImportRead:
    """The import's counts (they grow batch by batch while it runs) and a page of its row
    errors; an import keeps at most ``import_error_limit`` errors (all are counted)."""
    cap = records.settings.import_error_limit
    async with db.acquire() as conn:
        job = await store.get(conn, import_id)
        if job is None:
            raise Problem(404, "import_not_found", "No such import.")
        mine = str(job["submitted_by"]) == principal.account_id
        if (
            principal.role != "admin"
            and not mine
            and job["institution_code"] != (principal.institution_code)
        ):
            raise Problem(403, "forbidden_scope", "This import is not your institution's.")
        errors = await store.errors(
            conn, import_id, limit=min(errors_limit or cap, cap), offset=errors_offset
        )
        kept = await store.count_errors(conn, import_id)
    return ImportRead(
        **_summary(job),
        errors=[ImportError(**dict(e)) for e in errors],
        errors_kept=kept,
        errors_total=max(job["errors_total"], kept),
    )
