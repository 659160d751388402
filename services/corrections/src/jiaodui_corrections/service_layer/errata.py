"""Use cases of errata: file, decide, list (the office's queue and the student's own)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
from jiaodui_contracts.corrections import ErrataApproved, ErrataFiled, ErrataRejected, FieldChange
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.idcard import check_id_number
from jiaodui_runtime.outbox import add_to_outbox
from jiaodui_runtime.privacy import identity_hash, mask_id_number

from jiaodui_corrections.domain import errata as rules
from jiaodui_corrections.domain.windows import may_file
from jiaodui_corrections.service_layer.views import erratum_view
from jiaodui_corrections.settings import CorrectionsSettings
from jiaodui_corrections.state import SOURCE
from jiaodui_corrections.store import errata as store
from jiaodui_corrections.store import history, replica


def _problem(err: rules.ErratumError) -> Problem:
    return Problem(err.status, err.code, err.detail)


def _old_value(fields: dict[str, Any], field: str) -> str | None:
    if field == "id_number":
        return fields.get("id_number_masked")
    value = fields.get(field)
    return None if value is None else str(value)


def stored_items(
    settings: CorrectionsSettings, record: asyncpg.Record, items: list[rules.Item]
) -> list[dict[str, Any]]:
    """FieldChange-shaped items; an ID number is kept only masked and hashed."""
    fields: dict[str, Any] = record["fields"] or {}
    out = []
    for item in items:
        change: dict[str, Any] = {"field": item.field, "old_value": _old_value(fields, item.field)}
        if item.field == "id_number":
            id_type = str(fields.get("id_type") or "resident_id")
            assert item.correct_value is not None
            if check_id_number(id_type, item.correct_value) is not None:
                raise Problem(422, "id_number_invalid", "The ID number is not valid.")
            change["correct_value_masked"] = mask_id_number(item.correct_value)
            change["correct_identity_hash"] = identity_hash(
                settings.identity_hash_key, id_type, item.correct_value
            )
        else:
            change["correct_value"] = item.correct_value
        out.append(change)
    return out


def _takes_form_in(existing: asyncpg.Record) -> bool:
    """A student who said "wrong" to a photo is sent to the errata form: the erratum the
    dispute opened takes that form in (once), rather than refusing it as a second one."""
    return bool(existing["origin"] == "photo_dispute" and existing["status"] == "filed")


def check_scope(principal: Principal, row: asyncpg.Record) -> None:
    if not principal.in_scope(row["institution_code"], row["branch"]):
        raise Problem(403, "forbidden_scope", "This is outside your institution or college.")


async def file_erratum(
    pool: asyncpg.Pool,
    settings: CorrectionsSettings,
    principal: Principal,
    *,
    record_id: uuid.UUID,
    items: list[rules.Item],
    note: str | None,
) -> dict[str, Any]:
    try:
        cleaned = rules.validate_items(items)
    except rules.ErratumError as err:
        raise _problem(err) from err
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        record = await replica.record(conn, record_id)
        if record is None:
            raise Problem(404, "record_not_found", "There is no such record.")
        owners = await replica.owners(conn, record_id)
        if principal.role == "student":
            if principal.account_id not in owners:
                raise Problem(403, "forbidden_record", "You may file only for your own record.")
            account_id: str | None = principal.account_id
        else:
            check_scope(principal, record)
            account_id = owners[-1] if owners else None
        deadline = await replica.confirm_until(conn, record["institution_code"], record["cohort"])
        if not may_file(role=principal.role, confirm_until=deadline, now=now):
            raise Problem(409, "window_closed", "The deadline for corrections has passed.")
        changes = stored_items(settings, record, cleaned)
        erratum_id = uuid.uuid4()
        if not await store.insert(
            conn,
            erratum_id=erratum_id,
            record=record,
            account_id=account_id,
            filed_by=principal.account_id,
            filed_by_role=principal.role,
            items=changes,
            note=note,
            filed_at=now,
        ):
            existing = await store.open_for_record(conn, record_id, for_update=True)
            if existing is None or not _takes_form_in(existing):
                raise Problem(
                    409,
                    "erratum_already_open",
                    "This record already has an open erratum.",
                    erratum_id=str(existing["erratum_id"]) if existing else None,
                )
            erratum_id = existing["erratum_id"]
            known = {i["field"] for i in existing["items"]}
            merged = [*existing["items"], *(c for c in changes if c["field"] not in known)]
            await store.set_items(conn, erratum_id, merged, note=note, origin="form")
        await record_filing(conn, erratum_id, principal.account_id, principal.role)
    return {"erratum_id": str(erratum_id), "status": "filed"}


async def record_filing(
    conn: DbConnection, erratum_id: uuid.UUID, actor_id: str, actor_role: str
) -> None:
    """History and ErrataFiled for a freshly inserted erratum (by a person or a dispute)."""
    row = await store.get(conn, erratum_id)
    assert row is not None
    await history.add(
        conn, erratum_id, "filed", actor_id=actor_id, actor_role=actor_role,
        detail={"fields": [i["field"] for i in row["items"]]},
    )  # fmt: skip
    await add_to_outbox(
        conn,
        ErrataFiled(
            **_event_base(row),
            filed_by=actor_id,
            filed_by_role=row["filed_by_role"],
            items=[FieldChange(**i) for i in row["items"]],
            filed_at=row["filed_at"],
        ),
        source=SOURCE,
    )


def _event_base(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "erratum_id": str(row["erratum_id"]),
        "record_id": str(row["record_id"]),
        "institution_code": row["institution_code"],
        "branch": row["branch"],
        "account_id": str(row["account_id"]) if row["account_id"] else None,
    }


async def decide_erratum(
    pool: asyncpg.Pool,
    principal: Principal,
    erratum_id: uuid.UUID,
    *,
    decision: rules.ErratumStatus,
    reason: str | None = None,
) -> dict[str, Any]:
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        row = await store.get(conn, erratum_id, for_update=True)
        if row is None:
            raise Problem(404, "erratum_not_found", "There is no such erratum.")
        check_scope(principal, row)
        try:
            changed = rules.decide(row["status"], decision)
        except rules.ErratumError as err:
            raise _problem(err) from err
        if changed:
            parts = rules.pending_parts([i["field"] for i in row["items"]])
            await store.decide(
                conn, erratum_id, status=decision, decided_by=principal.account_id,
                decided_at=now, reason=reason, pending_parts=parts,
            )  # fmt: skip
            await history.add(
                conn, erratum_id, decision.value, actor_id=principal.account_id,
                actor_role=principal.role, detail={"reason": reason} if reason else {},
            )  # fmt: skip
            event: ErrataApproved | ErrataRejected
            if decision == rules.ErratumStatus.APPROVED:
                event = ErrataApproved(
                    **_event_base(row),
                    changes=[FieldChange(**i) for i in row["items"]],
                    approved_by=principal.account_id,
                    approved_at=now,
                )
            else:
                event = ErrataRejected(
                    **_event_base(row),
                    reason=reason or "",
                    rejected_by=principal.account_id,
                    rejected_at=now,
                )
            await add_to_outbox(conn, event, source=SOURCE)
        shown = await store.read(conn, erratum_id)
        assert shown is not None
    return erratum_view(shown)
