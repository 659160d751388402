"""Scans are deleted a set time after their case closed (the housekeeping job)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path

import pytest
from jiaodui_corrections.jobs import purge_scans
from jiaodui_corrections.store import cases, history
from jiaodui_runtime.blobs import BlobNotFoundError, LocalBlobStore, blob_key
from jiaodui_runtime.db import create_pool
from jiaodui_runtime.migrations import apply_migrations, load_migrations, runtime_migrations

from .conftest import jpeg

pytestmark = pytest.mark.integration


async def test_closed_cases_lose_their_scan_after_the_retention_period(
    fresh_database: str, tmp_path: Path
) -> None:
    pool = await create_pool(fresh_database, min_size=1, max_size=2)
    scans = LocalBlobStore(tmp_path)
    try:
        async with pool.acquire() as conn:
            await apply_migrations(
                conn,
                [
                    *runtime_migrations(),
                    *load_migrations("corrections", files("jiaodui_corrections") / "migrations"),
                ],
            )
        shared, own = jpeg(), jpeg()
        ids = {}
        for name, data, closed_ago in [
            ("old", own, timedelta(days=40)),
            ("old_shared", shared, timedelta(days=40)),
            ("recent_shared", shared, timedelta(days=1)),
            ("open", jpeg(), None),
        ]:
            ids[name] = uuid.uuid4()
            async with pool.acquire() as conn:
                await cases.insert(
                    conn, case_id=ids[name], kind="correction", account_id=str(uuid.uuid4()),
                    id_type="resident_id", identity_hash="0" * 64, id_number_masked="11**11",
                    contact_phone="13812345678", reply_email=None,
                    scan_key=await scans.put(data, content_type="image/jpeg"),
                    opened_at=datetime.now(UTC) - timedelta(days=50),
                )  # fmt: skip
                if closed_ago is not None:
                    await cases.decide(
                        conn, ids[name], status="rejected", decided_by=str(uuid.uuid4()),
                        closed_at=datetime.now(UTC) - closed_ago, reason="x",
                    )  # fmt: skip

        assert await purge_scans(pool, scans, timedelta(days=30)) == 2
        assert await purge_scans(pool, scans, timedelta(days=30)) == 0
        async with pool.acquire() as conn:
            old = await cases.get(conn, ids["old"], "correction")
            recent = await cases.get(conn, ids["recent_shared"], "correction")
            assert old is not None and recent is not None
            assert old["scan_key"] is None and old["scan_deleted_at"] is not None
            actions = [h["action"] for h in await history.of_case(conn, ids["old"])]
            assert actions == ["scan_deleted"]
        with pytest.raises(BlobNotFoundError):
            await scans.get(blob_key(own))
        assert await scans.get(recent["scan_key"]) == shared  # still used by a recent case
    finally:
        await pool.close()
