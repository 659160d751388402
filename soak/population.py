"""The soak's own institution: its roster rows and photos (pure builders), its staff, and
students who register the way real ones do (mail link, real name, login)."""

from __future__ import annotations

import asyncio
import csv
import functools
import hashlib
import importlib
import io
import random
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from jiaodui_runtime.testing.accounts import create_staff, resident_id
from jiaodui_runtime.testing.stack import locate_stack
from PIL import Image, ImageDraw

from bench.imports import COLUMNS, GIVEN, SURNAMES
from bench.journeys import MailIndex
from soak.client import Gateway

COLLEGES = ("信息学院", "经济学院")
COHORT = "2026"
PASSWORD = "Soak-pass-2026"  # noqa: S105 - accounts of the soak's own institution


@dataclass(frozen=True, slots=True)
class Person:
    """One roster row."""

    number: str
    name: str
    gender: str
    born: date
    id_number: str
    college: str


@dataclass
class Student:
    person: Person
    email: str
    token: str | None = None
    record_id: str | None = None
    photos: dict[str, str] = field(default_factory=dict)  # kind → photo_id
    states: dict[str, str] = field(default_factory=dict)  # kind → pending|confirmed|disputed
    errata: int = 0

    def see(self, body: Any) -> list[str]:
        """Take in what GET /v1/me/photos answered; returns the kinds whose photo is new."""
        if not isinstance(body, list) or not body:
            return []
        first = body[0]
        self.record_id = first.get("record_id") or self.record_id
        new = []
        for kind in ("graduation", "admission"):
            slot = first.get(kind) or {}
            if slot.get("photo_id"):
                if kind not in self.photos:
                    new.append(kind)
                self.photos[kind] = slot["photo_id"]
                self.states[kind] = slot.get("status", "pending")
        return new


def people(run: str, start: int, n: int) -> list[Person]:
    """n roster people, numbered from ``start``: the same for the same run, and new IDs for
    each run (an ID registered by an earlier run would answer id_number_taken)."""
    rng = random.Random(f"{run}/{start}")
    out = []
    for i in range(start, start + n):
        gender = "male" if rng.random() < 0.5 else "female"
        born = date(2002 + rng.randrange(3), 1 + rng.randrange(12), 1 + rng.randrange(28))
        out.append(
            Person(
                number=f"{run}{i:06d}",
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                gender=gender,
                born=born,
                id_number=resident_id(
                    born,
                    gender,
                    region=f"{rng.randint(1, 6)}{rng.randrange(10**5):05d}",
                    seq=rng.randrange(50),
                ),
                college=COLLEGES[i % len(COLLEGES)],
            )
        )
    return out


def roster_csv(institution: str, rows: list[Person]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for p in rows:
        writer.writerow(
            [
                institution, "压测大学", p.number, "", p.name, p.gender, "汉族",
                p.born.isoformat(), "resident_id", p.id_number, p.college, f"{p.college}本部",
                "计算机科学与技术", f"{p.college}2022级1班", "bachelor", "4", "regular",
                "full_time", "2022-09-01", "enrolled", COHORT,
            ]
        )  # fmt: skip
    return out.getvalue().encode()


@functools.cache
def _faces() -> Any:
    """The runtime's test faces (portraits that pass photos' machine checks), where that
    module and the packages shipping its pictures are installed; else None."""
    try:
        faces = importlib.import_module("jiaodui_runtime.testing.faces")
        faces.source_path(faces.PEOPLE[0])
    except (ImportError, RuntimeError, AttributeError):
        return None
    return faces


@functools.cache
def _face(person: str) -> Image.Image:
    """One passing portrait per test face, drawn once (drawing one costs ~0.3 s)."""
    return Image.open(io.BytesIO(_faces().portrait(person))).convert("RGB")


def portrait(number: str, kind: str) -> bytes:
    """A 480×640 portrait, different per person and kind: one of the runtime's test faces
    (the same person for both kinds, so the two compare as one) when they are there, else a
    drawn placeholder (which machine checks would send to the office)."""
    key = f"{number}/{kind}"
    digest = hashlib.sha256(key.encode()).digest()
    faces = _faces()
    if faces is not None:
        # a tint and a quality of its own: photos stores uploads by content hash
        shift = [d % 9 - 4 for d in digest[1:4]]
        person = faces.PEOPLE[hashlib.sha256(number.encode()).digest()[0] % len(faces.PEOPLE)]
        bands = _face(person).split()  # both kinds show the same person: they compare as one
        image = Image.merge(
            "RGB",
            [
                band.point(lambda v, s=s: max(0, min(255, v + s)))
                for band, s in zip(bands, shift, strict=True)
            ],
        )
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85 + digest[4] % 11)
        return out.getvalue()
    image = Image.new("RGB", (480, 640), (220 + digest[0] % 30, 230, 240 - digest[1] % 20))
    draw = ImageDraw.Draw(image)
    draw.ellipse((70, 420, 410, 760), fill=(digest[2] % 90, digest[3] % 90, digest[4] % 90))
    draw.ellipse((150, 140, 330, 380), fill=(225, 190, 160 + digest[5] % 20))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def photo_batch(institution: str, rows: list[Person]) -> tuple[bytes, bytes]:
    """Manifest and ZIP (stored) with both photos of every person."""
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(
        ["file", "kind", "institution_code", "name", "id_type", "id_number", "student_number"]
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zipped:
        for p in rows:
            for kind in ("graduation", "admission"):
                file = f"{kind}/{p.number}.jpg"
                zipped.writestr(file, portrait(p.number, kind))
                writer.writerow(
                    [file, kind, institution, p.name, "resident_id", p.id_number, p.number]
                )
    return manifest.getvalue().encode(), archive.getvalue()


@dataclass
class Institution:
    code: str
    registrar: str  # tokens
    photographer: str
    offices: dict[str, str]  # college → its office's token


async def set_up_institution(gateway: Gateway) -> Institution:
    """Staff accounts (through the first admin) and an open confirmation window."""
    code = f"K{uuid.uuid4().hex[:8].upper()}"
    with locate_stack() as stack:
        made = {
            role: await create_staff(gateway.http, stack, role=role, institution_code=code)
            for role in ("registrar", "photographer")
        }
        offices = {
            college: await create_staff(
                gateway.http, stack, role="college_staff", institution_code=code, college=college
            )
            for college in COLLEGES
        }
    now = datetime.now(UTC)
    window = {
        "confirm_until": (now + timedelta(days=7)).isoformat(),
        "recheck_from": (now + timedelta(days=8)).isoformat(),
        "recheck_until": (now + timedelta(days=9)).isoformat(),
    }
    for service in ("photos", "corrections"):
        answer = await gateway.call(
            "registrar.window",
            "PUT",
            f"/api/{service}/v1/windows/{code}/{COHORT}",
            json=window,
            token=made["registrar"].token,
        )
        assert answer is not None and answer.status_code == 200, answer and answer.text
    return Institution(
        code,
        made["registrar"].token,
        made["photographer"].token,
        {college: account.token for college, account in offices.items()},
    )


async def import_roster(
    gateway: Gateway, inst: Institution, rows: list[Person], *, poll_s: float = 2.0
) -> dict[str, Any]:
    """POST the roster and follow it until done; returns the import's last state."""
    answer = await gateway.call(
        "registrar.import",
        "POST",
        "/api/records/v1/imports",
        content=roster_csv(inst.code, rows),
        headers={"Content-Type": "text/csv"},
        token=inst.registrar,
    )
    assert answer is not None and answer.status_code == 202, answer and answer.text
    import_id = answer.json()["import_id"]
    while True:
        state = await gateway.call(
            "registrar.import_status",
            "GET",
            f"/api/records/v1/imports/{import_id}",
            token=inst.registrar,
        )
        if state is not None and state.status_code == 200:
            body: dict[str, Any] = state.json()
            if body["status"] in ("done", "failed"):
                return body
        await asyncio.sleep(poll_s)


async def upload_photos(
    gateway: Gateway, inst: Institution, rows: list[Person], *, poll_s: float = 2.0
) -> dict[str, Any]:
    """POST a batch with both photos of each row and follow it until done."""
    manifest, archive = await asyncio.to_thread(photo_batch, inst.code, rows)
    answer = await gateway.call(
        "photographer.batch",
        "POST",
        "/api/photos/v1/batches",
        files={
            "manifest": ("manifest.csv", manifest, "text/csv"),
            "archive": ("photos.zip", archive, "application/zip"),
        },
        token=inst.photographer,
    )
    assert answer is not None and answer.status_code == 202, answer and answer.text
    batch_id = answer.json()["batch_id"]
    while True:
        state = await gateway.call(
            "photographer.batch_status",
            "GET",
            f"/api/photos/v1/batches/{batch_id}",
            token=inst.photographer,
        )
        if state is not None and state.status_code == 200:
            body: dict[str, Any] = state.json()
            if body["status"] in ("done", "interrupted"):
                return body
        await asyncio.sleep(poll_s)


class Registrar:
    """Turns roster people into students with accounts, as real students do."""

    def __init__(self, gateway: Gateway, run: str) -> None:
        self._gateway = gateway
        self._run = run
        self._mails = MailIndex()
        self._mail_lock = asyncio.Lock()

    async def _token(self, address: str) -> str | None:
        async with self._mail_lock:  # MailIndex reads the sink folder; one reader at a time
            return await asyncio.to_thread(self._mails.token_for, address)

    async def log_in(self, student: Student) -> bool:
        answer = await self._gateway.call(
            "identity.login",
            "POST",
            "/api/identity/v1/sessions",
            json={"email": student.email, "password": PASSWORD},
        )
        if answer is None or answer.status_code != 200:
            return False
        student.token = answer.json()["access_token"]
        return True

    async def register(self, person: Person, *, mail_wait_s: float = 120) -> Student | None:
        """register → activation mail → activate → real name → login; None when a step
        failed (its answer is counted in the slice)."""
        g = self._gateway
        student = Student(person, f"soak-{self._run}-{person.number}@soak.edu.cn".lower())
        form = {
            "email": student.email,
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "accept_terms": True,
        }
        answer = await g.call("identity.register", "POST", "/api/identity/v1/accounts", json=form)
        if answer is None or answer.status_code != 202:
            return None
        deadline = time.monotonic() + mail_wait_s
        while (token := await self._token(student.email)) is None:
            if time.monotonic() > deadline:
                return None
            await asyncio.sleep(0.5)
        answer = await g.call(
            "identity.activate", "POST", "/api/identity/v1/accounts/activate", json={"token": token}
        )
        if answer is None or answer.status_code != 200:
            return None
        answer = await g.call(
            "identity.realname",
            "PUT",
            "/api/identity/v1/me/realname",
            token=answer.json()["access_token"],
            json={
                "name": person.name,
                "gender": person.gender,
                "id_type": "resident_id",
                "id_number": person.id_number,
                "birth_date": person.born.isoformat(),
                "province": "北京市",
                "city": "北京市",
                "consent_sensitive": True,
            },
        )
        if answer is None or answer.status_code != 200:
            return None
        return student if await self.log_in(student) else None

    async def photos_of(self, student: Student) -> list[str]:
        """One look at the student's photos (the portal's home page does the same); the
        kinds that appeared since the last look."""
        answer = await self._gateway.call(
            "photos.mine", "GET", "/api/photos/v1/me/photos", token=student.token
        )
        if answer is not None and answer.status_code == 200:
            return student.see(answer.json())
        return []
