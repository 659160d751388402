"""Confirm and dispute through the gateway: owner only, inside the window, once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from jiaodui_contracts.corrections import ErrataApproved
from jiaodui_runtime.testing.accounts import Account

from .conftest import Person, World, face

pytestmark = pytest.mark.integration


async def linked(world: World, cohort: str = "2014") -> tuple[Person, Account, str]:
    person = world.person()
    await world.publish(world.record_event(person, cohort=cohort))
    student = await world.student_owning(person, cohort=cohort)
    await world.upload([world.identity_row("p.jpg", "graduation", person)], {"p.jpg": face()})
    slot = await world.slot(student, "graduation", status="pending", check="passed")
    return person, student, slot["photo_id"]


async def events_of(world: World, record_id: str, event: str) -> int:
    conn = await asyncpg.connect(world.stack.dsn_for("photos"))
    try:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM outbox WHERE key = $1 AND event_type = $2",
            record_id,
            f"jiaodui.photos.{event}.v1",
        )
    finally:
        await conn.close()
    return count


async def test_confirming_twice_answers_the_same_and_emits_once(world: World) -> None:
    person, student, photo_id = await linked(world)
    url = f"/api/photos/v1/photos/{photo_id}"
    first = await world.gateway.post(f"{url}/confirm", headers=student.headers)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "confirmed" and first.json()["answered_at"].endswith("+08:00")
    second = await world.gateway.post(f"{url}/confirm", headers=student.headers)
    assert second.status_code == 200 and second.json() == first.json()
    assert await events_of(world, person.record_id, "PhotoConfirmed") == 1

    wrong = await world.gateway.post(
        f"{url}/dispute", json={"reason": "x"}, headers=student.headers
    )
    assert wrong.status_code == 409 and wrong.json()["code"] == "already_confirmed"
    stranger = await world.student_owning(world.person())
    theirs = await world.gateway.post(f"{url}/confirm", headers=stranger.headers)
    assert theirs.status_code == 403 and theirs.json()["code"] == "not_owner"
    staff = await world.gateway.post(f"{url}/confirm", headers=world.registrar.headers)
    assert staff.status_code == 403
    unknown = await world.gateway.post(
        f"/api/photos/v1/photos/{uuid.uuid4()}/confirm", headers=student.headers
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "photo_not_found"
    await world.slot(student, "graduation", status="confirmed", photo_id=photo_id)

    # verified tokens are cached on this hot path; a logout must still end them at once
    logout = await world.gateway.delete(
        "/api/identity/v1/sessions/current", headers=student.headers
    )
    assert logout.status_code == 204
    ended = await world.gateway.post(f"{url}/confirm", headers=student.headers)
    assert ended.status_code == 401


async def test_confirming_needs_an_open_window(world: World) -> None:
    cohort = f"C{uuid.uuid4().hex[:6]}"
    _person, student, photo_id = await linked(world, cohort)
    now = datetime.now(UTC)
    path = f"/api/photos/v1/windows/{world.institution}/{cohort}"

    def window(confirm: timedelta, start: timedelta, end: timedelta) -> dict[str, str]:
        return {
            "confirm_until": (now + confirm).isoformat(),
            "recheck_from": (now + start).isoformat(),
            "recheck_until": (now + end).isoformat(),
        }

    closed = await world.gateway.put(
        path,
        json=window(timedelta(days=-1), timedelta(days=5), timedelta(days=6)),
        headers=world.registrar.headers,
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["phase"] == "closed" and closed.json()["recheck_from"].endswith("+08:00")
    url = f"/api/photos/v1/photos/{photo_id}/confirm"
    refused = await world.gateway.post(url, headers=student.headers)
    assert refused.status_code == 409 and refused.json()["code"] == "window_closed"
    mine = await world.my_photos(student)
    assert mine[0]["window"]["phase"] == "closed"

    recheck = window(timedelta(days=-3), timedelta(days=-1), timedelta(days=1))
    assert (await world.gateway.put(path, json=recheck, headers=world.registrar.headers)).json()[
        "phase"
    ] == "recheck"
    assert (await world.gateway.post(url, headers=student.headers)).status_code == 200

    backwards = window(timedelta(days=2), timedelta(days=1), timedelta(days=3))
    bad = await world.gateway.put(path, json=backwards, headers=world.registrar.headers)
    assert bad.status_code == 422 and bad.json()["code"] == "window_order_invalid"
    naive = {k: v[:19] for k, v in recheck.items()}
    assert (
        await world.gateway.put(path, json=naive, headers=world.registrar.headers)
    ).status_code == 422
    other = await world.gateway.put(
        f"/api/photos/v1/windows/ELSEWHERE/{cohort}", json=recheck, headers=world.registrar.headers
    )
    assert other.status_code == 403
    photographer = await world.gateway.put(path, json=recheck, headers=world.photographer.headers)
    assert photographer.status_code == 403


async def test_dispute_errata_and_replacement(world: World) -> None:
    person, student, photo_id = await linked(world)
    url = f"/api/photos/v1/photos/{photo_id}"
    disputed = await world.gateway.post(
        f"{url}/dispute", json={"reason": "不是我的照片, call 13812345678"}, headers=student.headers
    )
    assert disputed.status_code == 200 and disputed.json()["status"] == "disputed"
    assert disputed.json()["reason"] == "不是我的照片, call 138****5678"  # public event: masked
    again = await world.gateway.post(
        f"{url}/dispute", json={"reason": "x"}, headers=student.headers
    )
    assert again.json() == disputed.json()
    assert await events_of(world, person.record_id, "PhotoDisputed") == 1
    blocked = await world.gateway.post(f"{url}/confirm", headers=student.headers)
    assert blocked.status_code == 409 and blocked.json()["code"] == "already_disputed"
    empty = await world.gateway.post(f"{url}/dispute", json={"reason": ""}, headers=student.headers)
    assert empty.status_code == 422

    await world.publish(
        ErrataApproved(
            erratum_id=str(uuid.uuid4()),
            record_id=person.record_id,
            institution_code=world.institution,
            branch="计算机学院",
            changes=[],
            approved_by=world.registrar.account_id,
            approved_at=datetime.now(UTC),
        )
    )
    await world.slot(student, "graduation", status="pending", photo_id=photo_id)
    assert (await world.gateway.post(f"{url}/confirm", headers=student.headers)).status_code == 200

    await world.upload([world.identity_row("new.jpg", "graduation", person)], {"new.jpg": face()})
    fresh = await world.slot(student, "graduation", status="pending")
    assert fresh["photo_id"] != photo_id
    assert await events_of(world, person.record_id, "PhotoReplaced") == 1
    old = await world.gateway.post(f"{url}/confirm", headers=student.headers)
    assert old.status_code == 409 and old.json()["code"] == "photo_not_current"


async def test_stats_count_by_college_and_class(world: World) -> None:
    college = f"学院{uuid.uuid4().hex[:6]}"
    ann, bob = world.person(), world.person()
    await world.publish(
        world.record_event(ann, branch=college), world.record_event(bob, branch=college)
    )
    student = await world.student_owning(ann)
    await world.slot(student, "graduation", status="missing")
    await world.upload([world.identity_row("a.jpg", "graduation", ann)], {"a.jpg": face()})
    slot = await world.slot(student, "graduation", status="pending", check="passed")
    confirmed = await world.gateway.post(
        f"/api/photos/v1/photos/{slot['photo_id']}/confirm", headers=student.headers
    )
    assert confirmed.status_code == 200
    answer = await world.gateway.get(
        "/api/photos/v1/stats", params={"college": college}, headers=world.registrar.headers
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["totals"]["graduation"] == {
        "missing": 1,
        "pending": 0,
        "confirmed": 1,
        "disputed": 0,
    }
    assert body["totals"]["admission"]["missing"] == 2
    assert [g["class_name"] for g in body["groups"]] == ["1401"]
    elsewhere = await world.gateway.get(
        "/api/photos/v1/stats",
        params={"institution_code": "OTHER"},
        headers=world.registrar.headers,
    )
    assert elsewhere.status_code == 403
    refused = await world.gateway.get("/api/photos/v1/stats", headers=student.headers)
    assert refused.status_code == 403
