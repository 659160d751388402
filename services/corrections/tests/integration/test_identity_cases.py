"""ID corrections and disputes: the scan form, support's decisions, scan access and audit."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from jiaodui_runtime.testing import eventually
from jiaodui_runtime.testing.accounts import (
    PASSWORD,
    Account,
    log_in,
    register_and_activate,
    resident_id,
)

from .conftest import API, BORN, School, jpeg

pytestmark = pytest.mark.integration
PHONE = "13812345678"


def form(id_number: str, **extra: str) -> dict[str, str]:
    return {"id_type": "resident_id", "id_number": id_number, "contact_phone": PHONE, **extra}


async def open_case(
    gateway: httpx.AsyncClient, path: str, who: Account, id_number: str, scan: bytes
) -> httpx.Response:
    return await gateway.post(
        f"{API}/v1/{path}",
        data=form(id_number, reply_email="me@example.com"),
        files={"scan": ("card.jpg", scan, "image/jpeg")},
        headers=who.headers,
    )


async def test_a_dispute_moves_the_id_to_the_claimant_and_scan_reads_are_audited(
    school: School,
) -> None:
    gateway = school.gateway
    mistaken, number = await school.student(name="赵六")
    claimant = await register_and_activate(gateway, school.stack)
    realname = {
        "name": "钱七", "gender": "male", "id_type": "resident_id", "id_number": number,
        "birth_date": BORN.isoformat(), "province": "上海市", "city": "上海市",
        "consent_sensitive": True,
    }  # fmt: skip
    taken = await gateway.put(
        "/api/identity/v1/me/realname", json=realname, headers=claimant.headers
    )
    assert taken.json()["code"] == "id_number_taken"

    opened = await open_case(gateway, "identity-disputes", claimant, number, jpeg())
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["case_id"]
    twice = await open_case(gateway, "identity-disputes", claimant, number, jpeg())
    assert twice.status_code == 409 and twice.json()["code"] == "case_already_open"

    support = await school.staff("support")
    unrelated, _ = await school.student(name="孙八")
    scan_url = f"{API}/v1/identity-disputes/{case_id}/scan"
    refused = await gateway.get(scan_url, headers=unrelated.headers)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden_case"
    office = await school.staff("college_staff")
    assert (await gateway.get(scan_url, headers=office.headers)).status_code == 403
    read = await gateway.get(scan_url, headers=support.headers)
    assert read.status_code == 200 and read.headers["content-type"] == "image/jpeg"
    assert read.content.startswith(b"\xff\xd8\xff")
    assert (await gateway.get(scan_url, headers=claimant.headers)).status_code == 200

    case = (
        await gateway.get(f"{API}/v1/identity-disputes/{case_id}", headers=support.headers)
    ).json()
    assert [(r["reader_id"], r["reader_role"]) for r in case["scan_reads"]] == [
        (support.account_id, "support"),
        (claimant.account_id, "student"),
    ]
    assert case["contact_phone_masked"] == "138****5678"
    (opening,) = case["history"]
    assert (opening["action"], opening["actor_role"]) == ("opened", "student")
    assert opening["detail"]["kind"] == "dispute"
    assert opening["detail"]["id_number_masked"] == case["id_number_masked"]
    assert PHONE not in str(case) and number not in str(case)

    approved = await gateway.post(
        f"{API}/v1/identity-disputes/{case_id}/approve", headers=support.headers
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"

    async def old_session_ended() -> bool:
        me = await gateway.get("/api/identity/v1/me", headers=claimant.headers)
        return me.status_code == 401

    await eventually(old_session_ended, what="identity to apply the dispute")

    async def claimant_active() -> dict[str, str] | None:
        fresh = {"Authorization": f"Bearer {await log_in(gateway, claimant.email, PASSWORD)}"}
        me = (await gateway.get("/api/identity/v1/me", headers=fresh)).json()
        return fresh if me["status"] == "active" and me["name"] == "钱七" else None

    fresh = await eventually(claimant_active, interval_s=0.5, what="the claimant to be active")
    relogged = await log_in(gateway, mistaken.email, mistaken.password)
    me = await gateway.get("/api/identity/v1/me", headers={"Authorization": f"Bearer {relogged}"})
    assert me.json()["id_number_masked"] is None
    history = (await gateway.get(f"{API}/v1/identity-disputes/{case_id}", headers=fresh)).json()[
        "history"
    ]
    assert [h["action"] for h in history] == ["opened", "approved"]


async def test_an_approved_correction_rebinds_the_account(school: School) -> None:
    student, _old = await school.student()
    support = await school.staff("support")
    right = resident_id(date(2003, 5, 17), "male", region="310101")
    opened = await open_case(school.gateway, "identity-corrections", student, right, jpeg())
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["case_id"]
    path = f"{API}/v1/identity-corrections"
    queue = (await school.gateway.get(f"{path}?status=open", headers=support.headers)).json()
    assert queue["total"] == queue["counts"]["open"] >= 1
    newest = max(0, queue["total"] - 100)  # oldest first: the newest cases are at the end
    tail = await school.gateway.get(
        f"{path}?status=open&offset={newest}&limit=500", headers=support.headers
    )
    (case,) = [c for c in tail.json()["items"] if c["case_id"] == case_id]
    assert case["kind"] == "correction" and case["has_scan"] and case["closed_at"] is None
    approved = await school.gateway.post(
        f"{API}/v1/identity-corrections/{case_id}/approve", headers=support.headers
    )
    assert approved.json()["status"] == "approved"

    async def corrected() -> bool:
        me = await school.gateway.get("/api/identity/v1/me", headers=student.headers)
        return (
            me.status_code == 200
            and me.json()["id_number_masked"] == right[:6] + "********" + right[-4:]
        )

    await eventually(corrected, what="identity to apply the corrected ID")


async def test_bad_forms_are_refused_before_anything_is_stored(school: School) -> None:
    student, number = await school.student()
    path = f"{API}/v1/identity-corrections"

    def scan(data: bytes) -> dict[str, tuple[str, bytes, str]]:
        return {"scan": ("a.jpg", data, "image/jpeg")}

    too_big = b"\xff\xd8\xff" + b"0" * (1024 * 1024 + 10)
    cases = [
        (form(number), scan(b"GIF89a not a jpeg"), 422, "scan_not_jpeg"),
        (form(number), scan(too_big), 413, "scan_too_large"),
        (form(number, contact_phone="12345"), scan(jpeg()), 422, "phone_invalid"),
        (form("123"), scan(jpeg()), 422, "id_number_invalid"),
        (form(number), {"photo": ("a.jpg", jpeg(), "image/jpeg")}, 422, "scan_required"),
        (form(number), {}, 415, "multipart_required"),  # url-encoded: no file possible
    ]
    for data, files, status, code in cases:
        answer = await school.gateway.post(
            path, data=data, files=files or None, headers=student.headers
        )
        assert (answer.status_code, answer.json().get("code")) == (status, code), answer.text
    as_json = await school.gateway.post(path, json=form(number), headers=student.headers)
    assert as_json.status_code == 415
    mine = await school.gateway.get(f"{API}/v1/me/identity-cases", headers=student.headers)
    assert mine.json() == []
