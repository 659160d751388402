"""Machine checks of linked photos (DESIGN §9) through the gateway: findings per batch
file, the slot's check state, the confirm gate, the office's review queue and decisions,
the PhotoChecked events (no biometric data), and a replaced photo checked again."""

from __future__ import annotations

import json
import uuid
from typing import Any

import asyncpg
import pytest
from jiaodui_runtime.testing import eventually
from jiaodui_runtime.testing.faces import blank, two_faces

from .conftest import World, face

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]  # checks queue on a shared stack


async def photos_db(world: World) -> asyncpg.Connection:
    return await asyncpg.connect(world.stack.dsn_for("photos"))


async def events(world: World, record_ids: list[str], event: str) -> list[dict[str, Any]]:
    conn = await photos_db(world)
    try:
        rows = await conn.fetch(
            "SELECT convert_from(payload, 'UTF8') AS body FROM outbox"
            " WHERE key = ANY($1::text[]) AND event_type = $2 ORDER BY created_at",
            record_ids,
            f"jiaodui.photos.{event}.v1",
        )
    finally:
        await conn.close()
    return [json.loads(r["body"])["data"] for r in rows]


async def checked_batch(world: World, batch_id: str) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        got = await world.gateway.get(
            f"/api/photos/v1/batches/{batch_id}", headers=world.photographer.headers
        )
        body: dict[str, Any] = got.json()
        return body if all(f["findings"] is not None for f in body["files"]) else None

    return await eventually(probe, timeout_s=300, what="every file of the batch checked")


async def reviews(world: World, **params: str) -> dict[str, dict[str, Any]]:
    got = await world.gateway.get(
        "/api/photos/v1/reviews", params=params, headers=world.registrar.headers
    )
    assert got.status_code == 200, got.text
    return {item["photo_id"]: item for item in got.json()["items"]}


async def test_checks_sort_photos_into_passed_and_under_review(world: World) -> None:
    same, other, faceless = world.person("王同"), world.person("李异"), world.person("赵空")
    await world.publish(*(world.record_event(p) for p in (same, other, faceless)))
    students = [await world.student_owning(p) for p in (same, other, faceless)]
    seed = uuid.uuid4().hex
    report = await world.upload(
        [
            world.identity_row("same-a.jpg", "admission", same),
            world.identity_row("same-g.jpg", "graduation", same),
            world.identity_row("other-a.jpg", "admission", other),
            world.identity_row("other-g.jpg", "graduation", other),
            world.identity_row("blank.jpg", "graduation", faceless),
            world.identity_row("two.jpg", "admission", faceless),
        ],
        {
            "same-g.jpg": face(f"{seed}-g"),
            "same-a.jpg": face(f"{seed}-a"),
            "other-g.jpg": face(seed, "hopper"),
            "other-a.jpg": face(f"{seed}-o"),
            "blank.jpg": blank(),
            "two.jpg": two_faces(),
        },
    )
    files = {f["file"]: f for f in (await checked_batch(world, report["batch_id"]))["files"]}
    assert {f["status"] for f in files.values()} == {"linked"}
    assert "no_face" in {f["code"] for f in files["blank.jpg"]["findings"]}
    several = {f["code"]: f["value"] for f in files["two.jpg"]["findings"]}
    assert several.get("several_faces") == 2
    assert not {f["code"] for f in files["same-g.jpg"]["findings"]} & {"no_face", "several_faces"}

    # the same person passes and may be confirmed at once
    passed = await world.slot(students[0], "graduation", status="pending", check="passed")
    url = f"/api/photos/v1/photos/{passed['photo_id']}"
    assert (
        await world.gateway.post(f"{url}/confirm", headers=students[0].headers)
    ).status_code == 200
    # another person's face waits for the office; confirm says so, dispute does not wait
    failing = await world.slot(students[1], "graduation", status="pending", check="under_review")
    refused = await world.gateway.post(
        f"/api/photos/v1/photos/{failing['photo_id']}/confirm", headers=students[1].headers
    )
    assert refused.status_code == 409 and refused.json()["code"] == "under_review"
    admission = await world.slot(students[1], "admission", status="pending", check="passed")
    empty = await world.slot(students[2], "graduation", status="pending", check="under_review")

    queue = await reviews(world)
    fail = queue[failing["photo_id"]]
    assert fail["verdict"] == "fail" and fail["distance"] >= 0.6
    assert fail["other_photo_id"] == admission["photo_id"] and fail["name"] == "李异"
    assert queue[empty["photo_id"]]["verdict"] == "anomaly"
    assert queue[empty["photo_id"]]["distance"] is None
    assert passed["photo_id"] not in queue
    only_fail = await reviews(world, verdict="fail")
    assert failing["photo_id"] in only_fail and empty["photo_id"] not in only_fail
    elsewhere = await world.gateway.get(
        "/api/photos/v1/reviews", params={"institution_code": "ELSEWHERE"},
        headers=world.registrar.headers,
    )  # fmt: skip
    assert elsewhere.status_code == 403

    # the office accepts the first (the student may confirm), asks a new photo for the other
    accept = f"/api/photos/v1/reviews/{failing['photo_id']}/accept"
    accepted = await world.gateway.post(accept, headers=world.registrar.headers)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["check"] == "accepted"
    assert (
        await world.gateway.post(accept, headers=world.registrar.headers)
    ).json() == accepted.json()
    await world.slot(students[1], "graduation", status="pending", check="accepted")
    confirmed = await world.gateway.post(
        f"/api/photos/v1/photos/{failing['photo_id']}/confirm", headers=students[1].headers
    )
    assert confirmed.status_code == 200, confirmed.text
    late = await world.gateway.post(
        f"/api/photos/v1/reviews/{failing['photo_id']}/recapture", json={"reason": "x"},
        headers=world.registrar.headers,
    )  # fmt: skip
    assert late.status_code == 409 and late.json()["code"] == "already_accepted"
    not_waiting = await world.gateway.post(
        f"/api/photos/v1/reviews/{passed['photo_id']}/accept", headers=world.registrar.headers
    )
    assert not_waiting.status_code == 409 and not_waiting.json()["code"] == "not_under_review"
    recapture = await world.gateway.post(
        f"/api/photos/v1/reviews/{empty['photo_id']}/recapture",
        json={"reason": "照片空白, call 13812345678"},
        headers=world.registrar.headers,
    )
    assert recapture.status_code == 200, recapture.text
    assert recapture.json()["reason"] == "照片空白, call 138****5678"
    assert recapture.json()["check"] == "under_review"
    assert empty["photo_id"] not in await reviews(world)
    requested = await events(world, [faceless.record_id], "PhotoRecaptureRequested")
    assert [e["photo_id"] for e in requested] == [empty["photo_id"]]

    checked = await events(world, [same.record_id, other.record_id], "PhotoChecked")
    verdicts = {(e["record_id"], e["kind"]): e["verdict"] for e in checked}  # the latest
    assert verdicts == {
        (same.record_id, "graduation"): "pass",
        (same.record_id, "admission"): None,
        (other.record_id, "graduation"): "fail",
        (other.record_id, "admission"): None,
    }
    # each photo once; a graduation photo checked before its admission photo was even
    # linked is published again with the comparison
    assert 4 <= len(checked) <= 6
    for event in checked:
        assert set(event) == {
            "record_id", "institution_code", "branch", "photo_id", "kind", "verdict",
            "findings", "checked_at",
        }  # fmt: skip


async def test_a_replaced_photo_is_checked_again_and_its_face_forgotten(world: World) -> None:
    person = world.person()
    await world.publish(world.record_event(person))
    student = await world.student_owning(person)
    await world.upload([world.identity_row("a.jpg", "graduation", person)], {"a.jpg": face()})
    first = await world.slot(student, "graduation", status="pending", check="passed")
    conn = await photos_db(world)
    try:
        # the gate is the slot's state: while checks run, confirm answers check_running
        await conn.execute(
            "UPDATE photo_slots SET check_state = 'running' WHERE photo_id = $1",
            uuid.UUID(first["photo_id"]),
        )
        running = await world.gateway.post(
            f"/api/photos/v1/photos/{first['photo_id']}/confirm", headers=student.headers
        )
        assert running.status_code == 409 and running.json()["code"] == "check_running"
        await world.upload([world.identity_row("b.jpg", "graduation", person)], {"b.jpg": blank()})
        second = await world.slot(student, "graduation", status="pending", check="under_review")
        assert second["photo_id"] != first["photo_id"]
        faces = await conn.fetch(
            "SELECT photo_id FROM photo_embeddings WHERE photo_id = ANY($1::uuid[])",
            [uuid.UUID(first["photo_id"]), uuid.UUID(second["photo_id"])],
        )
        assert faces == []  # the old one deleted with its replacement, the blank has none
        states = await conn.fetch(
            "SELECT photo_id, state FROM photo_checks WHERE record_id = $1",
            uuid.UUID(person.record_id),
        )
        assert {str(r["photo_id"]): r["state"] for r in states} == {
            first["photo_id"]: "done",
            second["photo_id"]: "done",
        }
    finally:
        await conn.close()
