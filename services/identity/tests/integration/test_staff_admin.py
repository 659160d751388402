"""Staff administration through the gateway: the admin's list, a new scope, disabling."""

from __future__ import annotations

import uuid

import httpx
import pytest
from jiaodui_runtime.testing import StackEndpoints
from jiaodui_runtime.testing.accounts import (
    Account,
    admin_credentials,
    create_staff,
    log_in,
    register_and_activate,
)

pytestmark = pytest.mark.integration
STAFF = "/api/identity/v1/staff"


async def admin_headers(gateway: httpx.AsyncClient, stack: StackEndpoints) -> dict[str, str]:
    return {"Authorization": f"Bearer {await log_in(gateway, *admin_credentials(stack))}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_the_admin_lists_staff_by_institution_role_and_text(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    code = f"L{uuid.uuid4().hex[:8]}"
    registrar = await create_staff(gateway, stack, role="registrar", institution_code=code)
    office = await create_staff(
        gateway, stack, role="college_staff", institution_code=code, college="信息学院"
    )
    student = await register_and_activate(gateway, stack)
    admin = await admin_headers(gateway, stack)

    listed = await gateway.get(STAFF, params={"institution_code": code}, headers=admin)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["total"] == 2
    assert [i["email"] for i in body["items"]] == [office.email, registrar.email]  # newest first
    item = body["items"][0]
    assert (item["account_id"], item["role"], item["college"]) == (
        office.account_id,
        "college_staff",
        "信息学院",
    )
    assert item["status"] == "active" and item["disabled_at"] is None
    assert item["created_at"] and item["last_login_at"]  # create_staff logged it in

    by_role = await gateway.get(
        STAFF, params={"institution_code": code, "role": "registrar"}, headers=admin
    )
    assert [i["account_id"] for i in by_role.json()["items"]] == [registrar.account_id]
    by_text = await gateway.get(STAFF, params={"q": registrar.email[3:20].upper()}, headers=admin)
    assert [i["account_id"] for i in by_text.json()["items"]] == [registrar.account_id]
    not_staff = await gateway.get(STAFF, params={"q": student.email}, headers=admin)
    assert not_staff.json() == {"items": [], "total": 0}
    # wildcards are taken literally: only college_staff-… holds an underscore, nobody a %
    for q, found in (("%", []), ("_", [office.account_id])):
        answer = await gateway.get(STAFF, params={"q": q, "institution_code": code}, headers=admin)
        assert [i["account_id"] for i in answer.json()["items"]] == found, q
    page = await gateway.get(
        STAFF, params={"institution_code": code, "limit": 1, "offset": 1}, headers=admin
    )
    assert page.json()["total"] == 2 and len(page.json()["items"]) == 1
    past = await gateway.get(STAFF, params={"institution_code": code, "offset": 5}, headers=admin)
    assert past.json() == {"items": [], "total": 2}

    assert (await gateway.get(STAFF, headers=registrar.headers)).status_code == 403
    bad = await gateway.get(STAFF, params={"role": "student"}, headers=admin)
    assert bad.status_code == 422 and bad.json()["code"] == "validation_failed"


async def test_a_disabled_account_cannot_log_in_and_its_sessions_end(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    code = f"D{uuid.uuid4().hex[:8]}"
    photographer = await create_staff(gateway, stack, role="photographer", institution_code=code)
    second = await log_in(gateway, photographer.email, photographer.password)
    batches = "/api/photos/v1/batches"
    assert (await gateway.get(batches, headers=bearer(second))).status_code == 200
    admin = await admin_headers(gateway, stack)

    path = f"{STAFF}/{photographer.account_id}"
    disabled = await gateway.patch(path, json={"disabled": True}, headers=admin)
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["status"] == "disabled" and disabled.json()["disabled_at"]
    for token in (photographer.token, second):  # every session, in every service
        for where in ("/api/identity/v1/me", batches):
            refused = await gateway.get(where, headers=bearer(token))
            assert refused.status_code == 401, (where, refused.text)
    login = {"email": photographer.email, "password": photographer.password}
    refused = await gateway.post("/api/identity/v1/sessions", json=login)
    assert refused.status_code == 423 and refused.json()["code"] == "account_disabled"
    wrong = await gateway.post(
        "/api/identity/v1/sessions", json={**login, "password": "Wrong-pass-1"}
    )
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_credentials"
    again = await gateway.patch(path, json={"disabled": True}, headers=admin)
    assert again.json()["disabled_at"] == disabled.json()["disabled_at"]  # unchanged

    enabled = await gateway.patch(path, json={"disabled": False}, headers=admin)
    assert enabled.status_code == 200 and enabled.json()["status"] == "active"
    fresh = await log_in(gateway, photographer.email, photographer.password)
    assert (await gateway.get(batches, headers=bearer(fresh))).status_code == 200
    assert (await gateway.get(batches, headers=photographer.headers)).status_code == 401


async def test_a_new_scope_ends_the_sessions_that_carry_the_old_one(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    code = f"S{uuid.uuid4().hex[:8]}"
    office = await create_staff(
        gateway, stack, role="college_staff", institution_code=code, college="信息学院"
    )
    admin = await admin_headers(gateway, stack)
    path = f"{STAFF}/{office.account_id}"
    moved = await gateway.patch(path, json={"college": "经济学院"}, headers=admin)
    assert moved.status_code == 200, moved.text
    assert (moved.json()["institution_code"], moved.json()["college"]) == (code, "经济学院")
    assert (await gateway.get("/api/identity/v1/me", headers=office.headers)).status_code == 401
    token = await log_in(gateway, office.email, office.password)
    me = (await gateway.get("/api/identity/v1/me", headers=bearer(token))).json()
    assert (me["institution_code"], me["college"]) == (code, "经济学院")

    same = await gateway.patch(path, json={"college": "经济学院"}, headers=admin)
    assert same.status_code == 200  # nothing changed: the session lives on
    assert (await gateway.get("/api/identity/v1/me", headers=bearer(token))).status_code == 200


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"college": "信息学院"}, "scope_not_applicable"),
        ({"institution_code": None}, "institution_required"),
    ],
)
async def test_a_scope_must_fit_the_role(
    gateway: httpx.AsyncClient, stack: StackEndpoints, change: dict[str, object], code: str
) -> None:
    registrar = await create_staff(
        gateway, stack, role="registrar", institution_code=f"V{uuid.uuid4().hex[:8]}"
    )
    admin = await admin_headers(gateway, stack)
    answer = await gateway.patch(f"{STAFF}/{registrar.account_id}", json=change, headers=admin)
    assert answer.status_code == 422 and answer.json()["code"] == code
    assert (await gateway.get("/api/identity/v1/me", headers=registrar.headers)).status_code == 200


async def test_only_staff_accounts_are_changed_and_an_admin_keeps_its_own(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    admin = await admin_headers(gateway, stack)
    me = (await gateway.get("/api/identity/v1/me", headers=admin)).json()
    itself = await gateway.patch(
        f"{STAFF}/{me['account_id']}", json={"disabled": True}, headers=admin
    )
    assert itself.status_code == 409 and itself.json()["code"] == "cannot_disable_self"
    assert (await gateway.get("/api/identity/v1/me", headers=admin)).status_code == 200

    student: Account = await register_and_activate(gateway, stack)
    for account_id in (student.account_id, str(uuid.uuid4())):
        answer = await gateway.patch(
            f"{STAFF}/{account_id}", json={"disabled": True}, headers=admin
        )
        assert answer.status_code == 404 and answer.json()["code"] == "staff_not_found"
    assert (await gateway.get("/api/identity/v1/me", headers=student.headers)).status_code == 200
