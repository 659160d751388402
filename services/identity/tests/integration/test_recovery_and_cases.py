"""Recovery links and the decisions identity applies from corrections."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime

import asyncpg
import httpx
import pytest
from jiaodui_contracts.corrections import IdentityDisputeResolved
from jiaodui_identity.domain.accounts import hash_token
from jiaodui_runtime.privacy import identity_hash, mask_id_number
from jiaodui_runtime.settings import DEV_IDENTITY_HASH_SECRET
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import (
    PASSWORD,
    create_student,
    log_in,
    register_and_activate,
    resident_id,
)
from jiaodui_runtime.testing.events import publish
from jiaodui_runtime.testing.sinks import link_token, mails_to

pytestmark = pytest.mark.integration
BORN = date(2002, 9, 1)


async def reset_mail_token(stack: StackEndpoints, email: str, after: int) -> str:
    assert stack.stack_dir is not None
    mails = await eventually(
        lambda: asyncio.to_thread(lambda: mails_to(stack.stack_dir, email)[after:]),  # type: ignore[arg-type]
        what="the reset mail",
    )
    token = link_token(mails[-1])
    assert token
    return token


async def test_reset_link_is_single_use_and_ends_every_session(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    assert stack.stack_dir is not None
    account = await register_and_activate(gateway, stack)
    old_session = await log_in(gateway, account.email, PASSWORD)
    mails_before = len(mails_to(stack.stack_dir, account.email))
    asked = await gateway.post("/api/identity/v1/recovery/password", json={"email": account.email})
    unknown = await gateway.post(
        "/api/identity/v1/recovery/password", json={"email": f"ghost-{uuid.uuid4().hex}@x.cn"}
    )
    assert asked.status_code == unknown.status_code == 202 and asked.json() == unknown.json()
    token = await reset_mail_token(stack, account.email, mails_before)

    activation_use = await gateway.post("/api/identity/v1/accounts/activate", json={"token": token})
    assert activation_use.status_code == 410  # a reset token is not an activation token

    new = "New-pass-456!"
    form = {"token": token, "password": new, "password_confirm": new}
    assert (
        await gateway.post("/api/identity/v1/recovery/password/reset", json=form)
    ).status_code == 204
    again = await gateway.post("/api/identity/v1/recovery/password/reset", json=form)
    assert again.status_code == 410 and again.json()["code"] == "reset_token_invalid"

    refused = await gateway.get(
        "/api/identity/v1/me", headers={"Authorization": f"Bearer {old_session}"}
    )
    assert refused.status_code == 401
    fresh = await log_in(gateway, account.email, new)
    assert (
        await gateway.get("/api/identity/v1/me", headers={"Authorization": f"Bearer {fresh}"})
    ).status_code == 200


async def test_an_activation_token_cannot_reset_a_password(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    assert stack.stack_dir is not None
    email = f"s-{uuid.uuid4().hex[:10]}@example.edu.cn"
    await gateway.post(
        "/api/identity/v1/accounts",
        json={
            "email": email,
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "accept_terms": True,
        },
    )
    mails = await eventually(lambda: asyncio.to_thread(mails_to, stack.stack_dir, email))  # type: ignore[arg-type]
    token = link_token(mails[0])
    form = {"token": token, "password": "Other-pass-1", "password_confirm": "Other-pass-1"}
    assert (
        await gateway.post("/api/identity/v1/recovery/password/reset", json=form)
    ).status_code == 410


async def test_username_reminder_goes_to_the_address_on_file(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    assert stack.stack_dir is not None
    number = resident_id(BORN, "female")
    student = await create_student(
        gateway, stack, name="李四", id_number=number, gender="female", birth_date=BORN
    )
    before = len(mails_to(stack.stack_dir, student.email))
    for name in ("李四", "王五"):  # the wrong name answers alike and sends nothing
        answer = await gateway.post(
            "/api/identity/v1/recovery/username",
            json={"name": name, "id_type": "resident_id", "id_number": number},
        )
        assert answer.status_code == 202
    mails = await eventually(
        lambda: asyncio.to_thread(lambda: mails_to(stack.stack_dir, student.email)[before:]),  # type: ignore[arg-type]
        what="the user-name reminder",
    )
    assert len(mails) == 1


async def test_a_resolved_dispute_moves_the_id_to_the_claimant(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    number = resident_id(BORN, "male")
    mistaken = await create_student(
        gateway, stack, name="赵六", id_number=number, gender="male", birth_date=BORN
    )
    claimant = await register_and_activate(gateway, stack)
    form = {
        "name": "钱七",
        "gender": "male",
        "id_type": "resident_id",
        "id_number": number,
        "birth_date": BORN.isoformat(),
        "province": "上海市",
        "city": "上海市",
        "consent_sensitive": True,
    }
    taken = await gateway.put("/api/identity/v1/me/realname", json=form, headers=claimant.headers)
    assert taken.json()["code"] == "id_number_taken"

    hashed = identity_hash(DEV_IDENTITY_HASH_SECRET.encode(), "resident_id", number)
    await publish(
        stack.kafka_bootstrap,
        IdentityDisputeResolved(
            case_id=str(uuid.uuid4()),
            account_id=claimant.account_id,
            outcome="released",
            id_type="resident_id",
            identity_hash=hashed,
            id_number_masked=mask_id_number(number),
            resolved_by=str(uuid.uuid4()),
            resolved_at=datetime.now(UTC),
        ),
    )

    async def claimant_active() -> bool:
        fresh = await log_in(gateway, claimant.email, claimant.password)
        me = await gateway.get("/api/identity/v1/me", headers={"Authorization": f"Bearer {fresh}"})
        return me.json()["status"] == "active" and me.json()["name"] == "钱七"

    await eventually(claimant_active, what="the claimant to become active")
    assert (await gateway.get("/api/identity/v1/me", headers=mistaken.headers)).status_code == 401
    relogged = await log_in(gateway, mistaken.email, mistaken.password)
    me = (
        await gateway.get("/api/identity/v1/me", headers={"Authorization": f"Bearer {relogged}"})
    ).json()
    assert me["status"] == "email_verified" and me["id_number_masked"] is None


async def test_an_expired_activation_link_is_refused(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    assert stack.stack_dir is not None
    email = f"late-{uuid.uuid4().hex[:10]}@example.edu.cn"
    await gateway.post(
        "/api/identity/v1/accounts",
        json={
            "email": email,
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "accept_terms": True,
        },
    )
    mails = await eventually(lambda: asyncio.to_thread(mails_to, stack.stack_dir, email))  # type: ignore[arg-type]
    token = link_token(mails[0])
    assert token
    conn = await asyncpg.connect(stack.dsn_for("identity"))
    try:
        expired = await conn.execute(
            "UPDATE link_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1",
            hash_token(token),
        )
        assert expired == "UPDATE 1"
    finally:
        await conn.close()
    answer = await gateway.post("/api/identity/v1/accounts/activate", json={"token": token})
    assert answer.status_code == 410 and answer.json()["code"] == "activation_token_invalid"
