"""records' event subscriptions: identity's accounts and corrections' approved errata."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from jiaodui_contracts import CloudEvent, Contract
from jiaodui_contracts.corrections import ErrataApproved
from jiaodui_contracts.identity import (
    AccountActivated,
    AccountIdentityCorrected,
    AccountIdentityReleased,
    AccountNameChanged,
)
from jiaodui_runtime.consumer import AnyHandler, Batched, Delivered
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_records.service_layer.accounts import AccountEvent, on_account_events
from jiaodui_records.service_layer.corrections import apply_erratum


async def on_accounts(conn: DbConnection, run: Sequence[Delivered]) -> None:
    events = [data for _, data in run]
    assert all(isinstance(e, AccountEvent) for e in events)
    await on_account_events(conn, events)  # type: ignore[arg-type]


async def on_errata_approved(conn: DbConnection, event: CloudEvent, data: Contract) -> None:
    assert isinstance(data, ErrataApproved)
    await apply_erratum(conn, data)


def handlers(rt: ServiceRuntime) -> Mapping[str, AnyHandler]:
    accounts = Batched(on_accounts)  # one instance: a run of mixed account events is one call
    return {
        AccountActivated.TYPE: accounts,
        AccountNameChanged.TYPE: accounts,
        AccountIdentityCorrected.TYPE: accounts,
        AccountIdentityReleased.TYPE: accounts,
        ErrataApproved.TYPE: on_errata_approved,
    }
