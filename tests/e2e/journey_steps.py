"""Steps shared by journeys across services (e2e, security): roster columns, a photo batch
archive, and the confirmation windows set in photos and mirrored in corrections."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import httpx
from PIL import Image

RECORD_COLUMNS = (
    "institution_code,institution_name,student_number,exam_number,name,gender,ethnicity,"
    "birth_date,id_type,id_number,branch,department,major,class_name,level,duration_years,"
    "education_type,study_form,enrollment_date,status,cohort"
)


def photo_archive() -> bytes:
    image = io.BytesIO()
    Image.new("RGB", (480, 640), (180, 190, 200)).save(image, format="JPEG")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("g.jpg", image.getvalue())
    return out.getvalue()


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
