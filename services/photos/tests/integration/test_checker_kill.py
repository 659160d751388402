"""Ledger test of the machine checks: kill -9 the check worker in the middle of a batch;
every photo is still checked, each exactly once (one result, one PhotoChecked), nothing
lost. The worker is a process of the photos service's pool (spawned); the service starts
a new one for the next claim, and the claims the dead one held go back to the queue with
its transaction."""

from __future__ import annotations

import os
import signal
import uuid
from pathlib import Path

import asyncpg
import pytest
from jiaodui_runtime.testing import eventually

from .conftest import World, face, zipped

pytestmark = [pytest.mark.integration, pytest.mark.timeout(1500)]  # checks queue on a shared stack
PHOTOS = 12


def check_workers(stack_dir: Path) -> list[int]:
    """The pool's worker processes of the local photos service (children running
    multiprocessing's spawn_main)."""
    pid = int((stack_dir / "run" / "svc-photos.pid").read_text())
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(c) for c in (task / "children").read_text().split()]
    found = []
    for child in children:
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if b"spawn_main" in cmdline:
            found.append(child)
    return found


async def test_kill_9_of_the_check_worker_mid_batch_checks_every_photo_once(
    world: World,
) -> None:
    if world.stack.stack_dir is None:
        pytest.skip("needs the local stack's processes")
    people = [world.person() for _ in range(PHOTOS)]
    await world.publish(*(world.record_event(p) for p in people))
    rows = [world.identity_row(f"{i}.jpg", "graduation", p) for i, p in enumerate(people)]
    files = {f"{i}.jpg": face() for i in range(PHOTOS)}
    header = "file,kind,institution_code,name,id_type,id_number,student_number\n"
    posted = await world.post_batch(header + "\n".join(rows) + "\n", zipped(files))
    assert posted.status_code == 202, posted.text
    report = await world.batch_done(posted.json()["batch_id"])
    photo_ids = [uuid.UUID(f["photo_id"]) for f in report["files"]]
    assert len(photo_ids) == PHOTOS
    conn = await asyncpg.connect(world.stack.dsn_for("photos"))
    try:

        async def done() -> int:
            n: int = await conn.fetchval(
                "SELECT count(*) FROM photo_checks WHERE photo_id = ANY($1::uuid[])"
                " AND state = 'done'",
                photo_ids,
            )
            return n

        await eventually(lambda: _at_least(done, 2), timeout_s=600, what="a few checks done")
        workers = check_workers(world.stack.stack_dir)
        assert workers, "the photos service should have a check worker running"
        for worker in workers:
            os.kill(worker, signal.SIGKILL)
        at_kill = await done()
        await eventually(lambda: _at_least(done, PHOTOS), timeout_s=600, what="every check")

        ledger = await conn.fetch(
            "SELECT c.photo_id, c.state, c.checked_at IS NOT NULL AS checked,"
            " (SELECT count(*) FROM outbox o WHERE o.event_type = 'jiaodui.photos.PhotoChecked.v1'"
            "  AND convert_from(o.payload, 'UTF8')::jsonb->'data'->>'photo_id' = c.photo_id::text)"
            " AS events, (SELECT count(*) FROM photo_embeddings e WHERE e.photo_id = c.photo_id)"
            " AS faces FROM photo_checks c WHERE c.photo_id = ANY($1::uuid[])",
            photo_ids,
        )
    finally:
        await conn.close()
    assert len(ledger) == PHOTOS, "every linked photo has its check"
    assert all(r["state"] == "done" and r["checked"] for r in ledger), "nothing lost"
    assert [r["events"] for r in ledger] == [1] * PHOTOS, "one PhotoChecked per photo"
    assert [r["faces"] for r in ledger] == [1] * PHOTOS, "one embedding per photo"
    print(f"checker kill -9: {len(workers)} worker(s) killed with {at_kill}/{PHOTOS} checked")


async def _at_least(count: object, n: int) -> bool:
    assert callable(count)
    return bool(await count() >= n)
