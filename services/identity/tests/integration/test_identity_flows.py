"""identity through the gateway: real-name registration, login, logout, profile, staff."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import date

import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import (
    PASSWORD,
    create_staff,
    create_student,
    log_in,
    register_and_activate,
    resident_id,
)
from jiaodui_runtime.testing.sinks import mails_to, sms_to

pytestmark = pytest.mark.integration
BORN = date(2003, 5, 17)


def realname_form(id_number: str, **overrides: object) -> dict[str, object]:
    form: dict[str, object] = {
        "name": "张三",
        "gender": "male",
        "id_type": "resident_id",
        "id_number": id_number,
        "birth_date": BORN.isoformat(),
        "province": "北京市",
        "city": "北京市",
        "consent_sensitive": True,
    }
    form.update(overrides)
    return form


async def test_real_name_registration_binds_the_id_once(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    number = resident_id(BORN, "male")
    student = await create_student(
        gateway, stack, name="张三", id_number=number, gender="male", birth_date=BORN
    )
    me = (await gateway.get("/api/identity/v1/me", headers=student.headers)).json()
    assert me["status"] == "active" and me["name"] == "张三"
    assert me["id_number_masked"] == number[:6] + "********" + number[-4:]
    assert number not in str(me)

    other = await register_and_activate(gateway, stack)
    taken = await gateway.put(
        "/api/identity/v1/me/realname", json=realname_form(number.lower()), headers=other.headers
    )
    assert taken.status_code == 409 and taken.json()["code"] == "id_number_taken"
    assert taken.json()["dispute_path"].endswith("/identity-disputes")

    immutable = await gateway.patch(
        "/api/identity/v1/me", json={"id_number": number}, headers=student.headers
    )
    assert immutable.status_code == 422 and immutable.json()["code"] == "immutable_field"
    renamed = await gateway.patch(
        "/api/identity/v1/me", json={"name": " 张 三 "}, headers=student.headers
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "张 三"


async def test_account_ids_sort_by_creation(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    # every service keys an index by account id: ids made one after the other keep its
    # inserts at one end (version 7, the creation time first)
    first = await register_and_activate(gateway, stack)
    second = await register_and_activate(gateway, stack)
    ids = [uuid.UUID(first.account_id), uuid.UUID(second.account_id)]
    assert [i.version for i in ids] == [7, 7] and ids[0] < ids[1]


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"consent_sensitive": False}, "consent_required"),
        ({"id_number": "11010120030517123"}, "id_number_invalid"),
        ({"birth_date": "2003-05-18"}, "birth_date_mismatch"),
        ({"gender": "female"}, "gender_mismatch"),
        ({"nickname": "x" * 51}, "nickname_too_long"),
    ],
)
async def test_real_name_rules(
    gateway: httpx.AsyncClient, stack: StackEndpoints, overrides: dict[str, object], code: str
) -> None:
    account = await register_and_activate(gateway, stack)
    form = {**realname_form(resident_id(BORN, "male")), **overrides}
    answer = await gateway.put("/api/identity/v1/me/realname", json=form, headers=account.headers)
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == code


async def test_non_edu_addresses_need_an_sms_code_which_is_rate_limited(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    assert stack.stack_dir is not None
    account = await register_and_activate(gateway, stack, email=f"s-{uuid.uuid4().hex[:10]}@qq.com")
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    form = realname_form(resident_id(BORN, "male"), phone=phone)
    missing = await gateway.put("/api/identity/v1/me/realname", json=form, headers=account.headers)
    assert missing.json()["code"] == "sms_code_required"

    sent = await gateway.post(
        "/api/identity/v1/sms-codes", json={"phone": phone}, headers=account.headers
    )
    assert sent.status_code == 202
    again = await gateway.post(
        "/api/identity/v1/sms-codes", json={"phone": phone}, headers=account.headers
    )
    assert again.status_code == 429 and again.json()["code"] == "rate_limited"
    assert 1 <= int(again.headers["retry-after"]) <= 60

    lines = await eventually(
        lambda: asyncio.to_thread(sms_to, stack.stack_dir, phone), what="the SMS"
    )  # type: ignore[arg-type]
    code = re.findall(r"(?<!\d)\d{6}(?!\d)", lines[-1]["text"])[0]
    wrong = await gateway.put(
        "/api/identity/v1/me/realname",
        json={**form, "sms_code": "000000" if code != "000000" else "111111"},
        headers=account.headers,
    )
    assert wrong.json()["code"] == "sms_code_invalid"
    ok = await gateway.put(
        "/api/identity/v1/me/realname", json={**form, "sms_code": code}, headers=account.headers
    )
    assert ok.status_code == 200, ok.text
    me = (await gateway.get("/api/identity/v1/me", headers=account.headers)).json()
    assert me["phone_masked"] == phone[:3] + "****" + phone[-4:]


async def test_login_answers_alike_for_unknown_and_wrong_and_locks_after_five(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    assert stack.stack_dir is not None
    account = await register_and_activate(gateway, stack)
    unknown = await gateway.post(
        "/api/identity/v1/sessions",
        json={"email": f"nobody-{uuid.uuid4().hex}@x.cn", "password": "whatever1"},
    )
    wrong = await gateway.post(
        "/api/identity/v1/sessions", json={"email": account.email, "password": "wrong-pw1"}
    )
    assert unknown.status_code == wrong.status_code == 401
    assert {k: v for k, v in unknown.json().items() if k != "instance"} == {
        k: v for k, v in wrong.json().items() if k != "instance"
    }
    for _ in range(4):
        await gateway.post(
            "/api/identity/v1/sessions", json={"email": account.email, "password": "wrong-pw1"}
        )
    locked = await gateway.post(
        "/api/identity/v1/sessions", json={"email": account.email, "password": PASSWORD}
    )
    assert locked.status_code == 423 and locked.json()["code"] == "account_locked"
    notices = await eventually(
        lambda: asyncio.to_thread(
            lambda: [
                m
                for m in mails_to(stack.stack_dir, account.email)  # type: ignore[arg-type]
                if "lock" in str(m["Subject"]).lower() or "锁" in str(m["Subject"])
            ]
        ),
        what="the lock-out notice",
    )
    assert notices


async def test_a_logged_out_token_is_refused_by_every_service(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    staff = await create_staff(gateway, stack, role="ops")
    assert (await gateway.get("/api/identity/v1/me", headers=staff.headers)).status_code == 200
    assert (
        await gateway.delete("/api/identity/v1/sessions/current", headers=staff.headers)
    ).status_code == 204
    for path in ("/api/identity/v1/me", "/api/records/v1/me/records", "/api/photos/v1/me/photos"):
        refused = await gateway.get(path, headers=staff.headers)
        assert refused.status_code == 401, (path, refused.text)
    fresh = await log_in(gateway, staff.email, staff.password)
    assert (
        await gateway.get("/api/identity/v1/me", headers={"Authorization": f"Bearer {fresh}"})
    ).status_code == 200


async def test_only_admins_create_staff_and_scopes_are_required(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    ops = await create_staff(gateway, stack, role="ops")
    form = {
        "email": f"r-{uuid.uuid4().hex[:8]}@x.edu.cn",
        "password": PASSWORD,
        "role": "registrar",
    }
    assert (
        await gateway.post("/api/identity/v1/staff", json=form, headers=ops.headers)
    ).status_code == 403
    registrar = await create_staff(
        gateway, stack, role="college_staff", institution_code="10001", college="信息学院"
    )
    me = (await gateway.get("/api/identity/v1/me", headers=registrar.headers)).json()
    assert (me["role"], me["institution_code"], me["college"]) == (
        "college_staff",
        "10001",
        "信息学院",
    )
    admin = await log_in(gateway, "admin@jiaodui.local", "dev-only-admin-password")
    missing = await gateway.post(
        "/api/identity/v1/staff", json=form, headers={"Authorization": f"Bearer {admin}"}
    )
    assert missing.status_code == 422 and missing.json()["code"] == "institution_required"
