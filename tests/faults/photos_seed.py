"""Pending photos written straight into the photos database, as linking and the machine
checks leave them (checked and passed: confirmable).

How records, owners and photos got there (imports, matching, batches) is covered by the
end-to-end tests; the fault tests only need many answerable photos, fast.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Awaitable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import Account, register_and_activate

from .ledger import Tally

KINDS = ("graduation", "admission")


@dataclass(frozen=True, slots=True)
class Seeded:
    record_id: str
    account_id: str
    photos: dict[str, str]  # kind -> photo_id


async def seed_records(
    stack: StackEndpoints,
    *,
    institution: str,
    owners: Iterable[str | None],
    statuses: dict[str, str] | None = None,
    cohort: str = "2026",
) -> list[Seeded]:
    """One record per owner (None: a record nobody matched), a photo per kind in
    ``statuses`` (default: both kinds pending)."""
    slots = statuses or dict.fromkeys(KINDS, "pending")
    now = datetime.now(UTC)
    seeded = [
        Seeded(str(uuid.uuid4()), owner or "", {k: str(uuid.uuid4()) for k in slots})
        for owner in owners
    ]
    conn = await asyncpg.connect(stack.dsn_for("photos"))
    try:
        async with conn.transaction():
            await conn.executemany(
                "INSERT INTO records (record_id, institution_code, branch, cohort, name,"
                " name_key, id_type, identity_hash, student_number)"
                " VALUES ($1, $2, '故障学院', $3, '测试', '测试', 'resident_id', $4, $5)",
                [
                    (uuid.UUID(s.record_id), institution, cohort, uuid.uuid4().hex * 2, str(i))
                    for i, s in enumerate(seeded)
                ],
            )
            await conn.executemany(
                "INSERT INTO record_owners VALUES ($1, $2, $3, '故障学院', $4, $5)",
                [
                    (uuid.UUID(s.record_id), uuid.UUID(s.account_id), institution, cohort, now)
                    for s in seeded
                    if s.account_id
                ],
            )
            await conn.executemany(
                "INSERT INTO photo_slots (record_id, kind, photo_id, photo_seq, status,"
                " check_state) VALUES ($1, $2, $3, 1, $4, 'passed')",
                [
                    (uuid.UUID(s.record_id), kind, uuid.UUID(photo), slots[kind])
                    for s in seeded
                    for kind, photo in s.photos.items()
                ],
            )
    finally:
        await conn.close()
    return seeded


async def student_with_photos(
    gateway: httpx.AsyncClient, stack: StackEndpoints, n: int
) -> tuple[Account, list[Seeded]]:
    """A real student account (its token) owning ``n`` records, each with a pending
    graduation photo."""
    student = await register_and_activate(gateway, stack)
    seeded = await seed_records(
        stack,
        institution=f"F{uuid.uuid4().hex[:8]}",
        owners=[student.account_id] * n,
        statuses={"graduation": "pending"},
    )
    return student, seeded


async def events_per_record(
    stack: StackEndpoints, event: str, record_ids: list[str]
) -> dict[str, list[str]]:
    """The photos outbox rows of type ``event`` keyed by these records: record -> the
    ``stage`` (reminders) or ``kind`` (answers) of each, with ``?`` for a row the relay has
    not published yet."""
    conn = await asyncpg.connect(stack.dsn_for("photos"))
    try:
        rows = await conn.fetch(
            "SELECT key, CASE WHEN published_at IS NULL THEN '?' ELSE"
            " coalesce(data->>'stage', data->>'kind') END AS what"
            " FROM outbox, LATERAL (SELECT convert_from(payload, 'UTF8')::jsonb->'data') d(data)"
            " WHERE event_type = $1 AND key = ANY($2::text[])",
            f"jiaodui.photos.{event}.v1",
            record_ids,
        )
    finally:
        await conn.close()
    found: dict[str, list[str]] = {}
    for r in rows:
        found.setdefault(r["key"], []).append(r["what"])
    return {key: sorted(whats) for key, whats in found.items()}


async def set_window(
    stack: StackEndpoints, *, institution: str, confirm_until: datetime, cohort: str = "2026"
) -> None:
    """Open (or move) the confirmation window of an institution's cohort."""
    conn = await asyncpg.connect(stack.dsn_for("photos"))
    try:
        await conn.execute(
            "INSERT INTO windows VALUES ($1, $2, $3, $4, $5, $6)"
            " ON CONFLICT (institution_code, cohort) DO UPDATE"
            " SET confirm_until = $3, recheck_from = $4, recheck_until = $5, updated_at = now()",
            institution,
            cohort,
            confirm_until,
            confirm_until + timedelta(days=7),
            confirm_until + timedelta(days=8),
            uuid.uuid4(),
        )
    finally:
        await conn.close()


async def confirmation_tally(
    stack: StackEndpoints, seeded: list[Seeded], answers: Mapping[str, bool]
) -> Tally:
    """Books of a confirmation burst (``answers``: photo_id -> acknowledged): an
    acknowledged confirmation is one confirmed slot and one published PhotoConfirmed;
    any other photo is either the same or untouched (pending, no event)."""
    records = {s.photos["graduation"]: s.record_id for s in seeded}
    by_photo = {p: r for p, r in records.items() if p in answers}
    conn = await asyncpg.connect(stack.dsn_for("photos"))
    try:
        rows = await conn.fetch(
            "SELECT photo_id::text, status FROM photo_slots WHERE photo_id = ANY($1::uuid[])",
            list(by_photo),
        )
    finally:
        await conn.close()
    confirmed = {r[0] for r in rows if r[1] == "confirmed"}

    async def published() -> dict[str, list[str]]:
        return await events_per_record(stack, "PhotoConfirmed", list(by_photo.values()))

    with contextlib.suppress(AssertionError):  # what is not published by then counts as lost
        await eventually(
            lambda: _all_published(published(), len(confirmed)), what="the confirmations"
        )
    events = await published()
    counts = {p: len(events.get(r, [])) for p, r in by_photo.items()}
    acknowledged = {p for p, ok in answers.items() if ok}
    complete = {p for p in confirmed if events.get(by_photo[p]) == ["graduation"]}
    return Tally(
        submitted=len(answers),
        acknowledged=len(acknowledged),
        effected=len(complete),
        duplicated=sum(1 for n in counts.values() if n > 1),
        lost=len(acknowledged - complete),
        half_written=sum(1 for p, n in counts.items() if (p in confirmed) != (n > 0)),
    )


async def _all_published(events: Awaitable[dict[str, list[str]]], expected: int) -> bool:
    got = await events
    return sum(whats.count("graduation") for whats in got.values()) >= expected
