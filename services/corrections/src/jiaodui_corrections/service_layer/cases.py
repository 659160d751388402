"""Use cases of identity cases: open (with the scan), decide (support), read the scan."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
from jiaodui_contracts.corrections import (
    IdentityCorrectionApproved,
    IdentityCorrectionRejected,
    IdentityCorrectionRequested,
    IdentityDisputeFiled,
    IdentityDisputeResolved,
)
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.blobs import BlobNotFoundError
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.idcard import check_id_number
from jiaodui_runtime.images import ImageRejectedError, clean_jpeg
from jiaodui_runtime.outbox import add_to_outbox
from jiaodui_runtime.privacy import identity_hash, mask_id_number

from jiaodui_corrections.domain.cases import (
    CaseError,
    CaseKind,
    CaseStatus,
    decide,
    normalise_email,
    normalise_phone,
)
from jiaodui_corrections.service_layer.views import case_view
from jiaodui_corrections.state import SOURCE, Corrections
from jiaodui_corrections.store import cases as store
from jiaodui_corrections.store import history

SCAN_CONTENT_TYPE = "image/jpeg"


def _problem(err: CaseError) -> Problem:
    return Problem(err.status, err.code, err.detail)


async def open_case(
    pool: asyncpg.Pool,
    corr: Corrections,
    principal: Principal,
    *,
    kind: CaseKind,
    id_type: str,
    id_number: str,
    contact_phone: str,
    reply_email: str | None,
    scan: bytes,
) -> dict[str, Any]:
    try:
        phone = normalise_phone(contact_phone)
        email = normalise_email(reply_email)
    except CaseError as err:
        raise _problem(err) from err
    if check_id_number(id_type, id_number) is not None:
        raise Problem(422, "id_number_invalid", "The ID number is not valid.")
    try:
        clean = clean_jpeg(scan, max_pixels=corr.settings.scan_max_pixels)
    except ImageRejectedError as err:
        raise Problem(422, f"scan_{err.code}", str(err)) from err
    hashed = identity_hash(corr.settings.identity_hash_key, id_type, id_number)
    masked = mask_id_number(id_number)
    # The blob is content-addressed and written first: an unreferenced blob left by a
    # failed insert is harmless, a row pointing at no blob would not be.
    scan_key = await corr.scans.put(clean.data, content_type=SCAN_CONTENT_TYPE)
    case_id = uuid.uuid4()
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        if not await store.insert(
            conn, case_id=case_id, kind=kind, account_id=principal.account_id,
            id_type=id_type, identity_hash=hashed, id_number_masked=masked,
            contact_phone=phone, reply_email=email, scan_key=scan_key, opened_at=now,
        ):  # fmt: skip
            raise Problem(409, "case_already_open", f"You already have an open {kind} case.")
        await history.add(
            conn, case_id, "opened", actor_id=principal.account_id, actor_role=principal.role,
            detail={"kind": kind.value, "id_number_masked": masked},
        )  # fmt: skip
        base = {"case_id": str(case_id), "account_id": principal.account_id}
        event: IdentityCorrectionRequested | IdentityDisputeFiled
        if kind == CaseKind.CORRECTION:
            event = IdentityCorrectionRequested(
                **base, id_type=id_type, id_number_masked=masked, requested_at=now
            )
        else:
            event = IdentityDisputeFiled(
                **base, id_type=id_type, identity_hash=hashed, id_number_masked=masked,
                filed_at=now,
            )  # fmt: skip
        await add_to_outbox(conn, event, source=SOURCE)
    return {"case_id": str(case_id), "status": CaseStatus.OPEN.value}


def _decision_event(
    row: asyncpg.Record, principal: Principal, status: CaseStatus, reason: str | None
) -> Any:
    now = datetime.now(UTC)
    base: dict[str, Any] = {"case_id": str(row["case_id"]), "account_id": str(row["account_id"])}
    identity = {
        "id_type": row["id_type"],
        "identity_hash": row["identity_hash"],
        "id_number_masked": row["id_number_masked"],
    }
    if row["kind"] == CaseKind.DISPUTE:
        return IdentityDisputeResolved(
            **base, **identity, reason=reason, resolved_by=principal.account_id, resolved_at=now,
            outcome="released" if status == CaseStatus.APPROVED else "rejected",
        )  # fmt: skip
    if status == CaseStatus.APPROVED:
        return IdentityCorrectionApproved(
            **base, **identity, approved_by=principal.account_id, approved_at=now
        )
    return IdentityCorrectionRejected(
        **base, reason=reason or "", rejected_by=principal.account_id, rejected_at=now
    )


async def decide_case(
    pool: asyncpg.Pool,
    principal: Principal,
    case_id: uuid.UUID,
    *,
    kind: CaseKind,
    decision: CaseStatus,
    reason: str | None,
) -> dict[str, Any]:
    async with pool.acquire() as conn, conn.transaction():
        row = await store.get(conn, case_id, kind, for_update=True)
        if row is None:
            raise Problem(404, "case_not_found", "There is no such case.")
        try:
            changed = decide(row["status"], decision)
        except CaseError as err:
            raise _problem(err) from err
        if changed:
            await store.decide(
                conn, case_id, status=decision, decided_by=principal.account_id,
                closed_at=datetime.now(UTC), reason=reason,
            )  # fmt: skip
            await history.add(
                conn, case_id, decision.value, actor_id=principal.account_id,
                actor_role=principal.role, detail={"reason": reason} if reason else {},
            )  # fmt: skip
            await add_to_outbox(
                conn, _decision_event(row, principal, decision, reason), source=SOURCE
            )
            row = await store.get(conn, case_id, kind)
            assert row is not None
    return case_view(row)


async def _visible_case(
    conn: DbConnection, principal: Principal, case_id: uuid.UUID, kind: CaseKind
) -> asyncpg.Record:
    row = await store.get(conn, case_id, kind)
    if row is None:
        raise Problem(404, "case_not_found", "There is no such case.")
    if principal.role != "support" and str(row["account_id"]) != principal.account_id:
        raise Problem(403, "forbidden_case", "Only support and the student may see this case.")
    return row


async def read_case(
    pool: asyncpg.Pool, principal: Principal, case_id: uuid.UUID, kind: CaseKind
) -> dict[str, Any]:
    async with pool.acquire() as conn:
        row = await _visible_case(conn, principal, case_id, kind)
        view = case_view(row)
        view["history"] = await history.of_case(conn, case_id)
        view["scan_reads"] = (
            [
                {**dict(r), "reader_id": str(r["reader_id"])}
                for r in await store.scan_reads(conn, case_id)
            ]
            if principal.role == "support"
            else None
        )
    return view


async def read_scan(
    pool: asyncpg.Pool, corr: Corrections, principal: Principal, case_id: uuid.UUID, kind: CaseKind
) -> bytes:
    """Support and the owner only; every read is logged (who, when) before it is served."""
    async with pool.acquire() as conn, conn.transaction():
        row = await _visible_case(conn, principal, case_id, kind)
        if row["scan_key"] is None:
            raise Problem(410, "scan_deleted", "The scan was deleted after the case closed.")
        await store.log_scan_read(conn, case_id, principal.account_id, principal.role)
        key: str = row["scan_key"]
    try:
        return await corr.scans.get(key)
    except BlobNotFoundError as exc:
        raise Problem(410, "scan_deleted", "The scan was deleted after the case closed.") from exc


async def list_cases(
    pool: asyncpg.Pool, *, kind: CaseKind, status: str | None, limit: int, offset: int
) -> dict[str, Any]:
    """Support's queue, oldest first: a page, how many in all, and how many per status."""
    async with pool.acquire() as conn:
        rows = await store.queue(conn, kind=kind, status=status, limit=limit, offset=offset)
        counts = await store.counts(conn, kind=kind)
    per_status = {s.value: counts.get(s.value, 0) for s in CaseStatus}
    total = per_status[status] if status else sum(per_status.values())
    return {"items": [case_view(r) for r in rows], "total": total, "counts": per_status}


async def my_cases(pool: asyncpg.Pool, principal: Principal) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        return [case_view(r) for r in await store.of_account(conn, principal.account_id)]
