"""Steps shared by journeys across services (e2e, security): roster columns, a photo batch
archive, and the confirmation windows set in photos and mirrored in corrections."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import UTC, datetime, timedelta

import httpx
from jiaodui_runtime.testing import eventually
from jiaodui_runtime.testing.faces import unique_portrait

RECORD_COLUMNS = (
    "institution_code,institution_name,student_number,exam_number,name,gender,ethnicity,"
    "birth_date,id_type,id_number,branch,department,major,class_name,level,duration_years,"
    "education_type,study_form,enrollment_date,status,cohort"
)


def photo_archive(seed: int | str | None = None) -> bytes:
    """A ZIP with ``g.jpg``: a real face laid out as a certificate photo, which passes the
    machine checks (DESIGN §9); byte-different for every ``seed`` (random by default)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("g.jpg", unique_portrait(uuid.uuid4().hex if seed is None else seed))
    return out.getvalue()


async def confirm_when_checked(
    gateway: httpx.AsyncClient, headers: dict[str, str], photo_id: str, *, timeout_s: float = 300
) -> httpx.Response:
    """Confirm a photo once its machine checks let it be confirmed: 409 ``check_running``
    is asked again until it changes (any other answer is returned as it is)."""

    async def attempt() -> httpx.Response | None:
        answer = await gateway.post(f"/api/photos/v1/photos/{photo_id}/confirm", headers=headers)
        running = answer.status_code == 409 and answer.json().get("code") == "check_running"
        return None if running else answer

    return await eventually(attempt, timeout_s=timeout_s, interval_s=0.25, what="the photo checks")


async def put_windows(
    gateway: httpx.AsyncClient, registrar: dict[str, str], code: str, cohort: str, *, phase: str
) -> None:
    """The same window to photos (its owner) and to corrections (which mirrors it)."""
    now = datetime.now(UTC)
    if phase == "confirm":
        window = (now + timedelta(days=7), now + timedelta(days=8), now + timedelta(days=9))
    else:  # re-check
        window = (now - timedelta(minutes=1), now - timedelta(seconds=30), now + timedelta(days=1))
    body = dict(zip(("confirm_until", "recheck_from", "recheck_until"), window, strict=True))
    json = {k: v.isoformat() for k, v in body.items()}
    for service in ("photos", "corrections"):
        answer = await gateway.put(
            f"/api/{service}/v1/windows/{code}/{cohort}", json=json, headers=registrar
        )
        assert answer.status_code == 200, (service, answer.text)
