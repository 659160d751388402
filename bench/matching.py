"""Activations matched against a roster, end to end (identity.events → records' matches)."""

from __future__ import annotations

import asyncio
import csv
import random
import tempfile
import time
import uuid
from collections.abc import Awaitable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
from jiaodui_contracts import HEADER_CORRELATION_ID, new_event, new_ordered_ids, to_json_bytes
from jiaodui_contracts.identity import AccountActivated
from jiaodui_runtime.kafka import new_producer
from jiaodui_runtime.privacy import identity_hash, mask_id_number
from jiaodui_runtime.relay import queue_all
from jiaodui_runtime.settings import DEV_IDENTITY_HASH_SECRET
from jiaodui_runtime.testing.stack import locate_stack

from bench._db import UNPUBLISHED
from bench.cpu import measured
from bench.imports import imported, write_roster
from bench.report import Row
from bench.settle import settled
from soak.config import Config
from soak.probes import Kafka

SECRET = DEV_IDENTITY_HASH_SECRET.encode()
PUBLISH_CHUNK = 5000


def activations(path: Path) -> list[AccountActivated]:
    now = datetime.now(UTC)
    with path.open(encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    # account ids as identity makes them (ordered by creation)
    return [
        AccountActivated(
            account_id=account_id,
            name=row["name"],
            gender=row["gender"],  # type: ignore[arg-type]
            birth_date=date.fromisoformat(row["birth_date"]),
            id_type="resident_id",
            identity_hash=identity_hash(SECRET, "resident_id", row["id_number"]),
            id_number_masked=mask_id_number(row["id_number"]),
            activated_at=now,
        )
        for row, account_id in zip(rows, new_ordered_ids(len(rows)), strict=True)
    ]


def serialised(payloads: list[AccountActivated]) -> list[tuple[bytes, bytes, bytes]]:
    """(key, value, event id) of each activation, built before the clock starts: in the
    system identity has built them already (this is the benchmark's own CPU, not records')."""
    events = [new_event(payload, source="/jiaodui/identity") for payload in payloads]
    return [(e.subject.encode(), to_json_bytes(e), e.id.encode()) for e in events]


async def publish_all(bootstrap: str, messages: list[tuple[bytes, bytes, bytes]]) -> None:
    """The activations in record batches per partition, as the relay sends (``queue_all``):
    one ``send`` a message cost the load generator ~0.1 ms each on the cascade's cores."""
    producer = new_producer(bootstrap, client_id="bench-activations")
    await producer.start()
    try:
        acked: list[Awaitable[Any]] = []
        for at in range(0, len(messages), PUBLISH_CHUNK):
            acked.append(
                await queue_all(
                    producer,
                    [
                        ("identity.events", key, value, [(HEADER_CORRELATION_ID, event_id)])
                        for key, value, event_id in messages[at : at + PUBLISH_CHUNK]
                    ],
                )
            )
            if len(acked) > 2:  # at most three chunks in flight
                await acked.pop(0)
        for done in acked:
            await done
    finally:
        await producer.stop()


async def _count(conn: asyncpg.Connection, sql: str, institution: str) -> int:
    return int(await conn.fetchval(sql, institution))


# counted once, after the clock: polled, corrections' count (its replica of records has no
# index on the institution, nor needs one) read its 12 M rows every half second, ~6 s of
# the two cores' CPU each time, taken from the cascade it was timing
MATCHED = (
    "SELECT count(*) FROM matches m JOIN records r USING (record_id) WHERE r.institution_code = $1"
)
OWNED = (
    "SELECT count(*) FROM record_owners o JOIN records r USING (record_id)"
    " WHERE r.institution_code = $1"
)
REPLICA = "SELECT count(*) FROM records WHERE institution_code = $1"


class Cascade:
    """Where the cascade is, from cheap probes: the consumer groups' lag (committed offsets:
    a group commits after its transaction) and records' outbox. Once every event that starts
    it is in Kafka, records' group at lag 0 has consumed them all and, with its outbox empty,
    published every effect; a group after it at lag 0 has applied those."""

    def __init__(self, records_db: asyncpg.Connection) -> None:
        self._records_db = records_db
        self._kafka = Kafka(Config.from_env())

    async def __aenter__(self) -> Cascade:
        await self._kafka.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._kafka.close()

    async def applied(self, groups: list[str], timeout_s: float) -> dict[str, float]:
        """Seconds until records had published its effects and each of ``groups`` applied
        them (a group missing from the answer: not within ``timeout_s``)."""
        started, done = time.perf_counter(), {}
        while time.perf_counter() - started < timeout_s:
            lag = await self._kafka.lag()
            if (
                "records" not in done
                and lag.get("records", 1) == 0
                and not await self._records_db.fetchval(UNPUBLISHED)
            ):
                done["records"] = time.perf_counter() - started
            if "records" in done:
                for group in groups:
                    if group not in done and lag.get(group, 1) == 0:
                        done[group] = time.perf_counter() - started
            if all(g in done for g in ["records", *groups]):
                break
            await asyncio.sleep(0.25)
        return done


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
            async with Cascade(dbs["records"]) as cascade:
                # the roster's own events applied first: the clock is for the matching cascade
                await cascade.applied(["photos", "corrections"], timeout_s=3600)
                for service in ("photos", "corrections"):
                    replica = await _count(dbs[service], REPLICA, institution)
                    assert replica == n, f"{service} holds {replica:,} of the roster's records"
                # and every other consumer of the roster (and of a scenario run before) done:
                # their backlog would take the cascade's cores
                await settled(timeout_s=3600)
                with measured(f"matching {n:,}", "match", n):
                    started = time.perf_counter()
                    await publish_all(stack.kafka_bootstrap, messages)
                    published_s = time.perf_counter() - started
                    after = await cascade.applied(["photos", "corrections"], timeout_s=3600)
            done = {service: published_s + s for service, s in after.items()}
            queries = {"records": MATCHED, "photos": OWNED, "corrections": OWNED}
            counts = {s: await _count(dbs[s], q, institution) for s, q in queries.items()}
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
            notes=f"{counts['photos']:,} of {n:,} applied by photos, {counts['corrections']:,} by "
            f"corrections, {counts['records']:,} matched by records; records published all in "
            f"{done.get('records', float('nan')):.1f} s, corrections applied all in "
            f"{done.get('corrections', float('nan')):.1f} s; publishing the activations took "
            f"{published_s:.1f} s; {counts['photos'] / elapsed:,.0f} matches/s end to end",
        )
    ]
