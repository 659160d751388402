"""Builders for corrections' integration tests: records and matches put on Kafka the way
records publishes them, staff and students created through identity."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest_asyncio
from jiaodui_contracts.records import IdentityMatched, RecordImported
from jiaodui_runtime.privacy import identity_hash, mask_id_number
from jiaodui_runtime.settings import DEV_IDENTITY_HASH_SECRET
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import (
    PASSWORD,
    Account,
    admin_credentials,
    log_in,
    register_and_activate,
    resident_id,
)
from jiaodui_runtime.testing.events import publish
from PIL import Image

BORN = date(2003, 5, 17)
API = "/api/corrections"


def jpeg(size: tuple[int, int] = (64, 40), noise: bytes = b"") -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 180, 160))
    image.save(out, format="JPEG", comment=noise or uuid.uuid4().bytes)
    return out.getvalue()


@dataclass
class School:
    """One institution of its own per test, with a college and a cohort."""

    gateway: httpx.AsyncClient
    stack: StackEndpoints
    admin_token: str
    code: str
    college: str = "信息学院"
    cohort: str = "2026"

    async def staff(self, role: str, college: str | None = None) -> Account:
        if role == "support" and "support" in _shared:
            return _shared["support"]  # unscoped: one for the whole session is enough
        account = await self._new_staff(role, college)
        if role == "support":
            _shared["support"] = account
        return account

    async def _new_staff(self, role: str, college: str | None) -> Account:
        scoped_college = (college or self.college) if role == "college_staff" else None
        institution = self.code if role in {"college_staff", "registrar"} else None
        # Like testing.accounts.create_staff, with the admin's token reused: logins are
        # rate-limited per client address, and the whole suite logs in from one.
        email = f"{role}-{uuid.uuid4().hex[:10]}@staff.example.edu.cn"
        answer = await self.gateway.post(
            "/api/identity/v1/staff",
            json={
                "email": email, "password": PASSWORD, "role": role,
                "institution_code": institution, "college": scoped_college,
            },
            headers={"Authorization": f"Bearer {self.admin_token}"},
        )  # fmt: skip
        assert answer.status_code == 201, answer.text
        token = await log_in(self.gateway, email, PASSWORD)
        return Account(answer.json()["account_id"], email, PASSWORD, token)

    async def student(self, name: str = "张三") -> tuple[Account, str]:
        number = resident_id(BORN, "male")
        # create_student logs in again for a token saying "active"; corrections does not
        # look at the status, so the activation token saves a rate-limited login.
        account = await register_and_activate(self.gateway, self.stack)
        answer = await self.gateway.put(
            "/api/identity/v1/me/realname",
            json={
                "name": name, "gender": "male", "id_type": "resident_id", "id_number": number,
                "birth_date": BORN.isoformat(), "province": "北京市", "city": "北京市",
                "consent_sensitive": True,
            },
            headers=account.headers,
        )  # fmt: skip
        assert answer.status_code == 200, answer.text
        return account, number

    def imported(self, number: str, *, name: str = "张三", **fields: Any) -> RecordImported:
        """A record of this school as records publishes it (``fields`` override)."""
        hashed = identity_hash(DEV_IDENTITY_HASH_SECRET.encode(), "resident_id", number)
        values: dict[str, Any] = {
            "record_id": str(uuid.uuid4()), "institution_code": self.code,
            "institution_name": "测试大学", "student_number": f"S{uuid.uuid4().hex[:8]}",
            "name": name, "gender": "male", "birth_date": BORN, "id_type": "resident_id",
            "identity_hash": hashed, "id_number_masked": mask_id_number(number),
            "branch": self.college, "major": "计算机", "level": "本科",
            "education_type": "普通高等教育", "study_form": "全日制", "status": "在籍",
            "cohort": self.cohort, "import_id": str(uuid.uuid4()), "change": "created",
            "imported_at": datetime.now(UTC),
        }  # fmt: skip
        return RecordImported(**{**values, **fields})

    async def matched_record(self, student: Account, number: str, name: str = "张三") -> str:
        """A record imported and matched to ``student``; returns once corrections knows it."""
        record = self.imported(number, name=name)
        record_id = record.record_id
        now = datetime.now(UTC)
        await publish(
            self.stack.kafka_bootstrap,
            record,
            IdentityMatched(
                account_id=student.account_id, record_id=record_id, institution_code=self.code,
                branch=self.college, cohort=self.cohort, student_number="S1", matched_at=now,
            ),
        )  # fmt: skip
        return record_id

    async def file(self, who: Account, record_id: str, **extra: Any) -> httpx.Response:
        """File an erratum, waiting for the record's events to reach corrections first."""
        body = {"record_id": record_id, "items": [{"field": "name", "correct_value": "张叁"}]}
        body.update(extra)

        async def attempt() -> httpx.Response | None:
            answer = await self.gateway.post(f"{API}/v1/errata", json=body, headers=who.headers)
            if answer.status_code == 404 or answer.json().get("code") == "forbidden_record":
                return None  # the record or its match has not arrived yet
            return answer

        return await eventually(attempt, what="the record to reach corrections")

    async def set_deadline(self, registrar: Account, confirm_until: datetime) -> None:
        answer = await self.gateway.put(
            f"{API}/v1/windows/{self.code}/{self.cohort}",
            json={"confirm_until": confirm_until.isoformat()},
            headers=registrar.headers,
        )
        assert answer.status_code == 200, answer.text


_shared: dict[str, Account] = {}


@pytest_asyncio.fixture
async def school(gateway: httpx.AsyncClient, stack: StackEndpoints) -> School:
    if "admin" not in _shared:
        email, password = admin_credentials(stack)
        _shared["admin"] = Account("", email, password, await log_in(gateway, email, password))
    return School(gateway, stack, _shared["admin"].token, code=f"T{uuid.uuid4().hex[:8]}")
