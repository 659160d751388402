"""Create real accounts through the gateway, the way users do (for cross-service tests)."""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx

from jiaodui_runtime.idcard import check_digit
from jiaodui_runtime.testing.poll import eventually
from jiaodui_runtime.testing.sinks import link_token, mails_to
from jiaodui_runtime.testing.stack import StackEndpoints

PASSWORD = "Test-pass-123!"  # noqa: S105 - test accounts only


@dataclass(frozen=True, slots=True)
class Account:
    account_id: str
    email: str
    password: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def resident_id(
    birth_date: date, gender: str, *, region: str | None = None, seq: int | None = None
) -> str:
    """A valid 18-character resident ID for this birth date and gender.

    Region and sequence are random unless given, so that tests run again and again
    against one stack do not collide on "ID already registered"."""
    if region is None:
        region = f"{random.randint(1, 6)}{random.randrange(10**5):05d}"
    n = random.randrange(0, 50) if seq is None else seq
    sequence = f"{n * 2 + (1 if gender == 'male' else 0):03d}"[-3:]
    if (int(sequence[-1]) % 2 == 1) != (gender == "male"):
        sequence = sequence[:-1] + str((int(sequence[-1]) + 1) % 10)
    first17 = region + birth_date.strftime("%Y%m%d") + sequence
    return first17 + check_digit(first17)


def admin_credentials(stack: StackEndpoints) -> tuple[str, str]:
    path = stack.stack_dir / "credentials.json" if stack.stack_dir else None
    if path is not None and path.exists():
        admin = json.loads(path.read_text())["admin"]
        return admin["email"], admin["password"]
    return "admin@jiaodui.local", "dev-only-admin-password"


async def log_in(gateway: httpx.AsyncClient, email: str, password: str) -> str:
    answer = await gateway.post(
        "/api/identity/v1/sessions", json={"email": email, "password": password}
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


async def create_staff(
    gateway: httpx.AsyncClient,
    stack: StackEndpoints,
    *,
    role: str,
    institution_code: str | None = None,
    college: str | None = None,
) -> Account:
    admin_token = await log_in(gateway, *admin_credentials(stack))
    email = f"{role}-{uuid.uuid4().hex[:10]}@staff.example.edu.cn"
    answer = await gateway.post(
        "/api/identity/v1/staff",
        json={
            "email": email,
            "password": PASSWORD,
            "role": role,
            "institution_code": institution_code,
            "college": college,
        },
        headers={"Authorization": f"Bearer {admin_token}"},
    )
    assert answer.status_code == 201, answer.text
    token = await log_in(gateway, email, PASSWORD)
    return Account(answer.json()["account_id"], email, PASSWORD, token)


async def register_and_activate(
    gateway: httpx.AsyncClient,
    stack: StackEndpoints,
    *,
    email: str | None = None,
    password: str = PASSWORD,
) -> Account:
    """An account whose e-mail is verified (real name still missing)."""
    assert stack.stack_dir is not None, "needs the local stack's mail sink"
    mail_dir: Path = stack.stack_dir
    email = email or f"student-{uuid.uuid4().hex[:12]}@example.edu.cn"
    answer = await gateway.post(
        "/api/identity/v1/accounts",
        json={
            "email": email,
            "password": password,
            "password_confirm": password,
            "accept_terms": True,
        },
    )
    assert answer.status_code == 202, answer.text
    # patient and unhurried: a busy shared stack delays mail, and every poll parses the sink
    mails = await eventually(
        lambda: asyncio.to_thread(mails_to, mail_dir, email),
        timeout_s=120,
        interval_s=0.25,
        what=f"activation mail to {email}",
    )
    token = link_token(mails[-1])
    activated = await gateway.post("/api/identity/v1/accounts/activate", json={"token": token})
    assert activated.status_code == 200, activated.text
    body = activated.json()
    return Account(body["account_id"], email, password, body["access_token"])


async def create_student(
    gateway: httpx.AsyncClient,
    stack: StackEndpoints,
    *,
    name: str,
    id_number: str,
    gender: str,
    birth_date: date,
    id_type: str = "resident_id",
) -> Account:
    """A student through registration, activation and real-name registration (edu address:
    no SMS code needed); the returned token carries the active status."""
    account = await register_and_activate(gateway, stack)
    answer = await gateway.put(
        "/api/identity/v1/me/realname",
        json={
            "name": name,
            "gender": gender,
            "id_type": id_type,
            "id_number": id_number,
            "birth_date": birth_date.isoformat(),
            "province": "北京市",
            "city": "北京市",
            "consent_sensitive": True,
        },
        headers=account.headers,
    )
    assert answer.status_code == 200, answer.text
    token = await log_in(gateway, account.email, account.password)
    return Account(account.account_id, account.email, account.password, token)
