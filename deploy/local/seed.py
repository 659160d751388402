"""Seed the demo data of the local stack and write .stack/credentials.json.

Idempotent: what exists is kept (a second `make run` finds the accounts and reuses
them). Everything goes through the public API, like a real registrar would.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import os
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from jiaodui_runtime.testing.accounts import resident_id
from jiaodui_runtime.testing.poll import eventually
from jiaodui_runtime.testing.sinks import link_token, mails_to
from PIL import Image, ImageDraw

DEV_ADMIN_EMAIL = "admin@jiaodui.local"
DEV_ADMIN_PASSWORD = "dev-only-admin-password"  # noqa: S105 - the dev default of identity
DEMO_PASSWORD = "Demo-pass-2026"  # noqa: S105 - demo accounts of the local stack
INSTITUTION = {"code": "10001", "name": "示范大学 Demo University"}
COLLEGES = ["信息学院", "经济学院"]
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


COHORT = "2026"
ROSTER_COLUMNS = [
    "institution_code",
    "institution_name",
    "student_number",
    "exam_number",
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_type",
    "id_number",
    "branch",
    "department",
    "major",
    "class_name",
    "level",
    "duration_years",
    "education_type",
    "study_form",
    "enrollment_date",
    "status",
    "cohort",
]


def demo_id(born: date, gender: str) -> str:
    return resident_id(born, gender, region="110108", seq=7)


def roster_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ROSTER_COLUMNS)
    for i, (_, name, gender, born, college) in enumerate(STUDENTS):
        writer.writerow(
            [
                INSTITUTION["code"],
                INSTITUTION["name"],
                f"2022{i + 1:04d}",
                f"22110108{i + 1:06d}",
                name,
                gender,
                "汉族",
                born.isoformat(),
                "resident_id",
                demo_id(born, gender),
                college,
                f"{college}本部",
                "计算机科学与技术",
                f"{college}2022级1班",
                "bachelor",
                "4",
                "regular",
                "full_time",
                "2022-09-01",
                "enrolled",
                COHORT,
            ]
        )
    return out.getvalue().encode()


def portrait(text: str, color: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (480, 640), color)
    ImageDraw.Draw(image).text((20, 20), text, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def photo_batch() -> tuple[bytes, bytes]:
    """Photos for the first student only: the second shows the "no photo" problem."""
    _, name, gender, born, _ = STUDENTS[0]
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(
        ["file", "kind", "institution_code", "name", "id_type", "id_number", "student_number"]
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for kind, color in (("graduation", (40, 90, 160)), ("admission", (160, 90, 40))):
            zipped.writestr(f"{kind}.jpg", portrait(f"demo {kind}", color))
            writer.writerow(
                [
                    f"{kind}.jpg",
                    kind,
                    INSTITUTION["code"],
                    name,
                    "resident_id",
                    demo_id(born, gender),
                    "20220001",
                ]
            )
    return manifest.getvalue().encode(), archive.getvalue()


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
            content=roster_csv(),
            headers={**as_registrar, "Content-Type": "text/csv"},
        )
        assert answer.status_code == 202, answer.text
        manifest, archive = photo_batch()
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
        entry = {
            "email": email,
            "password": DEMO_PASSWORD,
            "name": name,
            "id_type": "resident_id",
            "id_number": number,
            "birth_date": born.isoformat(),
        }
        if await self.token(email, DEMO_PASSWORD):
            return entry  # seeded by an earlier run
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
        headers = {"Authorization": f"Bearer {activated.json()['access_token']}"}
        realname = await self.api.put(
            "/api/identity/v1/me/realname",
            json={
                "name": name,
                "gender": gender,
                "id_type": "resident_id",
                "id_number": number,
                "birth_date": born.isoformat(),
                "province": "北京市",
                "city": "北京市",
                "consent_sensitive": True,
            },
            headers=headers,
        )
        assert realname.status_code in (200, 409), realname.text
        return entry


async def seed(gateway: str, stack_dir: Path) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as api:
        seeder = Seeder(
            api,
            stack_dir,
            os.environ.get("JIAODUI_IDENTITY_ADMIN_EMAIL", DEV_ADMIN_EMAIL),
            os.environ.get("JIAODUI_IDENTITY_ADMIN_PASSWORD", DEV_ADMIN_PASSWORD),
        )
        staff = await seeder.staff()
        await seeder.registry()
        students = [await seeder.student(e, n, g, b) for e, n, g, b, _ in STUDENTS]
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
