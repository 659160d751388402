"""Seed the demo data of the local stack and write .stack/credentials.json.

Idempotent: what exists is kept (a second `make run` finds the accounts and reuses
them). Everything goes through the public API, like a real registrar would.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from jiaodui_runtime.testing.accounts import resident_id
from jiaodui_runtime.testing.poll import eventually
from jiaodui_runtime.testing.sinks import link_token, mails_to

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

    async def student(self, email: str, name: str, gender: str, born: date) -> dict[str, Any]:
        number = resident_id(born, gender, region="110108", seq=7)
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
