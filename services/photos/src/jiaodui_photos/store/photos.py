"""Batches, photos and the current photo of each (record, kind)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

import asyncpg
from jiaodui_runtime.db import DbConnection

from jiaodui_photos.domain.linking import PhotoKey


async def insert_batch(
    conn: DbConnection,
    *,
    batch_id: uuid.UUID,
    institution_code: str,
    uploaded_by: str,
    total: int,
) -> None:
    await conn.execute(
        "INSERT INTO batches (batch_id, institution_code, uploaded_by, status, total)"
        " VALUES ($1, $2, $3, 'processing', $4)",
        batch_id,
        institution_code,
        uuid.UUID(uploaded_by),
        total,
    )


async def finish_batch(conn: DbConnection, batch_id: uuid.UUID) -> None:
    await conn.execute(
        "UPDATE batches SET status = 'done', finished_at = now() WHERE batch_id = $1", batch_id
    )


async def add_file_result(
    conn: DbConnection,
    *,
    batch_id: uuid.UUID,
    position: int,
    file: str,
    photo_id: uuid.UUID | None,
    reason: str | None,
) -> None:
    """The status is derived when read (a photo links later once its record arrives)."""
    await conn.execute(
        "INSERT INTO batch_files (batch_id, position, file, photo_id, status, reason)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        batch_id,
        position,
        file,
        photo_id,
        "invalid" if photo_id is None else "stored",
        reason,
    )
    await conn.execute("UPDATE batches SET heartbeat_at = now() WHERE batch_id = $1", batch_id)


async def batch(conn: DbConnection, batch_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM batches WHERE batch_id = $1", batch_id)


async def batch_files(conn: DbConnection, batch_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT f.file, f.photo_id, f.reason, p.record_id, p.unlinked_reason,"
        " CASE WHEN c.state = 'done' THEN c.findings END AS findings"
        " FROM batch_files f LEFT JOIN photos p USING (photo_id)"
        " LEFT JOIN photo_checks c ON c.photo_id = f.photo_id"
        " WHERE f.batch_id = $1 ORDER BY f.position",
        batch_id,
    )


@dataclass(frozen=True, slots=True)
class PhotoLabel:
    """What the upload said about a photo, kept to explain it while it stays unlinked."""

    file: str
    name: str | None = None
    id_number_masked: str | None = None


@dataclass(frozen=True, slots=True)
class StoredPhoto:
    photo_id: uuid.UUID
    batch_id: uuid.UUID
    seq: int
    kind: str
    blob_key: str
    key: PhotoKey


async def insert_photo(
    conn: DbConnection,
    *,
    batch_id: uuid.UUID,
    kind: str,
    blob_key: str,
    width: int,
    height: int,
    size_bytes: int,
    key: PhotoKey,
    label: PhotoLabel,
) -> StoredPhoto:
    photo_id = uuid.uuid4()
    seq: int = await conn.fetchval(
        "INSERT INTO photos (photo_id, batch_id, kind, institution_code, blob_key, width, height,"
        " size_bytes, code_record_id, name_key, identity_hash, student_number, file,"
        " manifest_name, id_number_masked)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        " RETURNING seq",
        photo_id,
        batch_id,
        kind,
        key.institution_code,
        blob_key,
        width,
        height,
        size_bytes,
        uuid.UUID(key.code_record_id) if key.code_record_id else None,
        key.name_key,
        key.identity_hash,
        key.student_number,
        label.file,
        label.name,
        label.id_number_masked,
    )
    return StoredPhoto(photo_id, batch_id, seq, kind, blob_key, key)


def _stored(row: asyncpg.Record) -> StoredPhoto:
    code = row["code_record_id"]
    return StoredPhoto(
        photo_id=row["photo_id"],
        batch_id=row["batch_id"],
        seq=row["seq"],
        kind=row["kind"],
        blob_key=row["blob_key"],
        key=PhotoKey(
            institution_code=row["institution_code"],
            code_record_id=str(code) if code else None,
            name_key=row["name_key"],
            identity_hash=row["identity_hash"],
            student_number=row["student_number"],
        ),
    )


async def unlinked_photos_for(conn: DbConnection, record: asyncpg.Record) -> list[StoredPhoto]:
    """Unlinked photos that a (new or corrected) record might now take, oldest first."""
    rows = await conn.fetch(
        "SELECT * FROM photos WHERE record_id IS NULL AND (code_record_id = $1"
        " OR (institution_code = $2 AND (identity_hash = $3 OR student_number = $4)))"
        " ORDER BY seq FOR UPDATE",
        record["record_id"],
        record["institution_code"],
        record["identity_hash"],
        record["student_number"],
    )
    return [_stored(r) for r in rows]


async def mark_linked(conn: DbConnection, photo_id: uuid.UUID, record_id: uuid.UUID) -> None:
    await conn.execute(
        "UPDATE photos SET record_id = $2, unlinked_reason = NULL, linked_at = now()"
        " WHERE photo_id = $1",
        photo_id,
        record_id,
    )


async def mark_unlinked(conn: DbConnection, photo_id: uuid.UUID, reason: str) -> None:
    await conn.execute(
        "UPDATE photos SET unlinked_reason = $2 WHERE photo_id = $1", photo_id, reason
    )


Attached = Literal["linked", "replaced", "superseded", "same"]


async def attach(
    conn: DbConnection, photo: StoredPhoto, record_id: uuid.UUID
) -> tuple[Attached, uuid.UUID | None]:
    """Make the photo its record's current one unless a newer photo is already there.

    Returns the outcome and, for ``replaced``, the previous photo. A replaced photo's
    answer is reset: the student checks the new one.
    """
    while True:
        current = await conn.fetchrow(
            "SELECT s.photo_id, s.photo_seq, p.blob_key FROM photo_slots s"
            " JOIN photos p USING (photo_id) WHERE s.record_id = $1 AND s.kind = $2"
            " FOR UPDATE OF s",
            record_id,
            photo.kind,
        )
        if current is None:
            inserted = await conn.fetchval(
                "INSERT INTO photo_slots (record_id, kind, photo_id, photo_seq, status)"
                " VALUES ($1, $2, $3, $4, 'pending') ON CONFLICT DO NOTHING RETURNING true",
                record_id,
                photo.kind,
                photo.photo_id,
                photo.seq,
            )
            if inserted:
                return "linked", None
            continue  # another transaction created the slot first: lock it and decide again
        if current["photo_seq"] > photo.seq:
            return "superseded", None
        if current["blob_key"] == photo.blob_key:
            return "same", None
        await conn.execute(
            "UPDATE photo_slots SET photo_id = $3, photo_seq = $4, status = 'pending',"
            " answered_by = NULL, answered_at = NULL, dispute_reason = NULL, updated_at = now()"
            " WHERE record_id = $1 AND kind = $2",
            record_id,
            photo.kind,
            photo.photo_id,
            photo.seq,
        )
        return "replaced", current["photo_id"]
