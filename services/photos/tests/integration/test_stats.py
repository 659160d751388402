"""GET /v1/stats through the gateway follows every change of a college's photos: imports,
links, answers, an erratum reopening a dispute, a replacement, a record moving class."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from jiaodui_contracts.corrections import ErrataApproved
from jiaodui_runtime.testing import eventually

from .conftest import World, face

pytestmark = pytest.mark.integration

Counts = dict[tuple[str, str], tuple[int, int, int, int]]  # (class, kind) -> m, p, c, d


async def stats_become(world: World, college: str, expected: Counts) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        got = await world.gateway.get(
            "/api/photos/v1/stats", params={"college": college}, headers=world.registrar.headers
        )
        assert got.status_code == 200, got.text
        body: dict[str, Any] = got.json()
        seen = {
            (g["class_name"], kind): tuple(
                g[kind][s] for s in ("missing", "pending", "confirmed", "disputed")
            )
            for g in body["groups"]
            for kind in ("graduation", "admission")
        }
        return body if seen == expected else None

    return await eventually(probe, timeout_s=120, what=f"stats of {college}: {expected}")


async def answer(world: World, student: Any, photo_id: str, verb: str) -> None:
    body = {"reason": "不是我"} if verb == "dispute" else None
    got = await world.gateway.post(
        f"/api/photos/v1/photos/{photo_id}/{verb}", json=body, headers=student.headers
    )
    assert got.status_code == 200, got.text


async def test_stats_follow_links_answers_errata_replacements_and_moves(world: World) -> None:
    college = f"学院{uuid.uuid4().hex[:6]}"
    ann, bob, cat = world.person(), world.person(), world.person()
    await world.publish(
        world.record_event(ann, branch=college),
        world.record_event(bob, branch=college),
        world.record_event(cat, branch=college, class_name="1402"),
    )
    g, a = "graduation", "admission"
    await stats_become(
        world,
        college,
        {("1401", g): (2, 0, 0, 0), ("1401", a): (2, 0, 0, 0), ("1402", g): (1, 0, 0, 0),
         ("1402", a): (1, 0, 0, 0)},
    )  # fmt: skip

    ann_student = await world.student_owning(ann)
    bob_student = await world.student_owning(bob)
    await world.upload(
        [
            world.identity_row("ann.jpg", g, ann),
            world.identity_row("bob.jpg", g, bob),
            world.identity_row("ann-a.jpg", a, ann),
        ],
        {"ann.jpg": face(), "bob.jpg": face(), "ann-a.jpg": face()},
    )
    ann_slot = await world.slot(ann_student, g, status="pending", check="passed")
    bob_slot = await world.slot(bob_student, g, status="pending")
    await stats_become(
        world,
        college,
        {("1401", g): (0, 2, 0, 0), ("1401", a): (1, 1, 0, 0), ("1402", g): (1, 0, 0, 0),
         ("1402", a): (1, 0, 0, 0)},
    )  # fmt: skip

    await answer(world, ann_student, ann_slot["photo_id"], "confirm")
    await answer(world, bob_student, bob_slot["photo_id"], "dispute")
    body = await stats_become(
        world,
        college,
        {("1401", g): (0, 0, 1, 1), ("1401", a): (1, 1, 0, 0), ("1402", g): (1, 0, 0, 0),
         ("1402", a): (1, 0, 0, 0)},
    )  # fmt: skip
    [summary] = body["colleges"]
    assert summary["records"] == 3 and summary["graduation"]["confirmed"] == 1

    await world.publish(
        ErrataApproved(
            erratum_id=str(uuid.uuid4()),
            record_id=bob.record_id,
            institution_code=world.institution,
            branch=college,
            changes=[],
            approved_by=world.registrar.account_id,
            approved_at=datetime.now(UTC),
        )
    )
    await stats_become(
        world,
        college,
        {("1401", g): (0, 1, 1, 0), ("1401", a): (1, 1, 0, 0), ("1402", g): (1, 0, 0, 0),
         ("1402", a): (1, 0, 0, 0)},
    )  # fmt: skip

    # a new photo replaces the confirmed one: the student checks it again
    await world.upload([world.identity_row("ann2.jpg", g, ann)], {"ann2.jpg": face()})
    await stats_become(
        world,
        college,
        {("1401", g): (0, 2, 0, 0), ("1401", a): (1, 1, 0, 0), ("1402", g): (1, 0, 0, 0),
         ("1402", a): (1, 0, 0, 0)},
    )  # fmt: skip

    # a correction moves cat into 1401 (class 1402 is empty: no group), an import adds dan
    dan = world.person()
    await world.publish(
        world.corrected_event(cat, branch=college, class_name="1401"),
        world.record_event(dan, branch=college, class_name="1403"),
    )
    await stats_become(
        world,
        college,
        {("1401", g): (1, 2, 0, 0), ("1401", a): (2, 1, 0, 0), ("1403", g): (1, 0, 0, 0),
         ("1403", a): (1, 0, 0, 0)},
    )  # fmt: skip
