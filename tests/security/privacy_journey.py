"""A whole student journey through the gateway, noting every secret it handles.

register → activation mail → SMS code → real name (resident ID + phone, after two
mistakes) → log in → staff import → match → two photo batches → confirm one, dispute
the other → erratum → ID-correction case (contact phone) approved by support →
password reset → log in again → log out.
"""

from __future__ import annotations

import asyncio
import random
import re
import uuid
from dataclasses import dataclass, field

import httpx
from jiaodui_runtime.privacy import mask_id_number, mask_phone
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import log_in, register_and_activate, resident_id
from jiaodui_runtime.testing.sinks import link_token, mails_to, sms_to

from tests.security.privacy_school import (
    BORN,
    NAME,
    PATIENT,
    Headers,
    biometric_secrets,
    correct_identity,
    file_erratum,
    get_json,
    match_and_answer_photos,
)
from tests.security.privacy_secrets import Secrets

REALNAME = "/api/identity/v1/me/realname"


def _mobile() -> str:
    return f"13{random.randrange(10**9):09d}"


def _password() -> str:
    return f"Pw-{uuid.uuid4().hex[:12]}!"


@dataclass
class Student:
    """The student's personal data: unique to this run, each one a secret."""

    email: str = field(default_factory=lambda: f"privacy-{uuid.uuid4().hex[:12]}@example.com")
    password: str = field(default_factory=_password)
    new_password: str = field(default_factory=_password)
    id_number: str = field(default_factory=lambda: resident_id(BORN, "female"))
    corrected_id: str = field(default_factory=lambda: resident_id(BORN, "female"))
    phone: str = field(default_factory=_mobile)
    contact_phone: str = field(default_factory=_mobile)
    secrets: Secrets = field(default_factory=Secrets)

    def __post_init__(self) -> None:
        self.secrets.id_number("ID number", self.id_number)
        self.secrets.id_number("corrected ID number", self.corrected_id)
        for what in ("phone", "contact_phone", "password", "new_password"):
            self.secrets.literal(what.replace("_", " "), getattr(self, what))


async def _mail_token(stack: StackEndpoints, email: str, *, besides: set[str]) -> str:
    assert stack.stack_dir is not None

    async def newest() -> str | None:
        mails = await asyncio.to_thread(mails_to, stack.stack_dir, email)  # type: ignore[arg-type]
        tokens = [t for t in map(link_token, mails) if t and t not in besides]
        return tokens[-1] if tokens else None

    return await eventually(newest, what=f"a mail with a new link to {email}", **PATIENT)


async def _sms_code(
    gateway: httpx.AsyncClient, stack: StackEndpoints, h: Headers, phone: str
) -> str:
    assert stack.stack_dir is not None
    sent = await gateway.post("/api/identity/v1/sms-codes", json={"phone": phone}, headers=h)
    assert sent.status_code == 202, sent.text
    texts = await eventually(
        lambda: asyncio.to_thread(sms_to, stack.stack_dir, phone),  # type: ignore[arg-type]
        what=f"the SMS code to {phone}",
        **PATIENT,
    )
    found = re.search(r"(?<!\d)\d{6}(?!\d)", texts[-1]["text"])
    assert found, texts[-1]
    return found.group(0)


async def _sign_up(
    gateway: httpx.AsyncClient, stack: StackEndpoints, s: Student
) -> tuple[str, str, Headers]:
    """Register, activate, real name with SMS code, log in: (account id, activation, auth)."""
    account = await register_and_activate(gateway, stack, email=s.email, password=s.password)
    activation = await _mail_token(stack, s.email, besides=set())
    s.secrets.literal("activation token", activation)
    code = await _sms_code(gateway, stack, account.headers, s.phone)
    s.secrets.code("SMS code", code)
    form = {
        "name": NAME, "gender": "female", "id_type": "resident_id", "id_number": s.id_number,
        "birth_date": BORN.isoformat(), "province": "北京市", "city": "北京市",
        "phone": s.phone, "sms_code": code, "consent_sensitive": True,
    }  # fmt: skip
    wrong_code = f"{(int(code) + 1) % 10**6:06d}"
    # mistakes first: a refusal must not echo what was typed either
    for mistake in ({"phone": s.phone * 2}, {"sms_code": wrong_code}):
        refused = await gateway.put(REALNAME, json={**form, **mistake}, headers=account.headers)
        assert refused.status_code == 422, refused.text
    realname = await gateway.put(REALNAME, json=form, headers=account.headers)
    assert realname.status_code == 200, realname.text
    mistyped = await gateway.post(
        "/api/identity/v1/sessions", json={"email": s.email, "password": s.password + "x"}
    )
    assert mistyped.status_code == 401, mistyped.text
    student = {"Authorization": f"Bearer {await log_in(gateway, s.email, s.password)}"}
    me = await get_json(gateway, "/api/identity/v1/me", student)
    masked = (mask_id_number(s.id_number), mask_phone(s.phone))
    assert (me["id_number_masked"], me["phone_masked"]) == masked, me
    return account.account_id, activation, student


async def _reset_password(
    gateway: httpx.AsyncClient, stack: StackEndpoints, s: Student, activation: str
) -> None:
    """Forgotten password: the reset mail's token, a new password, log in and out."""
    asked = await gateway.post("/api/identity/v1/recovery/password", json={"email": s.email})
    assert asked.status_code == 202, asked.text
    reset = await _mail_token(stack, s.email, besides={activation})
    s.secrets.literal("password reset token", reset)
    done = await gateway.post(
        "/api/identity/v1/recovery/password/reset",
        json={"token": reset, "password": s.new_password, "password_confirm": s.new_password},
    )
    assert done.status_code == 204, done.text
    again = {"Authorization": f"Bearer {await log_in(gateway, s.email, s.new_password)}"}
    out = await gateway.delete("/api/identity/v1/sessions/current", headers=again)
    assert out.status_code == 204, out.text


async def student_journey(gateway: httpx.AsyncClient, stack: StackEndpoints) -> tuple[str, Secrets]:
    """Run the journey; return the account id and every secret it handled."""
    s = Student()
    account_id, activation, student = await _sign_up(gateway, stack, s)
    record_id = await match_and_answer_photos(gateway, stack, student, s.id_number)
    for what, value in await biometric_secrets(gateway, stack, student, record_id):
        s.secrets.literal(what, value)
    await file_erratum(gateway, student, record_id, s.corrected_id)
    await correct_identity(gateway, stack, student, s.corrected_id, s.contact_phone, s.email)
    await get_json(gateway, "/api/notify/v1/me/messages", student)
    await _reset_password(gateway, stack, s, activation)
    return account_id, s.secrets
