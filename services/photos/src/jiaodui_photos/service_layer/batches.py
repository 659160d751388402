"""Batch upload: checked as a whole up front (manifest, archive shape), then file by file.

The answer (202) comes once the manifest and the archive's directory are accepted; the
files are then cleaned, stored and linked one by one, each in its own transaction, so one
bad file never fails the batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO

from jiaodui_runtime.auth import Principal
from jiaodui_runtime.codes import verify_collection_code
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.images import CleanJpeg, ImageRejectedError, clean_jpeg
from jiaodui_runtime.logging import get_logger
from jiaodui_runtime.privacy import identity_hash, mask_id_number

from jiaodui_photos.adapters.archive import (
    ArchiveRefusedError,
    EntryRejectedError,
    Limits,
    open_archive,
    read_entry,
)
from jiaodui_photos.adapters.upload import ReceivedBatch
from jiaodui_photos.domain.linking import PhotoKey, name_key
from jiaodui_photos.domain.uploads import (
    ManifestError,
    ManifestRow,
    dimensions_problem,
    parse_manifest,
)
from jiaodui_photos.service_layer.linking import link_photo
from jiaodui_photos.state import Photos
from jiaodui_photos.store import photos as store
from jiaodui_photos.store.records import lock_linking

_log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class PlannedFile:
    file: str
    row: ManifestRow | None
    info: zipfile.ZipInfo | None
    problem: str | None


def _plan(
    rows: list[ManifestRow], entries: dict[str, zipfile.ZipInfo], institution: str
) -> list[PlannedFile]:
    plan = []
    for row in rows:
        problem = row.problem
        if problem is None and row.institution_code not in (None, institution):
            problem = "out_of_scope"
        info = entries.get(row.file)
        if problem is None and info is None:
            problem = "missing_in_archive"
        plan.append(PlannedFile(row.file, row, info, problem))
    named = {row.file for row in rows}
    plan += [PlannedFile(n, None, None, "not_in_manifest") for n in entries if n not in named]
    return plan


def _decode(manifest: bytes) -> str:
    """UTF-8 (with or without BOM), else GB 18030: what Excel on a Chinese desktop saves."""
    try:
        return manifest.decode("utf-8")
    except UnicodeDecodeError:
        return manifest.decode("gb18030")


async def start_batch(ph: Photos, principal: Principal, received: ReceivedBatch) -> uuid.UUID:
    """Accept a batch (or refuse it whole with a problem); processing continues after."""
    s = ph.settings
    institution = principal.institution_code
    try:
        if institution is None:
            raise Problem(403, "forbidden_scope", "Uploads need an institution in scope.")
        try:
            rows = parse_manifest(_decode(received.manifest), max_rows=s.max_files)
        except (UnicodeDecodeError, ManifestError) as exc:
            raise Problem(422, "manifest_invalid", f"The manifest is not usable: {exc}") from exc
        limits = Limits(
            s.max_files, s.max_file_bytes, s.max_total_uncompressed_bytes, s.max_compression_ratio
        )
        try:
            archive, entries = await asyncio.to_thread(open_archive, received.archive, limits)
        except ArchiveRefusedError as exc:
            raise Problem(422, exc.code, exc.detail) from exc
    except Problem:
        received.archive.close()
        raise
    plan = _plan(rows, entries, institution)
    batch_id = uuid.uuid4()
    try:
        async with ph.pool.acquire() as conn:
            await store.insert_batch(
                conn,
                batch_id=batch_id,
                institution_code=institution,
                uploaded_by=principal.account_id,
                total=len(plan),
            )
    except BaseException:
        archive.close()
        received.archive.close()
        raise
    task = asyncio.create_task(
        _process(ph, batch_id, institution, plan, archive, received.archive),
        name=f"batch-{batch_id}",
    )
    ph.tasks.add(task)
    task.add_done_callback(ph.tasks.discard)
    return batch_id


async def _process(
    ph: Photos,
    batch_id: uuid.UUID,
    institution: str,
    plan: list[PlannedFile],
    archive: zipfile.ZipFile,
    spool: IO[bytes],
) -> None:
    try:
        for position, item in enumerate(plan):
            try:
                await _process_file(ph, batch_id, institution, position, item, archive)
            except Exception as exc:  # one bad file never fails the batch
                _log.warning("batch_file_failed", batch_id=str(batch_id), error=repr(exc))
                with contextlib.suppress(Exception):
                    await _invalid(ph, batch_id, position, item.file, "processing_failed")
        async with ph.pool.acquire() as conn:
            await store.finish_batch(conn, batch_id)
        _log.info("batch_processed", batch_id=str(batch_id), files=len(plan))
    finally:
        archive.close()
        spool.close()


async def _invalid(ph: Photos, batch_id: uuid.UUID, position: int, file: str, reason: str) -> None:
    async with ph.pool.acquire() as conn:
        await store.add_file_result(
            conn, batch_id=batch_id, position=position, file=file, photo_id=None, reason=reason
        )


def _read_and_clean(ph: Photos, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> CleanJpeg:
    s = ph.settings
    raw = read_entry(archive, info, max_bytes=s.max_file_bytes)
    return clean_jpeg(raw, max_pixels=s.max_pixels)


def _key(ph: Photos, row: ManifestRow, institution: str) -> PhotoKey | None:
    if row.collection_code is not None:
        record_id = verify_collection_code(ph.settings.collection_code_key, row.collection_code)
        if record_id is None:
            return None
        return PhotoKey(institution_code=institution, code_record_id=record_id)
    assert row.id_type and row.id_number and row.name
    return PhotoKey(
        institution_code=institution,
        name_key=name_key(row.name),
        identity_hash=identity_hash(ph.settings.identity_hash_key, row.id_type, row.id_number),
        student_number=row.student_number,
    )


async def _process_file(
    ph: Photos,
    batch_id: uuid.UUID,
    institution: str,
    position: int,
    item: PlannedFile,
    archive: zipfile.ZipFile,
) -> None:
    if item.problem is not None or item.row is None or item.info is None:
        await _invalid(ph, batch_id, position, item.file, item.problem or "invalid")
        return
    key = _key(ph, item.row, institution)
    if key is None:
        await _invalid(ph, batch_id, position, item.file, "collection_code_invalid")
        return
    try:
        clean = await asyncio.to_thread(_read_and_clean, ph, archive, item.info)
    except (EntryRejectedError, ImageRejectedError) as exc:
        await _invalid(ph, batch_id, position, item.file, exc.code)
        return
    standard = (ph.settings.photo_width, ph.settings.photo_height)
    problem = dimensions_problem(clean.width, clean.height, standard=standard)
    if problem is not None:
        await _invalid(ph, batch_id, position, item.file, problem)
        return
    blob_key = await ph.blobs.put(clean.data, content_type="image/jpeg")
    async with ph.pool.acquire() as conn, conn.transaction():
        await lock_linking(conn, institution)
        photo = await store.insert_photo(
            conn,
            batch_id=batch_id,
            kind=item.row.kind,
            blob_key=blob_key,
            width=clean.width,
            height=clean.height,
            size_bytes=len(clean.data),
            key=key,
            label=store.PhotoLabel(
                file=item.file,
                name=item.row.name,
                id_number_masked=mask_id_number(item.row.id_number) if item.row.id_number else None,
            ),
        )
        await link_photo(conn, photo)
        await store.add_file_result(
            conn,
            batch_id=batch_id,
            position=position,
            file=item.file,
            photo_id=photo.photo_id,
            reason=None,
        )
