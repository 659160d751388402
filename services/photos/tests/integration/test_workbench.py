"""The staff workbenches through the gateway: recent batches, unlinked photos, windows,
one record's photos, progress per college."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from jiaodui_runtime.testing import eventually
from jiaodui_runtime.testing.accounts import Account, create_staff

from .conftest import World, jpeg

pytestmark = pytest.mark.integration
API = "/api/photos/v1"


async def office(world: World, college: str) -> Account:
    return await create_staff(
        world.gateway,
        world.stack,
        role="college_staff",
        institution_code=world.institution,
        college=college,
    )


async def listed(world: World, path: str, who: Account, **params: Any) -> dict[str, Any]:
    answer = await world.gateway.get(f"{API}{path}", params=params, headers=who.headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def test_recent_batches_carry_their_counts_and_uploader(world: World) -> None:
    ann, bob = world.person("王芳"), world.person("李雷")
    await world.publish(world.record_event(ann))
    await world.student_owning(ann)  # once matched, the record is surely in the replica
    report = await world.upload(
        [
            world.identity_row("ann.jpg", "graduation", ann),
            world.identity_row("bob.jpg", "graduation", bob),
            world.identity_row("gone.jpg", "admission", bob),
        ],
        {"ann.jpg": jpeg(), "bob.jpg": jpeg()},
    )
    assert report["uploaded_by"] == world.photographer.account_id and report["finished_at"]
    for who in (world.photographer, world.registrar):
        page = await listed(world, "/batches", who, limit=200)
        [mine] = [b for b in page["items"] if b["batch_id"] == report["batch_id"]]
        assert {k: mine[k] for k in ("status", "total", "processed")} == {
            "status": "done",
            "total": 3,
            "processed": 3,
        }
        assert (mine["linked"], mine["unlinked"], mine["invalid"]) == (1, 1, 1)
        assert mine["uploaded_by"] == world.photographer.account_id
        assert mine["institution_code"] == world.institution and page["total"] >= 1
    first = await listed(world, "/batches", world.registrar, limit=1)
    assert len(first["items"]) == 1 and first["total"] >= 1

    elsewhere = await world.gateway.get(
        f"{API}/batches", params={"institution_code": "ELSEWHERE"}, headers=world.registrar.headers
    )
    assert elsewhere.status_code == 403 and elsewhere.json()["code"] == "forbidden_scope"
    student = await world.student_owning(world.person())
    refused = await world.gateway.get(f"{API}/batches", headers=student.headers)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden_role"


async def test_unlinked_photos_say_what_the_manifest_said_and_why(world: World) -> None:
    cat, dan = world.person("赵敏"), world.person("孙丽")
    await world.publish(world.record_event(dan, name="孙莉"))  # the registry spells it otherwise
    await world.student_owning(dan)
    report = await world.upload(
        [
            world.identity_row("cat.jpg", "graduation", cat),
            world.identity_row("dan.jpg", "admission", dan),
        ],
        {"cat.jpg": jpeg(), "dan.jpg": jpeg()},
    )
    ids = {f["file"]: f["photo_id"] for f in report["files"]}

    async def unlinked() -> dict[str, dict[str, Any]]:
        page = await listed(world, "/photos", world.photographer, status="unlinked", limit=200)
        return {p["photo_id"]: p for p in page["items"] if p["batch_id"] == report["batch_id"]}

    found = await unlinked()
    assert set(found) == set(ids.values())
    cat_photo = found[ids["cat.jpg"]]
    assert cat_photo | {"uploaded_at": None} == {
        "photo_id": ids["cat.jpg"],
        "batch_id": report["batch_id"],
        "institution_code": world.institution,
        "file": "cat.jpg",
        "kind": "graduation",
        "uploaded_at": None,
        "name": "赵敏",
        "student_number": cat.student_number,
        "id_number_masked": cat.id_number[:6] + "********" + cat.id_number[-4:],
        "by_collection_code": False,
        "reason": "no_record",
    }
    assert found[ids["dan.jpg"]]["reason"] == "name_mismatch"
    page = await world.gateway.get(f"{API}/photos", headers=world.registrar.headers)
    assert page.status_code == 200 and cat.id_number not in page.text

    await world.publish(world.record_event(cat))  # its record arrives: it links and leaves
    await eventually(
        lambda: _gone(unlinked, ids["cat.jpg"]), what="the linked photo to leave the list"
    )
    ops = await create_staff(world.gateway, world.stack, role="ops")
    refused = await world.gateway.get(f"{API}/photos", headers=ops.headers)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden_role"
    bad = await world.gateway.get(
        f"{API}/photos", params={"status": "linked"}, headers=world.registrar.headers
    )
    assert bad.status_code == 422


async def _gone(unlinked: Any, photo_id: str) -> bool:
    return photo_id not in await unlinked()


async def test_windows_per_cohort_in_the_display_zone(world: World) -> None:
    cohort = f"W{uuid.uuid4().hex[:6]}"
    until = datetime.now(UTC) + timedelta(days=3)
    window = {
        "confirm_until": until.isoformat(),
        "recheck_from": (until + timedelta(days=7)).isoformat(),
        "recheck_until": (until + timedelta(days=8)).isoformat(),
    }
    put = await world.gateway.put(
        f"{API}/windows/{world.institution}/{cohort}", json=window, headers=world.registrar.headers
    )
    assert put.status_code == 200, put.text
    reader = await office(world, "计算机学院")
    for who in (world.registrar, reader):
        items = (await listed(world, "/windows", who))["items"]
        [mine] = [w for w in items if w["cohort"] == cohort]
        assert mine == put.json()
        assert mine["phase"] == "open" and mine["confirm_until"].endswith("+08:00")
        assert {w["institution_code"] for w in items} == {world.institution}
    photographer = await world.gateway.get(f"{API}/windows", headers=world.photographer.headers)
    assert photographer.status_code == 403 and photographer.json()["code"] == "forbidden_role"
    elsewhere = await world.gateway.get(
        f"{API}/windows", params={"institution_code": "ELSEWHERE"}, headers=reader.headers
    )
    assert elsewhere.status_code == 403 and elsewhere.json()["code"] == "forbidden_scope"


async def test_staff_in_scope_see_one_records_photos_as_its_student_does(world: World) -> None:
    eve = world.person("周芷")
    await world.publish(world.record_event(eve, branch="计算机学院"))
    student = await world.student_owning(eve)
    await world.upload([world.identity_row("eve.jpg", "graduation", eve)], {"eve.jpg": jpeg()})
    # a plain image: no face, so the office reviews it (a settled state to compare views in)
    await world.slot(student, "graduation", status="pending", check="under_review")
    [as_student] = [r for r in await world.my_photos(student) if r["record_id"] == eve.record_id]
    path = f"{API}/records/{eve.record_id}/photos"
    for who in (world.registrar, await office(world, "计算机学院")):
        answer = await world.gateway.get(path, headers=who.headers)
        assert answer.status_code == 200, answer.text
        assert answer.json() == as_student
    assert as_student["admission"] == {
        "photo_id": None,
        "status": "missing",
        "answered_at": None,
        "image_url": None,
        "check": None,
    }
    other = await world.gateway.get(path, headers=(await office(world, "外语学院")).headers)
    assert other.status_code == 403 and other.json()["code"] == "forbidden_scope"
    nobody = await world.gateway.get(
        f"{API}/records/{uuid.uuid4()}/photos", headers=world.registrar.headers
    )
    assert nobody.status_code == 404 and nobody.json()["code"] == "record_not_found"
    for who in (student, world.photographer):
        refused = await world.gateway.get(path, headers=who.headers)
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden_role"


async def test_progress_per_college_sums_its_classes(world: World) -> None:
    college = f"学院{uuid.uuid4().hex[:6]}"
    people = [world.person() for _ in range(3)]
    await world.publish(
        world.record_event(people[0], branch=college, class_name="1班"),
        world.record_event(people[1], branch=college, class_name="1班"),
        world.record_event(people[2], branch=college, class_name="2班"),
    )
    await world.upload(
        [world.identity_row("a.jpg", "graduation", people[0])], {"a.jpg": jpeg()}
    )  # may run before the records arrive: it links when they do

    async def progress() -> dict[str, Any] | None:
        stats = await listed(world, "/stats", world.registrar, college=college)
        [entry] = stats["colleges"] or [None]
        counts = entry and entry["graduation"]
        return stats if counts and entry["records"] == 3 and counts["pending"] == 1 else None

    stats = await eventually(progress, what="the college's progress")
    [entry] = stats["colleges"]
    assert (entry["institution_code"], entry["college"]) == (world.institution, college)
    assert entry["graduation"] == {"missing": 2, "pending": 1, "confirmed": 0, "disputed": 0}
    assert entry["admission"]["missing"] == 3
    assert sorted(g["class_name"] for g in stats["groups"]) == ["1班", "2班"]
    assert stats["totals"] == {k: entry[k] for k in ("graduation", "admission")}
