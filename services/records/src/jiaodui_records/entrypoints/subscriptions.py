"""records' event subscriptions: identity's accounts and corrections' approved errata."""

from __future__ import annotations

from collections.abc import Mapping

from jiaodui_contracts import CloudEvent, Contract
from jiaodui_contracts.corrections import ErrataApproved
from jiaodui_contracts.identity import (
    AccountActivated,
    AccountIdentityCorrected,
    AccountIdentityReleased,
    AccountNameChanged,
)
from jiaodui_runtime.consumer import Handler
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_records.service_layer.accounts import on_account_event
from jiaodui_records.service_layer.corrections import apply_erratum


async def on_account(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
    assert isinstance(
        data,
        AccountActivated | AccountNameChanged | AccountIdentityCorrected | AccountIdentityReleased,
    )
    await on_account_event(conn, data)


async def on_errata_approved(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
    assert isinstance(data, ErrataApproved)
    await apply_erratum(conn, data)


def handlers(rt: ServiceRuntime) -> Mapping[str, Handler]:
    return {
        AccountActivated.TYPE: on_account,
        AccountNameChanged.TYPE: on_account,
        AccountIdentityCorrected.TYPE: on_account,
        AccountIdentityReleased.TYPE: on_account,
        ErrataApproved.TYPE: on_errata_approved,
    }
