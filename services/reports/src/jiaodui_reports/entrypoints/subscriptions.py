"""reports' subscriptions: the replica of records, matches, photos and errata."""

from __future__ import annotations

from collections.abc import Mapping

from jiaodui_contracts import CloudEvent, Contract
from jiaodui_contracts.corrections import (
    ErrataApplied,
    ErrataApproved,
    ErrataFiled,
    ErrataRejected,
)
from jiaodui_contracts.photos import PhotoConfirmed, PhotoDisputed, PhotoLinked, PhotoReplaced
from jiaodui_contracts.records import (
    IdentityMatched,
    IdentityUnmatched,
    RecordCorrected,
    RecordImported,
)
from jiaodui_runtime.consumer import Handler
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_reports.service_layer import replica


async def on_record(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
    assert isinstance(data, RecordImported | RecordCorrected)
    await replica.on_record(conn, data)


async def on_matched(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
    assert isinstance(data, IdentityMatched)
    await replica.on_matched(conn, data)


async def on_unmatched(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
    assert isinstance(data, IdentityUnmatched)
    await replica.on_unmatched(conn, data)


async def on_photo(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
    assert isinstance(data, PhotoLinked | PhotoReplaced | PhotoConfirmed | PhotoDisputed)
    await replica.on_photo(conn, data)


async def on_erratum(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
    assert isinstance(data, ErrataFiled | ErrataApproved | ErrataRejected | ErrataApplied)
    await replica.on_erratum(conn, data)


def handlers(rt: ServiceRuntime) -> Mapping[str, Handler]:
    return {
        RecordImported.TYPE: on_record,
        RecordCorrected.TYPE: on_record,
        IdentityMatched.TYPE: on_matched,
        IdentityUnmatched.TYPE: on_unmatched,
        PhotoLinked.TYPE: on_photo,
        PhotoReplaced.TYPE: on_photo,
        PhotoConfirmed.TYPE: on_photo,
        PhotoDisputed.TYPE: on_photo,
        ErrataFiled.TYPE: on_erratum,
        ErrataApproved.TYPE: on_erratum,
        ErrataRejected.TYPE: on_erratum,
        ErrataApplied.TYPE: on_erratum,
    }
