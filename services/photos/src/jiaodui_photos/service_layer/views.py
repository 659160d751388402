"""What students and staff read: own photos, images, batch results, progress."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jiaodui_runtime.auth import Principal
from jiaodui_runtime.blobs import BlobNotFoundError
from jiaodui_runtime.errors import Problem

from jiaodui_photos.domain.answers import SlotStatus
from jiaodui_photos.domain.windows import phase_of
from jiaodui_photos.service_layer.windows import window_view
from jiaodui_photos.state import Photos
from jiaodui_photos.store import photos as photo_store
from jiaodui_photos.store import progress, views
from jiaodui_photos.store.windows import window_of

KINDS = ("graduation", "admission")


async def my_photos(ph: Photos, principal: Principal) -> list[dict[str, Any]]:
    async with ph.pool.acquire() as conn:
        owned = await views.owned_records(conn, principal.account_id)
        slots = await views.slots_of(conn, [r["record_id"] for r in owned])
    return _record_entries(ph, owned, slots)


async def record_photos(ph: Photos, principal: Principal, record_id: uuid.UUID) -> dict[str, Any]:
    """One record's two slots, as the student sees them, for staff in scope."""
    async with ph.pool.acquire() as conn:
        record = await views.record_with_window(conn, record_id)
        if record is None:
            raise Problem(404, "record_not_found", "photos knows no such record.")
        if not principal.in_scope(record["institution_code"], record["branch"]):
            raise Problem(403, "forbidden_scope", "This record is not in your scope.")
        slots = await views.slots_of(conn, [record_id])
    [entry] = _record_entries(ph, [record], slots)
    return entry


def _record_entries(ph: Photos, records: list[Any], slots: list[Any]) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    by_key = {(s["record_id"], s["kind"]): s for s in slots}
    answer = []
    for record in records:
        window = window_of(record)
        entry: dict[str, Any] = {
            "record_id": str(record["record_id"]),
            "institution_code": record["institution_code"],
            "cohort": record["cohort"],
            "window": window_view(window, phase_of(window, now), ph.display_zone),
        }
        for kind in KINDS:
            slot = by_key.get((record["record_id"], kind))
            entry[kind] = _slot_view(ph, slot)
        answer.append(entry)
    return answer


def _slot_view(ph: Photos, slot: Any) -> dict[str, Any]:
    if slot is None:
        return {
            "photo_id": None,
            "status": SlotStatus.MISSING.value,
            "answered_at": None,
            "image_url": None,
            "check": None,
        }
    at = slot["answered_at"]
    return {
        "photo_id": str(slot["photo_id"]),
        "status": slot["status"],
        "answered_at": at.astimezone(ph.display_zone).isoformat() if at else None,
        "image_url": f"/api/photos/v1/photos/{slot['photo_id']}/image",
        "check": slot["check_state"],
    }


@dataclass(frozen=True, slots=True)
class Image:
    data: bytes
    etag: str


async def image_facts(ph: Photos, principal: Principal, photo_id: uuid.UUID) -> str:
    """The blob key of a photo the caller may see (owner, or staff in scope)."""
    async with ph.pool.acquire() as conn:
        facts = await views.image_facts(conn, photo_id)
    if facts is None:
        raise Problem(404, "photo_not_found", "There is no such photo.")
    if principal.role == "student":
        allowed = (
            facts["account_id"] is not None and str(facts["account_id"]) == principal.account_id
        )
    else:
        allowed = principal.in_scope(facts["institution_code"], facts["branch"] or "")
    if not allowed:
        raise Problem(403, "forbidden_scope", "This photo is not yours to see.")
    key: str = facts["blob_key"]
    return key


async def load_image(ph: Photos, key: str) -> bytes:
    try:
        return await ph.blobs.get(key)
    except BlobNotFoundError as exc:
        raise Problem(404, "image_not_found", "The image is not available.") from exc


async def batch_view(ph: Photos, principal: Principal, batch_id: uuid.UUID) -> dict[str, Any]:
    async with ph.pool.acquire() as conn:
        batch = await photo_store.batch(conn, batch_id)
        if batch is None or not principal.in_scope(batch["institution_code"]):
            raise Problem(404, "batch_not_found", "There is no such batch.")
        rows = await photo_store.batch_files(conn, batch_id)
    files = [_file_view(row) for row in rows]
    counts = {"linked": 0, "unlinked": 0, "invalid": 0}
    for item in files:
        counts[item["status"]] += 1
    return {
        **batch_summary(ph, batch, processed=len(files), **counts),
        "files": files,
    }


def _file_view(row: Any) -> dict[str, Any]:
    """A file's status, and its machine check's findings once it is checked (null before)."""
    photo_id = row["photo_id"]
    base = {"file": row["file"], "findings": row["findings"]}
    if photo_id is None:
        return base | {"photo_id": None, "status": "invalid", "reason": row["reason"]}
    if row["record_id"] is not None:
        return base | {"photo_id": str(photo_id), "status": "linked", "reason": None}
    return base | {
        "photo_id": str(photo_id),
        "status": "unlinked",
        "reason": row["unlinked_reason"],
    }


def batch_summary(
    ph: Photos, batch: Any, *, processed: int, linked: int, unlinked: int, invalid: int
) -> dict[str, Any]:
    return {
        "batch_id": str(batch["batch_id"]),
        "institution_code": batch["institution_code"],
        "uploaded_by": str(batch["uploaded_by"]),
        "created_at": batch["created_at"],
        "finished_at": batch["finished_at"],
        "status": _batch_status(ph, batch),
        "total": batch["total"],
        "processed": processed,
        "linked": linked,
        "unlinked": unlinked,
        "invalid": invalid,
    }


def _batch_status(ph: Photos, batch: Any) -> str:
    quiet = datetime.now(UTC) - batch["heartbeat_at"]
    if batch["status"] == "processing" and quiet.total_seconds() > ph.settings.batch_stall_s:
        return "interrupted"  # its instance stopped; uploading the batch again is safe
    status: str = batch["status"]
    return status


async def stats(
    ph: Photos, principal: Principal, *, institution_code: str | None, college: str | None
) -> dict[str, Any]:
    if principal.role in {"registrar", "photographer", "college_staff"}:
        if institution_code not in (None, principal.institution_code):
            raise Problem(403, "forbidden_scope", "This institution is not in your scope.")
        institution_code = principal.institution_code
    if principal.role == "college_staff":
        if college not in (None, principal.college):
            raise Problem(403, "forbidden_scope", "This college is not in your scope.")
        college = principal.college
    async with ph.pool.acquire() as conn:
        rows = await progress.progress(conn, institution_code=institution_code, college=college)
        unlinked = await views.unlinked_count(conn, institution_code=institution_code)
    return progress_view(rows, unlinked)


def progress_view(rows: list[Any], unlinked: int) -> dict[str, Any]:
    """Counts per class (groups), per college (summed from the same rows) and in all."""
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    colleges: dict[tuple[str, str], dict[str, Any]] = {}
    totals = {k: _no_counts() for k in KINDS}
    for row in rows:
        key = (row["institution_code"], row["college"], row["class_name"])
        group = groups.setdefault(
            key, {"institution_code": key[0], "college": key[1], "class_name": key[2] or None}
        )
        college = colleges.setdefault(
            key[:2],
            {"institution_code": key[0], "college": key[1], "records": 0}
            | {k: _no_counts() for k in KINDS},
        )
        counts = {s.value: row[s.value] for s in SlotStatus}
        group[row["kind"]] = counts
        for status, n in counts.items():
            totals[row["kind"]][status] += n
            college[row["kind"]][status] += n
        if row["kind"] == KINDS[0]:  # every record has one row per kind: count it once
            college["records"] += sum(counts.values())
    return {
        "groups": list(groups.values()),
        "colleges": list(colleges.values()),
        "totals": totals,
        "unlinked_photos": unlinked,
    }


def _no_counts() -> dict[str, int]:
    return {s.value: 0 for s in SlotStatus}
