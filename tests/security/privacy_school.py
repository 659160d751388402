"""The school's side of the privacy journey and the student's record steps: the roster
import and photo batches, photo answers, the erratum and the ID-correction case."""

from __future__ import annotations

import base64
import io
import struct
import uuid
import zipfile
from datetime import date
from typing import Any

import asyncpg
import httpx
from jiaodui_runtime.privacy import mask_id_number
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import create_staff

from tests.e2e.journey_steps import (
    RECORD_COLUMNS,
    confirm_when_checked,
    photo_archive,
    put_windows,
)

BORN, NAME, COHORT, COLLEGE = date(2001, 5, 17), "李雪", "2026", "信息学院"
Headers = dict[str, str]
PATIENT = {"timeout_s": 180.0, "interval_s": 0.5}  # the shared stack may be busy with a bench


async def get_json(gateway: httpx.AsyncClient, path: str, h: Headers) -> Any:
    answer = await gateway.get(path, headers=h)
    assert answer.status_code == 200, (path, answer.text)
    return answer.json()


async def photos_pending(gateway: httpx.AsyncClient, h: Headers) -> dict[str, str] | None:
    mine = await get_json(gateway, "/api/photos/v1/me/photos", h)
    slots = {kind: mine[0][kind] for kind in ("graduation", "admission")} if mine else {}
    if len(slots) == 2 and all(s["status"] == "pending" for s in slots.values()):
        return {kind: slot["photo_id"] for kind, slot in slots.items()}
    return None


async def import_and_photograph(
    gateway: httpx.AsyncClient, stack: StackEndpoints, id_number: str
) -> None:
    """The registrar's roster row (confirm window open) and the photographer's two batches."""
    code = f"P{uuid.uuid4().hex[:8]}"
    registrar = await create_staff(gateway, stack, role="registrar", institution_code=code)
    photographer = await create_staff(gateway, stack, role="photographer", institution_code=code)
    await put_windows(gateway, registrar.headers, code, COHORT, phase="confirm")
    number = f"S{uuid.uuid4().hex[:10]}"
    row = (
        f"{code},隐私大学,{number},,{NAME},female,汉族,{BORN.isoformat()},resident_id,"
        f"{id_number},{COLLEGE},计算机系,软件工程,1班,本科,4,普通高等教育,全日制,2022-09-01,"
        f"在籍,{COHORT}"
    )
    imported = await gateway.post(
        "/api/records/v1/imports",
        content=f"{RECORD_COLUMNS}\n{row}\n".encode(),
        headers={**registrar.headers, "Content-Type": "text/csv"},
    )
    assert imported.status_code == 202, imported.text
    for kind in ("graduation", "admission"):
        manifest = (
            "file,kind,institution_code,name,id_type,id_number,student_number\n"
            f"g.jpg,{kind},{code},{NAME},resident_id,{id_number},{number}\n"
        )
        batch = await gateway.post(
            "/api/photos/v1/batches",
            files={"manifest": ("m.csv", manifest.encode()), "archive": ("p.zip", photo_archive())},
            headers=photographer.headers,
        )
        assert batch.status_code == 202, batch.text


async def match_and_answer_photos(
    gateway: httpx.AsyncClient, stack: StackEndpoints, student: Headers, id_number: str
) -> str:
    """Import and photograph; the student views the record, confirms the graduation photo
    and disputes the admission photo. Returns the record id."""
    await import_and_photograph(gateway, stack, id_number)
    photo = await eventually(
        lambda: photos_pending(gateway, student), what="both photos linked", **PATIENT
    )
    record_id: str = (await get_json(gateway, "/api/records/v1/me/records", student))[0][
        "record_id"
    ]
    await get_json(gateway, "/api/records/v1/me/match", student)
    await gateway.get(f"/api/records/v1/me/records/{record_id}/printable", headers=student)
    await get_json(gateway, f"/api/records/v1/me/records/{record_id}/collection-code", student)
    image = await gateway.get(f"/api/photos/v1/photos/{photo['graduation']}/image", headers=student)
    assert image.status_code == 200, image.text
    confirmed = await confirm_when_checked(gateway, student, photo["graduation"])
    assert confirmed.status_code == 200, confirmed.text
    disputed = await gateway.post(
        f"/api/photos/v1/photos/{photo['admission']}/dispute",
        json={"reason": "不是我的照片"},
        headers=student,
    )
    assert disputed.status_code == 200, disputed.text
    return record_id


async def file_erratum(
    gateway: httpx.AsyncClient, student: Headers, record_id: str, corrected_id: str
) -> None:
    items = [
        {"field": "admission_photo", "correct_value": "入学照片不是本人"},
        {"field": "id_number", "correct_value": corrected_id},
    ]

    async def filed() -> httpx.Response | None:
        answer = await gateway.post(
            "/api/corrections/v1/errata",
            json={"record_id": record_id, "items": items},
            headers=student,
        )
        return None if answer.status_code in (403, 404) else answer

    erratum = await eventually(filed, what="corrections to know the record", **PATIENT)
    assert erratum.status_code == 201, erratum.text
    await get_json(gateway, "/api/corrections/v1/me/errata", student)


async def correct_identity(
    gateway: httpx.AsyncClient,
    stack: StackEndpoints,
    student: Headers,
    corrected_id: str,
    contact_phone: str,
    email: str,
) -> None:
    """Open an ID-correction case; support approves; identity and records apply it."""
    scan = zipfile.ZipFile(io.BytesIO(photo_archive())).read("g.jpg")
    opened = await gateway.post(
        "/api/corrections/v1/identity-corrections",
        data={
            "id_type": "resident_id",
            "id_number": corrected_id,
            "contact_phone": contact_phone,
            "reply_email": email,
        },
        files={"scan": ("id.jpg", scan, "image/jpeg")},
        headers=student,
    )
    assert opened.status_code == 201, opened.text
    await get_json(gateway, "/api/corrections/v1/me/identity-cases", student)
    support = await create_staff(gateway, stack, role="support")
    case = opened.json()["case_id"]
    approved = await gateway.post(
        f"/api/corrections/v1/identity-corrections/{case}/approve", headers=support.headers
    )
    assert approved.status_code == 200, approved.text

    async def corrected() -> bool:
        me = await get_json(gateway, "/api/identity/v1/me", student)
        return bool(me["id_number_masked"] == mask_id_number(corrected_id))

    await eventually(corrected, what="identity to apply the corrected ID", **PATIENT)

    async def unmatched() -> bool:
        match = await get_json(gateway, "/api/records/v1/me/match", student)
        return bool(match["status"] == "unmatched")

    await eventually(unmatched, what="records to learn the corrected ID", **PATIENT)


async def biometric_secrets(
    gateway: httpx.AsyncClient, stack: StackEndpoints, student: Headers, record_id: str
) -> list[tuple[str, str]]:
    """The record's face embeddings (as hex, base64 and their first numbers as JSON would
    write them) and its images' bytes (hex and base64 of a slice): none may leave the photos
    store (DESIGN §9). Waits until both photos are checked."""
    conn = await asyncpg.connect(stack.dsn_for("photos"))
    try:

        async def embeddings() -> list[asyncpg.Record] | None:
            rows = await conn.fetch(
                "SELECT e.photo_id, e.embedding FROM photo_embeddings e"
                " JOIN photos p USING (photo_id) WHERE p.record_id = $1",
                uuid.UUID(record_id),
            )
            return rows if len(rows) == 2 else None

        rows = await eventually(embeddings, what="both photos checked", **PATIENT)
    finally:
        await conn.close()
    found: list[tuple[str, str]] = []
    for row in rows:
        face = bytes(row["embedding"])
        numbers = struct.unpack("<128f", face)
        found += [
            ("embedding (hex)", face[:16].hex()),
            ("embedding (base64)", base64.b64encode(face[:18]).decode()),
            ("embedding (numbers)", repr(numbers[0])),
            ("embedding (numbers)", repr(numbers[1])),
        ]
        image = await gateway.get(f"/api/photos/v1/photos/{row['photo_id']}/image", headers=student)
        assert image.status_code == 200, image.text
        piece = image.content[600:636]
        found += [
            ("image bytes (hex)", piece[:16].hex()),
            ("image bytes (base64)", base64.b64encode(piece).decode()),
        ]
    return found
