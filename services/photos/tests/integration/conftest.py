"""A small world per test: an institution of its own, its staff, records published on
Kafka as records would, students, and builders for JPEGs, archives and manifests."""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
import pytest_asyncio
from jiaodui_contracts.records import IdentityMatched, RecordCorrected, RecordImported
from jiaodui_photos.settings import PhotosSettings
from jiaodui_runtime.privacy import identity_hash, mask_id_number
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import (
    PASSWORD,
    Account,
    admin_credentials,
    register_and_activate,
    resident_id,
)
from jiaodui_runtime.testing.events import publish
from jiaodui_runtime.testing.faces import unique_portrait
from PIL import Image

SETTINGS = PhotosSettings()  # the dev secrets the running services use
BORN = date(2002, 6, 1)


def jpeg(
    color: tuple[int, int, int] = (200, 180, 160),
    size: tuple[int, int] = (480, 640),
    exif: Image.Exif | None = None,
) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG", **({"exif": exif} if exif else {}))
    return out.getvalue()


def face(seed: int | str | None = None, person: str = "astronaut") -> bytes:
    """A real face laid out as a certificate photo: it passes the machine checks; every seed
    gives other bytes (random by default)."""
    return unique_portrait(uuid.uuid4().hex if seed is None else seed, person)


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


@dataclass
class Person:
    name: str
    id_number: str
    student_number: str
    record_id: str


@dataclass
class World:
    gateway: httpx.AsyncClient
    stack: StackEndpoints
    institution: str
    photographer: Account
    registrar: Account

    def person(self, name: str = "张三") -> Person:
        return Person(
            name,
            resident_id(BORN, "male"),
            f"S{uuid.uuid4().hex[:10]}",
            str(uuid.uuid4()),
        )

    def record_event(
        self,
        p: Person,
        *,
        name: str | None = None,
        cohort: str = "2014",
        branch: str = "计算机学院",
        class_name: str = "1401",
    ) -> RecordImported:
        return RecordImported(
            record_id=p.record_id,
            institution_code=self.institution,
            institution_name="测试大学",
            student_number=p.student_number,
            name=name or p.name,
            gender="male",
            birth_date=BORN,
            id_type="resident_id",
            identity_hash=identity_hash(SETTINGS.identity_hash_key, "resident_id", p.id_number),
            id_number_masked=mask_id_number(p.id_number),
            branch=branch,
            major="软件工程",
            class_name=class_name,
            level="本科",
            education_type="普通高等教育",
            study_form="全日制",
            status="在籍",
            cohort=cohort,
            import_id=str(uuid.uuid4()),
            change="created",
            imported_at=datetime.now(UTC),
        )

    def corrected_event(self, p: Person, **fields: str) -> RecordCorrected:
        imported = self.record_event(p, **fields).model_dump(
            exclude={"import_id", "change", "imported_at"}
        )
        return RecordCorrected(
            **imported,
            erratum_id=str(uuid.uuid4()),
            changed_fields=["name"],
            corrected_at=datetime.now(UTC),
        )

    async def publish(self, *events: Any) -> None:
        await publish(self.stack.kafka_bootstrap, *events)

    async def student_owning(self, p: Person, cohort: str = "2014") -> Account:
        """An account that records matched to the person's record."""
        student = await register_and_activate(self.gateway, self.stack)
        await self.publish(
            IdentityMatched(
                account_id=student.account_id,
                record_id=p.record_id,
                institution_code=self.institution,
                branch="计算机学院",
                cohort=cohort,
                student_number=p.student_number,
                matched_at=datetime.now(UTC),
            )
        )
        return student

    def identity_row(self, file: str, kind: str, p: Person, **overrides: str) -> str:
        cells = {
            "institution_code": self.institution,
            "name": p.name,
            "id_type": "resident_id",
            "id_number": p.id_number,
            "student_number": p.student_number,
        } | overrides
        return ",".join([file, kind, *cells.values()])

    async def post_batch(
        self, manifest: str, archive: bytes, token: Account | None = None
    ) -> httpx.Response:
        return await self.gateway.post(
            "/api/photos/v1/batches",
            files={
                "manifest": ("manifest.csv", manifest.encode(), "text/csv"),
                "archive": ("photos.zip", archive, "application/zip"),
            },
            headers=(token or self.photographer).headers,
        )

    async def upload(self, rows: list[str], files: dict[str, bytes]) -> dict[str, Any]:
        """Upload by identity rows; wait until processed; the batch's report."""
        header = "file,kind,institution_code,name,id_type,id_number,student_number\n"
        answer = await self.post_batch(header + "\n".join(rows) + "\n", zipped(files))
        assert answer.status_code == 202, answer.text
        return await self.batch_done(answer.json()["batch_id"])

    async def batch_done(self, batch_id: str) -> dict[str, Any]:
        async def done() -> dict[str, Any] | None:
            got = await self.gateway.get(
                f"/api/photos/v1/batches/{batch_id}", headers=self.photographer.headers
            )
            assert got.status_code == 200, got.text
            body: dict[str, Any] = got.json()
            return body if body["status"] == "done" else None

        return await eventually(done, what="the batch to be processed")

    async def my_photos(self, student: Account) -> list[dict[str, Any]]:
        got = await self.gateway.get("/api/photos/v1/me/photos", headers=student.headers)
        assert got.status_code == 200, got.text
        body: list[dict[str, Any]] = got.json()
        return body

    async def slot(
        self,
        student: Account,
        kind: str,
        *,
        status: str,
        photo_id: str | None = None,
        check: str | None = None,
    ) -> dict[str, Any]:
        """Wait until the student sees the photo of this kind in this status (and, when
        given, this machine check state: checks take a few tenths of a second each)."""

        async def probe() -> dict[str, Any] | None:
            for record in await self.my_photos(student):
                slot: dict[str, Any] = record[kind]
                if (
                    slot["status"] == status
                    and photo_id in (None, slot["photo_id"])
                    and check in (None, slot["check"])
                ):
                    return slot
            return None

        return await eventually(probe, timeout_s=300, what=f"{kind} photo {status} ({check})")


async def _log_in(gateway: httpx.AsyncClient, email: str, password: str) -> str:
    """Log in, waiting out the per-address login limit that parallel test runs share."""

    async def attempt() -> str | None:
        answer = await gateway.post(
            "/api/identity/v1/sessions", json={"email": email, "password": password}
        )
        if answer.status_code == 429:
            return None
        assert answer.status_code == 200, answer.text
        token: str = answer.json()["access_token"]
        return token

    return await eventually(attempt, timeout_s=120, interval_s=1.0, what="a login")


async def _staff(
    gateway: httpx.AsyncClient, admin_token: str, role: str, institution: str
) -> Account:
    email = f"{role}-{uuid.uuid4().hex[:10]}@staff.example.edu.cn"
    answer = await gateway.post(
        "/api/identity/v1/staff",
        json={"email": email, "password": PASSWORD, "role": role, "institution_code": institution},
        headers={"Authorization": f"Bearer {admin_token}"},
    )
    assert answer.status_code == 201, answer.text
    token = await _log_in(gateway, email, PASSWORD)
    return Account(answer.json()["account_id"], email, PASSWORD, token)


@pytest_asyncio.fixture(scope="session")
async def institution_staff(stack: StackEndpoints) -> tuple[str, Account, Account]:
    """One institution and its staff for the session (logins are rate limited per address)."""
    if stack.gateway_url is None:
        pytest.skip("no gateway: the system is not running on this stack")
    institution = f"T{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as gateway:
        admin = await _log_in(gateway, *admin_credentials(stack))
        photographer = await _staff(gateway, admin, "photographer", institution)
        registrar = await _staff(gateway, admin, "registrar", institution)
    return institution, photographer, registrar


@pytest_asyncio.fixture
async def world(
    gateway: httpx.AsyncClient,
    stack: StackEndpoints,
    institution_staff: tuple[str, Account, Account],
) -> World:
    institution, photographer, registrar = institution_staff
    return World(gateway, stack, institution, photographer, registrar)
