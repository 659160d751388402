"""The student's use cases: issue, list, extend, close a report, and render it as a PDF."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
from jiaodui_runtime.auth import Principal
from jiaodui_runtime.errors import Problem
from jwt.utils import base64url_decode

from jiaodui_reports.adapters import pdf
from jiaodui_reports.adapters.labels import Lang
from jiaodui_reports.adapters.photos import fetch_photo
from jiaodui_reports.domain import validity
from jiaodui_reports.domain.codes import new_code
from jiaodui_reports.domain.document import document
from jiaodui_reports.domain.rules import MAX_OPEN_REPORTS, Readiness, unfinished
from jiaodui_reports.service_layer import events
from jiaodui_reports.state import Reports
from jiaodui_reports.store import replica
from jiaodui_reports.store import reports as store

_WHAT_FIRST = {
    "graduation_photo": "confirm your graduation photo",
    "erratum": "wait until your open erratum is applied or rejected",
}


def _not_found() -> Problem:
    return Problem(404, "report_not_found", "You have no report with this id.")


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


async def issue_report(
    pool: asyncpg.Pool,
    rep: Reports,
    *,
    principal: Principal,
    record_id: uuid.UUID,
    months: int,
    bearer: str,
) -> store.Report:
    async with pool.acquire() as conn:
        record = await replica.record(conn, record_id)
        if record is None or not await replica.owns(conn, principal.account_id, record_id):
            raise Problem(404, "record_not_found", "No record of yours has this id.")
        photo = await replica.graduation_photo(conn, record_id)
        missing = unfinished(
            Readiness(photo[1] if photo else None, await replica.open_errata(conn, record_id))
        )
        if missing or photo is None:
            raise Problem(
                409,
                "record_not_confirmed",
                "Only confirmed data goes on a report: first "
                + " and ".join(_WHAT_FIRST[m] for m in missing)
                + ".",
                missing=missing,
            )
        if await store.open_count(conn, principal.account_id) >= MAX_OPEN_REPORTS:
            raise Problem(
                409,
                "too_many_reports",
                f"You hold {MAX_OPEN_REPORTS} open reports; close one first.",
            )
    photo_id = photo[0]
    jpeg = await fetch_photo(
        rep.http, photos_url=rep.settings.photos_url, photo_id=photo_id, bearer=bearer
    )
    photo_key = await rep.blobs.put(jpeg, content_type="image/jpeg")
    now, code, report_id = _now(), new_code(), str(uuid.uuid4())
    until = validity.valid_until(now, months)
    signed = document(
        report_id=report_id,
        code=code,
        revision=1,
        issued_at=now,
        valid_until=until,
        record=record["snapshot"],
        photo_sha256=photo_key.removeprefix("sha256:"),
        check_url=rep.check_url(code),
    )
    key_id, signature = rep.signer.sign(signed)
    report = store.Report(
        report_id=report_id,
        code=code,
        account_id=principal.account_id,
        record_id=str(record_id),
        institution_code=record["institution_code"],
        branch=record["branch"],
        months=months,
        issued_at=now,
        valid_until=until,
        closed_at=None,
        superseded_at=None,
        superseded_reason=None,
        record=record["snapshot"],
        photo_id=photo_id,
        photo_sha256=photo_key.removeprefix("sha256:"),
        revision=1,
        key_id=key_id,
        signature=signature,
        check_count=0,
        last_checked_at=None,
    )
    async with pool.acquire() as conn, conn.transaction():
        # the record and photo rows are held until commit: a change arriving meanwhile waits,
        # then finds this report open and supersedes it; one that came first is seen here
        await conn.execute("SELECT 1 FROM records WHERE record_id = $1 FOR SHARE", record_id)
        await conn.execute("SELECT 1 FROM photos WHERE record_id = $1 FOR SHARE", record_id)
        again = await replica.record(conn, record_id)
        if (
            again is None
            or again["snapshot"] != record["snapshot"]
            or await replica.graduation_photo(conn, record_id) != (photo_id, "confirmed")
        ):
            raise Problem(409, "record_changed", "The record changed just now; try again.")
        await store.insert(conn, report)
        await events.issued(conn, report)
    return report


async def list_reports(pool: asyncpg.Pool, principal: Principal) -> list[store.Report]:
    async with pool.acquire() as conn:
        return await store.of_account(conn, principal.account_id)


def _refuse_dead(report: store.Report) -> None:
    if report.superseded_at is not None:
        raise Problem(
            409,
            "report_superseded",
            "The record changed after this report was issued; issue a new one.",
        )
    if report.closed_at is not None:
        raise Problem(409, "report_closed", "This report is closed.")


async def extend_report(
    pool: asyncpg.Pool,
    rep: Reports,
    *,
    principal: Principal,
    report_id: uuid.UUID,
    months: int,
) -> store.Report:
    async with pool.acquire() as conn, conn.transaction():
        report = await store.get(conn, report_id, lock=True)
        if report is None or report.account_id != principal.account_id:
            raise _not_found()
        _refuse_dead(report)
        now = _now()
        until = validity.extended_until(now, report.valid_until, months)
        if until is None:
            raise Problem(
                409,
                "extension_limit",
                f"A report is valid for at most {validity.MAX_MONTHS} months from now.",
            )
        signed = document(
            report_id=report.report_id,
            code=report.code,
            revision=report.revision + 1,
            issued_at=report.issued_at,
            valid_until=until,
            record=report.record,
            photo_sha256=report.photo_sha256,
            check_url=rep.check_url(report.code),
        )
        key_id, signature = rep.signer.sign(signed)
        await store.extend(
            conn,
            report.report_id,
            valid_until=until,
            months=months,
            revision=report.revision + 1,
            key_id=key_id,
            signature=signature,
        )
        await events.extended(conn, report, months=months, valid_until=until, at=now)
        updated = await store.get(conn, report_id)
    assert updated is not None
    return updated


async def close_report(
    pool: asyncpg.Pool, *, principal: Principal, report_id: uuid.UUID
) -> store.Report:
    """Closing again answers the same and emits nothing."""
    async with pool.acquire() as conn, conn.transaction():
        report = await store.get(conn, report_id, lock=True)
        if report is None or report.account_id != principal.account_id:
            raise _not_found()
        if report.superseded_at is not None:
            _refuse_dead(report)
        if report.closed_at is None:
            now = _now()
            await store.close(conn, report.report_id, now)
            await events.closed(conn, report, now)
            report = await store.get(conn, report_id)
    assert report is not None
    return report


def signed_bytes(report: store.Report) -> bytes:
    """The canonical document exactly as signed (the JWS payload)."""
    return base64url_decode(report.signature.split(".")[1].encode())


async def report_pdf(
    pool: asyncpg.Pool,
    rep: Reports,
    *,
    principal: Principal,
    report_id: uuid.UUID,
    lang: Lang,
) -> tuple[store.Report, bytes]:
    async with pool.acquire() as conn:
        report = await store.get(conn, report_id)
    if report is None or report.account_id != principal.account_id:
        raise _not_found()
    _refuse_dead(report)
    async with pool.acquire() as conn:
        cached = await store.cached_pdf(conn, report.report_id, report.revision, lang)
    if cached is not None:
        return report, await rep.blobs.get(cached)
    photo = await rep.blobs.get(f"sha256:{report.photo_sha256}")
    page = pdf.PdfReport(
        code=report.code,
        record=report.record,
        issued_at=report.issued_at,
        valid_until=report.valid_until,
        photo_jpeg=photo,
        signature=report.signature,
        key_id=report.key_id,
        revision=report.revision,
        canonical=signed_bytes(report),
        check_url=rep.check_url(report.code),
        jwks_url=rep.jwks_url,
    )
    data = await rep.renderer.run(pdf.render, page, lang, rep.font_path)
    key = await rep.blobs.put(data, content_type="application/pdf")
    async with pool.acquire() as conn:
        await store.cache_pdf(conn, report.report_id, report.revision, lang, key)
    return report, data
