"""The data the access matrix runs against, made through the gateway like users make it:
two institutions, staff of every role in and out of scope, a student with a matched record,
a linked photo, an erratum and identity cases, and another student."""

from __future__ import annotations

import asyncio
import io
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import (
    Account,
    admin_credentials,
    create_staff,
    create_student,
    log_in,
    resident_id,
)
from jiaodui_runtime.testing.campus_sso import start_oidc_provider
from PIL import Image

from tests.e2e.journey_steps import RECORD_COLUMNS, photo_archive, put_windows
from tests.security.access_table import Role

BORN = date(2003, 5, 17)
COHORT = "2026"
COLLEGE, OTHER_COLLEGE = "信息学院", "外语学院"
PATIENT = {"timeout_s": 120.0, "interval_s": 0.2}  # the shared stack may be busy


def roster(code: str, student_number: str, name: str, id_number: str) -> bytes:
    row = (
        f"{code},安全大学,{student_number},,{name},female,汉族,{BORN.isoformat()},resident_id,"
        f"{id_number},{COLLEGE},计算机系,软件工程,1班,本科,4,普通高等教育,全日制,2022-09-01,"
        f"在籍,{COHORT}"
    )
    return f"{RECORD_COLUMNS}\n{row}\n".encode()


def jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (150, 160, 170)).save(out, format="JPEG")
    return out.getvalue()


def photo_batch(code: str, name: str, id_number: str, student_number: str) -> dict[str, Any]:
    manifest = (
        "file,kind,institution_code,name,id_type,id_number,student_number\n"
        f"g.jpg,graduation,{code},{name},resident_id,{id_number},{student_number}\n"
    )
    return {
        "manifest": ("manifest.csv", manifest.encode(), "text/csv"),
        "archive": ("photos.zip", photo_archive(), "application/zip"),
    }


@dataclass
class World:
    gateway: httpx.AsyncClient
    accounts: dict[Role, Account]
    institution: str
    other_institution: str
    ids: dict[str, str]  # path parameters: record_id, photo_id, import_id, batch_id, ...

    def headers(self, role: Role) -> dict[str, str]:
        return {} if role is Role.ANONYMOUS else self.accounts[role].headers

    async def fresh_headers(self, role: Role) -> dict[str, str]:
        """A second session of the role, for calls that end the session they use."""
        if role is Role.ANONYMOUS:
            return {}
        account = self.accounts[role]
        return {
            "Authorization": f"Bearer {await log_in(self.gateway, account.email, account.password)}"
        }


async def _admin(gateway: httpx.AsyncClient, stack: StackEndpoints) -> Account:
    email, password = admin_credentials(stack)
    token = await log_in(gateway, email, password)
    me = await gateway.get("/api/identity/v1/me", headers={"Authorization": f"Bearer {token}"})
    return Account(me.json()["account_id"], email, password, token)


async def _staff(
    gateway: httpx.AsyncClient, stack: StackEndpoints, a: str, b: str
) -> dict[Role, Account]:
    wanted = {
        Role.REGISTRAR: ("registrar", a, None),
        Role.REGISTRAR_OUT: ("registrar", b, None),
        Role.PHOTOGRAPHER: ("photographer", a, None),
        Role.PHOTOGRAPHER_OUT: ("photographer", b, None),
        Role.COLLEGE_STAFF: ("college_staff", a, COLLEGE),
        Role.COLLEGE_OTHER: ("college_staff", a, OTHER_COLLEGE),
        Role.COLLEGE_OUT: ("college_staff", b, COLLEGE),
        Role.SUPPORT: ("support", None, None),
        Role.OPS: ("ops", None, None),
    }
    made = await asyncio.gather(
        *(
            create_staff(gateway, stack, role=r, institution_code=i, college=c)
            for r, i, c in wanted.values()
        )
    )
    return dict(zip(wanted, made, strict=True))


async def _students(
    gateway: httpx.AsyncClient, stack: StackEndpoints
) -> tuple[Account, Account, str]:
    number = resident_id(BORN, "female")
    owner, other = await asyncio.gather(
        create_student(
            gateway, stack, name="林晓", id_number=number, gender="female", birth_date=BORN
        ),
        create_student(
            gateway,
            stack,
            name="林晓",
            id_number=resident_id(BORN, "female"),
            gender="female",
            birth_date=BORN,
        ),
    )
    return owner, other, number


async def build_world(gateway: httpx.AsyncClient, stack: StackEndpoints) -> World:
    a, b = f"A{uuid.uuid4().hex[:8]}", f"B{uuid.uuid4().hex[:8]}"
    (staff, admin, (owner, other, number)) = await asyncio.gather(
        _staff(gateway, stack, a, b), _admin(gateway, stack), _students(gateway, stack)
    )
    accounts = {**staff, Role.ADMIN: admin, Role.OWNER: owner, Role.OTHER_STUDENT: other}
    world = World(gateway, accounts, a, b, {"institution_code": a, "cohort": COHORT})
    world.ids["account_id"] = accounts[Role.PHOTOGRAPHER_OUT].account_id  # a staff account
    registrar = accounts[Role.REGISTRAR].headers
    await put_windows(gateway, registrar, a, COHORT, phase="confirm")
    imported = await gateway.post(
        "/api/records/v1/imports",
        content=roster(a, "S-1", "林晓", number),
        headers={**registrar, "Content-Type": "text/csv"},
    )
    assert imported.status_code == 202, imported.text
    world.ids["import_id"] = imported.json()["import_id"]
    batch = await gateway.post(
        "/api/photos/v1/batches",
        files=photo_batch(a, "林晓", number, "S-1"),
        headers=accounts[Role.PHOTOGRAPHER].headers,
    )
    assert batch.status_code == 202, batch.text
    world.ids["batch_id"] = batch.json()["batch_id"]
    world.ids["photo_id"] = await eventually(
        lambda: _linked_photo(world), what="the owner's linked photo", **PATIENT
    )
    world.ids["record_id"] = (
        await gateway.get("/api/photos/v1/me/photos", headers=owner.headers)
    ).json()[0]["record_id"]
    world.ids["erratum_id"] = await eventually(
        lambda: _file_erratum(world), what="corrections to know the record", **PATIENT
    )
    for kind in ("corrections", "disputes"):
        world.ids[kind] = await _open_case(world, kind)
    await _campus_system(world)
    await _campus_sign_on(world)
    return world


async def _campus_sign_on(world: World) -> None:
    """Institution A signs on through the test stack's OIDC provider and a CAS server (its
    login only redirects there); the out-of-scope photographer has a campus staff number."""
    admin = world.headers(Role.ADMIN)
    provider = await asyncio.to_thread(start_oidc_provider)
    configured = await world.gateway.put(
        f"/api/identity/v1/sso/institutions/{world.institution}",
        json={
            "name": "矩阵大学",
            "oidc": {
                "issuer": f"{provider}/{world.institution}",
                "client_id": "m",
                "client_secret": "s",
            },
            "cas": {"server_url": "https://cas.matrix.example.edu.cn/cas"},
        },
        headers=admin,
    )
    assert configured.status_code == 200, configured.text
    linked = await world.gateway.put(
        f"/api/identity/v1/sso/staff-links/{world.ids['account_id']}",
        json={"staff_number": f"T{uuid.uuid4().hex[:8]}"},
        headers=admin,
    )
    assert linked.status_code == 200, linked.text


async def _linked_photo(world: World) -> str | None:
    answer = await world.gateway.get("/api/photos/v1/me/photos", headers=world.headers(Role.OWNER))
    slots = [entry["graduation"] for entry in answer.json()] if answer.status_code == 200 else []
    return slots[0].get("photo_id") if slots and slots[0]["status"] == "pending" else None


async def _file_erratum(world: World) -> str | None:
    answer = await world.gateway.post(
        "/api/corrections/v1/errata",
        json={
            "record_id": world.ids["record_id"],
            "items": [{"field": "major", "correct_value": "网络工程"}],
        },
        headers=world.headers(Role.OWNER),
    )
    if answer.status_code in (403, 404):  # the record or its owner has not reached corrections
        return None
    assert answer.status_code == 201, answer.text
    erratum_id: str = answer.json()["erratum_id"]
    return erratum_id


def case_form() -> dict[str, Any]:
    return {
        "data": {
            "id_type": "resident_id",
            "id_number": resident_id(BORN, "female"),
            "contact_phone": "13800138000",
        },
        "files": {"scan": ("scan.jpg", jpeg((800, 500)), "image/jpeg")},
    }


async def _open_case(world: World, kind: str) -> str:
    answer = await world.gateway.post(
        f"/api/corrections/v1/identity-{kind}", headers=world.headers(Role.OWNER), **case_form()
    )
    assert answer.status_code == 201, answer.text
    case_id: str = answer.json()["case_id"]
    return case_id


async def _campus_system(world: World) -> None:
    """A subscriber of institution A (its delivery, a doomed twin for DELETE) and a
    client-credentials token of its campus system (Role.CLIENT)."""
    admin = world.headers(Role.ADMIN)
    made = []
    for _ in range(2):
        answer = await world.gateway.post(
            "/api/subscriptions/v1/subscribers",
            json={
                "name": "矩阵系统", "owner_email": "matrix@campus.example.edu.cn",
                "url": "http://127.0.0.1:9/hook", "institution_code": world.institution,
                "event_types": ["jiaodui.photos.PhotoConfirmed.v1"],
            },
            headers=admin,
        )  # fmt: skip
        assert answer.status_code == 201, answer.text
        made.append(answer.json())
    world.ids["subscriber_id"] = made[0]["subscriber_id"]
    world.ids["doomed_subscriber_id"] = made[1]["subscriber_id"]
    ping = await world.gateway.post(
        f"/api/subscriptions/v1/subscribers/{made[0]['subscriber_id']}/ping", headers=admin
    )
    assert ping.status_code == 202, ping.text
    world.ids["delivery_id"] = ping.json()["delivery_id"]

    async def token() -> str | None:
        answer = await world.gateway.post(
            "/api/identity/v1/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": made[0]["client_id"],
                "client_secret": made[0]["client_secret"],
            },
        )
        return answer.json()["access_token"] if answer.status_code == 200 else None

    issued = await eventually(token, what="identity to learn the client", **PATIENT)
    world.accounts[Role.CLIENT] = Account(made[0]["client_id"], "", "", issued)
