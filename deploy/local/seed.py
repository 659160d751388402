"""Seed the demo data of the local stack and write .stack/credentials.json.

Idempotent: what exists is kept (a second `make run` finds the accounts and reuses
them). Everything goes through the public API, like a real registrar would.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import httpx
from jiaodui_runtime.testing.accounts import resident_id
from jiaodui_runtime.testing.poll import eventually
from jiaodui_runtime.testing.sinks import link_token, mails_to
from PIL import Image, ImageDraw
from seed_demo import (
    COHORT,
    COLLEGES,
    INSTITUTION,
    MAJORS,
    Student,
    cohort,
    photo_batch,
    roster_csv,
)

DEV_ADMIN_EMAIL = "admin@jiaodui.local"
DEV_ADMIN_PASSWORD = "dev-only-admin-password"  # noqa: S105 - the dev default of identity
DEMO_PASSWORD = "Demo-pass-2026"  # noqa: S105 - demo accounts of the local stack
STAFF = [
    ("registrar", "registrar@demo.edu.cn", None),
    ("photographer", "photographer@demo.edu.cn", None),
    ("college_staff", "office-info@demo.edu.cn", COLLEGES[0]),
    ("college_staff", "office-econ@demo.edu.cn", COLLEGES[1]),
    ("support", "support@demo.edu.cn", None),
    ("ops", "ops@demo.edu.cn", None),
]
STUDENTS = [
    ("demo.student1@demo.edu.cn", "张晓明", "male", date(2003, 4, 12), COLLEGES[0]),
    ("demo.student2@demo.edu.cn", "李华", "female", date(2002, 11, 3), COLLEGES[1]),
]
SEEDED_MARKER = "seeded-demo-v2"


def demo_id(born: date, gender: str) -> str:
    return resident_id(born, gender, region="110108", seq=7)


def named_rows() -> list[list[str]]:
    """The two named demo students (the second has no photo: the "no photo" problem)."""
    rows = []
    for i, (_, name, gender, born, college) in enumerate(STUDENTS):
        rows.append(
            [
                INSTITUTION["code"], INSTITUTION["name"], f"2022{i + 1:04d}",
                f"22110108{i + 1:06d}", name, gender, "汉族", born.isoformat(), "resident_id",
                demo_id(born, gender), college, f"{college}本部", MAJORS[college],
                f"{MAJORS[college]}2022级1班", "bachelor", "4", "regular", "full_time",
                "2022-09-01", "enrolled", COHORT,
            ]
        )  # fmt: skip
    return rows


def named_photos() -> list[tuple[str, str, date, str, str]]:
    _, name, gender, born, _ = STUDENTS[0]
    return [(name, gender, born, demo_id(born, gender), "20220001")]


def scan_jpeg() -> bytes:
    image = Image.new("RGB", (856, 540), (236, 236, 228))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 836, 520), outline=(120, 120, 120), width=4)
    draw.text((60, 60), "ID CARD SCAN (demo)", fill=(60, 60, 60))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


@dataclass
class Seeder:
    api: httpx.AsyncClient
    stack_dir: Path
    admin_email: str
    admin_password: str

    async def token(self, email: str, password: str) -> str | None:
        answer = await self.api.post(
            "/api/identity/v1/sessions", json={"email": email, "password": password}
        )
        return answer.json()["access_token"] if answer.status_code == 200 else None

    async def staff(self) -> list[dict[str, Any]]:
        admin = await self.token(self.admin_email, self.admin_password)
        assert admin, "the first admin cannot log in"
        created = []
        for role, email, college in STAFF:
            answer = await self.api.post(
                "/api/identity/v1/staff",
                json={
                    "email": email,
                    "password": DEMO_PASSWORD,
                    "role": role,
                    "institution_code": INSTITUTION["code"],
                    "college": college,
                },
                headers={"Authorization": f"Bearer {admin}"},
            )
            assert answer.status_code in (201, 409), answer.text
            created.append(
                {
                    "role": role,
                    "email": email,
                    "password": DEMO_PASSWORD,
                    "institution_code": INSTITUTION["code"],
                    "college": college,
                }
            )
        return created

    async def registry(self) -> None:
        """The registrar's roster, the photographer's batch, and the open windows."""
        registrar = await self.token("registrar@demo.edu.cn", DEMO_PASSWORD)
        photographer = await self.token("photographer@demo.edu.cn", DEMO_PASSWORD)
        assert registrar and photographer
        as_registrar = {"Authorization": f"Bearer {registrar}"}
        now = datetime.now(UTC)
        window = {
            "confirm_until": (now + timedelta(days=10)).isoformat(),
            "recheck_from": (now + timedelta(days=17)).isoformat(),
            "recheck_until": (now + timedelta(days=18)).isoformat(),
        }
        for service in ("photos", "corrections"):
            answer = await self.api.put(
                f"/api/{service}/v1/windows/{INSTITUTION['code']}/{COHORT}",
                json=window,
                headers=as_registrar,
            )
            assert answer.status_code in (200, 201, 204), answer.text
        answer = await self.api.post(
            "/api/records/v1/imports",
            content=roster_csv(named_rows()),
            headers={**as_registrar, "Content-Type": "text/csv"},
        )
        assert answer.status_code == 202, answer.text
        manifest, archive = photo_batch(named_photos())
        answer = await self.api.post(
            "/api/photos/v1/batches",
            files={
                "manifest": ("manifest.csv", manifest, "text/csv"),
                "archive": ("photos.zip", archive, "application/zip"),
            },
            headers={"Authorization": f"Bearer {photographer}"},
        )
        assert answer.status_code == 202, answer.text

    async def student(self, email: str, name: str, gender: str, born: date) -> dict[str, Any]:
        number = demo_id(born, gender)
        if not await self.token(email, DEMO_PASSWORD):
            await self.account(email, name, gender, born, number)
        return {
            "email": email,
            "password": DEMO_PASSWORD,
            "name": name,
            "id_type": "resident_id",
            "id_number": number,
            "birth_date": born.isoformat(),
        }

    async def account(
        self, email: str, name: str, gender: str, born: date, id_number: str
    ) -> dict[str, str]:
        """Registration, activation and real-name registration (edu address: no SMS code);
        the authorisation header of a fresh login."""
        form = {
            "email": email,
            "password": DEMO_PASSWORD,
            "password_confirm": DEMO_PASSWORD,
            "accept_terms": True,
        }
        assert (await self.api.post("/api/identity/v1/accounts", json=form)).status_code == 202
        mails = await eventually(
            lambda: asyncio.to_thread(mails_to, self.stack_dir, email),
            timeout_s=60,
            what=f"the activation mail of {email}",
        )
        activated = await self.api.post(
            "/api/identity/v1/accounts/activate", json={"token": link_token(mails[-1])}
        )
        assert activated.status_code == 200, activated.text
        realname = await self.api.put(
            "/api/identity/v1/me/realname",
            json={
                "name": name,
                "gender": gender,
                "id_type": "resident_id",
                "id_number": id_number,
                "birth_date": born.isoformat(),
                "province": "上海市",
                "city": "上海市",
                "consent_sensitive": True,
            },
            headers={"Authorization": f"Bearer {activated.json()['access_token']}"},
        )
        assert realname.status_code in (200, 409), realname.text
        token = await self.token(email, DEMO_PASSWORD)
        assert token, email
        return {"Authorization": f"Bearer {token}"}

    async def slots(self, headers: dict[str, str]) -> dict[str, Any] | None:
        """The student's photo slots once matching has linked both photos."""
        answer = await self.api.get("/api/photos/v1/me/photos", headers=headers)
        found = answer.json() if answer.status_code == 200 else []
        if (
            found
            and found[0]["graduation"].get("photo_id")
            and found[0]["admission"].get("photo_id")
        ):
            return dict(found[0])
        return None

    async def answers(self, i: int, student: Student) -> None:
        """Most confirm; every fifth disputes the graduation photo (its automatic erratum
        waits in the college office's queue); one asks to correct a field."""
        headers = await self.account(
            f"s{student.number}@demo.edu.cn",
            student.name,
            student.gender,
            student.born,
            student.id_number,
        )
        slots = await eventually(
            lambda: self.slots(headers), timeout_s=90, what=f"photos of {student.number}"
        )
        photos = "/api/photos/v1/photos"
        if i % 5 == 4:
            await self.api.post(
                f"{photos}/{slots['graduation']['photo_id']}/dispute",
                json={"reason": "照片不是我本人"},
                headers=headers,
            )
            return
        await self.confirm(slots["graduation"]["photo_id"], headers)
        if i % 3 != 2:
            await self.confirm(slots["admission"]["photo_id"], headers)
        if i == 1:
            await self.api.post(
                "/api/corrections/v1/errata",
                json={
                    "record_id": slots["record_id"],
                    "items": [{"field": "major", "correct_value": "软件工程"}],
                    "note": "转专业后未更新",
                },
                headers=headers,
            )

    async def confirm(self, photo_id: str, headers: dict[str, str]) -> None:
        """Confirm once the machine checks let it (a whole cohort's photos queue for them)."""

        async def attempt() -> bool:
            answer = await self.api.post(
                f"/api/photos/v1/photos/{photo_id}/confirm", headers=headers
            )
            return not (answer.status_code == 409 and answer.json()["code"] == "check_running")

        await eventually(attempt, timeout_s=600, interval_s=1.0, what=f"checks of {photo_id}")

    async def activity(self) -> None:
        """Some of the cohort answer, and one student whose ID was mistyped at real-name
        registration (so no record is found) asks support to correct it."""
        with_photos = [s for s in cohort() if s.has_photo]
        chosen = list(islice(with_photos, 0, None, 14))[:16]
        gate = asyncio.Semaphore(4)

        async def one(i: int, student: Student) -> None:
            async with gate:
                await self.answers(i, student)

        await asyncio.gather(*(one(i, s) for i, s in enumerate(chosen)))
        mistyped = with_photos[5]
        headers = await self.account(
            f"s{mistyped.number}@demo.edu.cn",
            mistyped.name,
            mistyped.gender,
            mistyped.born,
            resident_id(mistyped.born, mistyped.gender, region="310199", seq=1),
        )
        answer = await self.api.post(
            "/api/corrections/v1/identity-corrections",
            data={
                "id_type": "resident_id",
                "id_number": mistyped.id_number,
                "contact_phone": "13800138000",
                "reply_email": f"s{mistyped.number}@demo.edu.cn",
            },
            files={"scan": ("id-scan.jpg", scan_jpeg(), "image/jpeg")},
            headers=headers,
        )
        assert answer.status_code == 201, answer.text


async def seed(gateway: str, stack_dir: Path) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as api:
        seeder = Seeder(
            api,
            stack_dir,
            os.environ.get("JIAODUI_IDENTITY_ADMIN_EMAIL", DEV_ADMIN_EMAIL),
            os.environ.get("JIAODUI_IDENTITY_ADMIN_PASSWORD", DEV_ADMIN_PASSWORD),
        )
        staff = await seeder.staff()
        marker = stack_dir / SEEDED_MARKER
        if not marker.exists():  # a second `make run` keeps what students answered
            await seeder.registry()
        students = [await seeder.student(e, n, g, b) for e, n, g, b, _ in STUDENTS]
        if not marker.exists():
            await seeder.activity()
            marker.write_text(datetime.now(UTC).isoformat() + "\n")
        return {
            "gateway": gateway,
            "portal": f"{gateway}/",
            "institution": INSTITUTION,
            "colleges": COLLEGES,
            "admin": {"email": seeder.admin_email, "password": seeder.admin_password},
            "staff": staff,
            "students": students,
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--credentials", type=Path, required=True)
    parser.add_argument("--gateway", required=True)
    args = parser.parse_args()
    credentials = asyncio.run(seed(args.gateway, args.credentials.parent))
    tmp = args.credentials.with_suffix(".tmp")
    tmp.write_text(json.dumps(credentials, ensure_ascii=False, indent=2) + "\n")
    tmp.replace(args.credentials)
    print(f"wrote {args.credentials}")


if __name__ == "__main__":
    main()
