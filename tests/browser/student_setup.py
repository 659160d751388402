"""What the student's browser journeys need before the student arrives, through the API as
the school's staff would do it: an institution with its staff, a roster row, the windows,
and a photo batch."""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date

import httpx
from jiaodui_runtime.testing import StackEndpoints
from jiaodui_runtime.testing.accounts import Account, create_staff
from jiaodui_runtime.testing.faces import unique_portrait

from tests.e2e.journey_steps import RECORD_COLUMNS, put_windows

COLLEGE = "信息学院"
COHORT = "2026"


@dataclass(frozen=True)
class School:
    code: str
    registrar: Account
    photographer: Account
    office: Account

    async def window(self, gateway: httpx.AsyncClient, phase: str) -> None:
        """``confirm`` (open, deadline in a week) or ``recheck`` (deadline past, re-check open)."""
        await put_windows(gateway, self.registrar.headers, self.code, COHORT, phase=phase)


async def school(gateway: httpx.AsyncClient, stack: StackEndpoints) -> School:
    code = f"W{uuid.uuid4().hex[:7]}"
    registrar = await create_staff(gateway, stack, role="registrar", institution_code=code)
    photographer = await create_staff(gateway, stack, role="photographer", institution_code=code)
    office = await create_staff(
        gateway, stack, role="college_staff", institution_code=code, college=COLLEGE
    )
    return School(code, registrar, photographer, office)


async def roster_row(
    gateway: httpx.AsyncClient,
    school: School,
    *,
    name: str,
    number: str,
    gender: str,
    born: date,
    student_number: str = "S001",
    exam_number: str = "26110101000123",
) -> None:
    row = (
        f"{school.code},网页大学,{student_number},{exam_number},{name},{gender},汉族,"
        f"{born.isoformat()},"
        f"resident_id,{number},{COLLEGE},计算机系,软件工程,1班,bachelor,4,regular,full_time,"
        f"2022-09-01,enrolled,{COHORT}"
    )
    answer = await gateway.post(
        "/api/records/v1/imports",
        content=f"{RECORD_COLUMNS}\n{row}\n".encode(),
        headers={**school.registrar.headers, "Content-Type": "text/csv"},
    )
    assert answer.status_code == 202, answer.text


def jpeg(color: tuple[int, int, int]) -> bytes:
    """A real face that passes the machine checks, different bytes for every ``color``."""
    return unique_portrait(f"browser-{color}")


async def photo_batch(
    gateway: httpx.AsyncClient,
    school: School,
    *,
    name: str,
    number: str,
    photos: dict[str, tuple[int, int, int]],
) -> None:
    """One photo per kind (``graduation``/``admission``): the same person, told apart by
    the colour's seed."""
    manifest = "file,kind,institution_code,name,id_type,id_number,student_number\n" + "".join(
        f"{kind}.jpg,{kind},{school.code},{name},resident_id,{number},S001\n" for kind in photos
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for kind, color in photos.items():
            zipped.writestr(f"{kind}.jpg", jpeg(color))
    answer = await gateway.post(
        "/api/photos/v1/batches",
        headers=school.photographer.headers,
        files={
            "manifest": ("m.csv", manifest.encode(), "text/csv"),
            "archive": ("a.zip", archive.getvalue(), "application/zip"),
        },
    )
    assert answer.status_code == 202, answer.text
