"""Contract events of a report, built from the stored report."""

from __future__ import annotations

from datetime import datetime

from jiaodui_contracts.reports import (
    ReportClosed,
    ReportExtended,
    ReportIssued,
    ReportSuperseded,
    SupersededReason,
)
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.outbox import add_to_outbox

from jiaodui_reports.state import SOURCE
from jiaodui_reports.store.reports import Report


def _ids(report: Report) -> dict[str, str]:
    return {
        "report_id": report.report_id,
        "record_id": report.record_id,
        "account_id": report.account_id,
        "institution_code": report.institution_code,
        "branch": report.branch,
    }


async def issued(conn: DbConnection, report: Report) -> None:
    await add_to_outbox(
        conn,
        ReportIssued(
            **_ids(report),
            months=report.months,
            valid_until=report.valid_until,
            key_id=report.key_id,
            issued_at=report.issued_at,
        ),
        source=SOURCE,
    )


async def extended(
    conn: DbConnection, report: Report, *, months: int, valid_until: datetime, at: datetime
) -> None:
    await add_to_outbox(
        conn,
        ReportExtended(
            **_ids(report),
            months=months,
            previous_valid_until=report.valid_until,
            valid_until=valid_until,
            extended_at=at,
        ),
        source=SOURCE,
    )


async def closed(conn: DbConnection, report: Report, at: datetime) -> None:
    await add_to_outbox(conn, ReportClosed(**_ids(report), closed_at=at), source=SOURCE)


async def superseded(
    conn: DbConnection,
    report: Report,
    *,
    reason: SupersededReason,
    erratum_id: str | None,
    at: datetime,
) -> None:
    await add_to_outbox(
        conn,
        ReportSuperseded(**_ids(report), reason=reason, erratum_id=erratum_id, superseded_at=at),
        source=SOURCE,
    )
