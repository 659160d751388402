"""Activations matched against a roster, end to end (identity.events → records' matches)."""

from __future__ import annotations

import asyncio
import csv
import random
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import asyncpg
from jiaodui_contracts import HEADER_CORRELATION_ID, new_event, to_json_bytes
from jiaodui_contracts.identity import AccountActivated
from jiaodui_runtime.kafka import new_producer
from jiaodui_runtime.privacy import identity_hash, mask_id_number
from jiaodui_runtime.settings import DEV_IDENTITY_HASH_SECRET
from jiaodui_runtime.testing.stack import locate_stack

from bench.imports import imported, write_roster
from bench.report import Row

SECRET = DEV_IDENTITY_HASH_SECRET.encode()


def activations(path: Path) -> list[AccountActivated]:
    now = datetime.now(UTC)
    with path.open(encoding="utf-8") as source:
        return [
            AccountActivated(
                account_id=str(uuid.uuid4()),
                name=row["name"],
                gender=row["gender"],  # type: ignore[arg-type]
                birth_date=date.fromisoformat(row["birth_date"]),
                id_type="resident_id",
                identity_hash=identity_hash(SECRET, "resident_id", row["id_number"]),
                id_number_masked=mask_id_number(row["id_number"]),
                activated_at=now,
            )
            for row in csv.DictReader(source)
        ]


def serialised(payloads: list[AccountActivated]) -> list[tuple[bytes, bytes, bytes]]:
    """(key, value, event id) of each activation, built before the clock starts: in the
    system identity has built them already (this is the benchmark's own CPU, not records')."""
    events = [new_event(payload, source="/jiaodui/identity") for payload in payloads]
    return [(e.subject.encode(), to_json_bytes(e), e.id.encode()) for e in events]


async def publish_all(bootstrap: str, messages: list[tuple[bytes, bytes, bytes]]) -> None:
    producer = new_producer(bootstrap, client_id="bench-activations")
    await producer.start()
    try:
        pending = []
        for key, value, event_id in messages:
            pending.append(
                await producer.send(
                    "identity.events",
                    value=value,
                    key=key,
                    headers=[(HEADER_CORRELATION_ID, event_id)],
                )
            )
            if len(pending) >= 5000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


async def _count(conn: asyncpg.Connection, sql: str, institution: str) -> int:
    return int(await conn.fetchval(sql, institution))


MATCHED = (
    "SELECT count(*) FROM matches m JOIN records r USING (record_id) WHERE r.institution_code = $1"
)
OWNED = (
    "SELECT count(*) FROM record_owners o JOIN records r USING (record_id)"
    " WHERE r.institution_code = $1"
)
REPLICA = "SELECT count(*) FROM records WHERE institution_code = $1"


async def matching(n: int = 1_000_000) -> list[Row]:
    """From the first activation published to IdentityMatched applied by photos (its
    record_owners) for every one, i.e. the whole cascade: records matches and publishes,
    photos and corrections apply (notify too, on the same cores, not waited for)."""
    institution = f"M{uuid.uuid4().hex[:6]}"
    with tempfile.TemporaryDirectory() as folder, locate_stack() as stack:
        path = Path(folder) / "roster.csv"
        # a roster of its own: IDs of an earlier run would match those earlier accounts too
        await asyncio.to_thread(write_roster, path, institution, n, seed=random.randrange(2**32))
        await imported(stack, path, n, institution)
        messages = serialised(await asyncio.to_thread(activations, path))
        dbs = {s: await asyncpg.connect(stack.dsn_for(s)) for s in ("records", "photos")}
        dbs["corrections"] = await asyncpg.connect(stack.dsn_for("corrections"))
        try:
            # the roster's own events applied first: the clock is for the matching cascade
            for service in ("photos", "corrections"):
                while await _count(dbs[service], REPLICA, institution) < n:
                    await asyncio.sleep(0.5)
            started = time.perf_counter()
            await publish_all(stack.kafka_bootstrap, messages)
            published_s = time.perf_counter() - started
            done: dict[str, float] = {}
            counts = {"records": 0, "photos": 0, "corrections": 0}
            queries = {"records": MATCHED, "photos": OWNED, "corrections": OWNED}
            while len(done) < 3 and time.perf_counter() - started < 3600:
                for service, query in queries.items():
                    if service not in done:
                        counts[service] = await _count(dbs[service], query, institution)
                        if counts[service] >= n:
                            done[service] = time.perf_counter() - started
                await asyncio.sleep(0.5)
        finally:
            for conn in dbs.values():
                await conn.close()
    elapsed = done.get("photos", time.perf_counter() - started)
    return [
        Row(
            "matching",
            f"{n:,} activations against a {n:,}-record roster, applied by photos",
            elapsed,
            None,
            "s",
            "≤ 120 s for 1,000,000",
            notes=f"{counts['photos']:,} applied by photos; records matched all in "
            f"{done.get('records', float('nan')):.1f} s, corrections applied all in "
            f"{done.get('corrections', float('nan')):.1f} s; publishing the activations took "
            f"{published_s:.1f} s; {counts['photos'] / elapsed:,.0f} matches/s end to end",
        )
    ]
