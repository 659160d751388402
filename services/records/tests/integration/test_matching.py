"""Matching converges whatever the order: imports, activations, renames, two records."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from jiaodui_contracts.identity import AccountIdentityReleased, AccountNameChanged
from jiaodui_contracts.records import IdentityMatched, IdentityUnmatched
from jiaodui_runtime.testing import eventually
from jiaodui_runtime.testing.accounts import resident_id

pytestmark = pytest.mark.integration


async def test_a_late_import_matches_an_earlier_activation(school, service) -> None:
    account_id, number = str(uuid.uuid4()), resident_id(school.BORN, "male")
    await service.publish(school.activated(account_id, number))

    async def unmatched() -> dict | None:
        state = await school.state(account_id)
        return state if state["status"] == "unmatched" else None

    state = await eventually(unmatched, what="the activation to be matched against nothing")
    assert state["reason"] == "no_record" and state["hint"]["zh"] and state["hint"]["en"]

    report = await school.import_csv(school.row(number))
    assert report["accepted"] == 1 and report["created"] == 1
    mine = await eventually(lambda: school.records_of(account_id), what="the late match")
    assert mine[0]["name"] == "张三" and number not in str(mine)
    assert mine[0]["id_number_masked"] == number[:6] + "********" + number[-4:]
    assert mine[0]["level_label"] == "本科" and mine[0]["level"] == "bachelor"
    assert (await school.state(account_id))["status"] == "matched"
    record_id = mine[0]["record_id"]
    imported = await service.imported(record_id)
    assert [e["change"] for e in imported] == ["created"]
    assert number not in str(imported)
    matched = await service.events(IdentityMatched.TYPE, account_id)
    assert [e["record_id"] for e in matched] == [record_id]

    again = await school.import_csv(school.row(number, student_number=mine[0]["student_number"]))
    assert again["accepted"] == 1 and again["created"] == again["changed"] == 0
    assert len(await service.imported(record_id)) == 1


async def test_a_rename_matches_again_and_a_release_unmatches(school, service) -> None:
    account_id, number = str(uuid.uuid4()), resident_id(school.BORN, "male")
    await school.import_csv(school.row(number, name="李四"))
    await service.publish(school.activated(account_id, number, name="李 四X"))

    async def mismatch() -> dict | None:
        state = await school.state(account_id)
        return state if state.get("reason") == "name_mismatch" else None

    await eventually(mismatch, what="a name mismatch")
    now = datetime.now(UTC)
    await service.publish(
        AccountNameChanged(
            account_id=account_id, name=" 李 四 ", id_type="resident_id",
            identity_hash=school.activated(account_id, number).identity_hash, changed_at=now,
        )
    )  # fmt: skip
    mine = await eventually(lambda: school.records_of(account_id), what="the rename to match")
    await service.publish(
        AccountIdentityReleased(
            account_id=account_id, id_type="resident_id",
            identity_hash=school.activated(account_id, number).identity_hash,
            dispute_id=str(uuid.uuid4()), released_at=now,
        )
    )  # fmt: skip

    async def released() -> list | None:
        events = await service.events(IdentityUnmatched.TYPE, account_id)
        return [e for e in events if e["previously_matched_record_ids"]] or None

    gone = await eventually(released, what="the release to unmatch")
    assert gone[0]["previously_matched_record_ids"] == [mine[0]["record_id"]]
    assert await school.records_of(account_id) == []


async def test_one_person_with_two_records(school, service) -> None:
    account_id, number = str(uuid.uuid4()), resident_id(school.BORN, "male")
    await school.import_csv(
        school.row(number, level="本科", cohort="2022"),
        school.row(number, level="硕士研究生", cohort="2025"),
    )
    await service.publish(school.activated(account_id, number))

    async def both() -> list | None:
        found = await school.records_of(account_id)
        return found if len(found) == 2 else None

    found = await eventually(both, what="both records to match")
    assert {r["level"] for r in found} == {"bachelor", "master"}
    assert len(await service.events(IdentityMatched.TYPE, account_id)) == 2


async def test_a_burst_of_account_events_converges_account_by_account(school, service) -> None:
    """Many activations at once reach records as runs (set-based): each account still ends
    in its own state, and one account renamed within the burst ends on its latest name."""
    matching = [(str(uuid.uuid4()), resident_id(school.BORN, "male")) for _ in range(12)]
    misnamed = [(str(uuid.uuid4()), resident_id(school.BORN, "male")) for _ in range(4)]
    missing = [(str(uuid.uuid4()), resident_id(school.BORN, "male")) for _ in range(4)]
    await school.import_csv(*(school.row(n) for _, n in matching + misnamed))
    renamed_id, renamed_number = misnamed[0]
    await service.publish(
        *(school.activated(a, n) for a, n in matching),
        *(school.activated(a, n, name="王五") for a, n in misnamed + missing),
        AccountNameChanged(
            account_id=renamed_id, name="张三", id_type="resident_id",
            identity_hash=school.activated(renamed_id, renamed_number).identity_hash,
            changed_at=datetime.now(UTC),
        ),
    )  # fmt: skip

    async def settled() -> dict[str, dict] | None:
        states = {a: await school.state(a) for a, _ in matching + misnamed + missing}
        if any(s["status"] == "pending" for s in states.values()):
            return None
        return states if states[renamed_id]["status"] == "matched" else None  # the rename too

    states = await eventually(settled, what="every account of the burst to settle")
    for account_id, _ in [*matching, misnamed[0]]:
        assert states[account_id]["status"] == "matched", account_id
        assert len(await service.events(IdentityMatched.TYPE, account_id)) == 1
    for account_id, _ in misnamed[1:]:
        assert states[account_id] == states[account_id] | {"reason": "name_mismatch"}
    for account_id, _ in missing:
        assert states[account_id]["reason"] == "no_record"
        assert len(await service.events(IdentityUnmatched.TYPE, account_id)) == 1


async def test_a_reimport_with_another_id_number_unmatches_the_account(school, service) -> None:
    """The batch's matching reaches the accounts matched to a record it changed (through
    ``matches``), not only those sharing an identity hash with the new values."""
    account_id, number = str(uuid.uuid4()), resident_id(school.BORN, "male")
    await service.publish(school.activated(account_id, number))
    first = await school.import_csv(school.row(number))
    assert first["created"] == 1
    mine = await eventually(lambda: school.records_of(account_id), what="the match")
    other = resident_id(school.BORN, "male")
    again = await school.import_csv(school.row(other, student_number=mine[0]["student_number"]))
    assert again["changed"] == 1

    async def unmatched() -> list | None:
        events = await service.events(IdentityUnmatched.TYPE, account_id)
        return [e for e in events if e["previously_matched_record_ids"]] or None

    gone = await eventually(unmatched, what="the changed record to unmatch the account")
    assert gone[0]["previously_matched_record_ids"] == [mine[0]["record_id"]]
