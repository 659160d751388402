"""notify's event subscriptions: one handler per command or event type."""

from __future__ import annotations

from collections.abc import Mapping

from jiaodui_contracts import CloudEvent
from jiaodui_contracts.commands import SendActivationMail, SendExistingAccountNotice
from jiaodui_runtime.consumer import Handler
from jiaodui_runtime.db import DbConnection
from pydantic import BaseModel

from jiaodui_notify.service_layer import Notify, send_mail


def handlers(notify: Notify) -> Mapping[str, Handler]:
    async def on_activation_mail(conn: DbConnection, event: CloudEvent, data: BaseModel) -> None:
        assert isinstance(data, SendActivationMail)
        await send_mail(
            conn,
            notify,
            cause=event,
            to=data.email,
            template="activation",
            account_id=data.account_id,
            activation_url=data.activation_url,
        )

    async def on_existing_account(conn: DbConnection, event: CloudEvent, data: BaseModel) -> None:
        assert isinstance(data, SendExistingAccountNotice)
        await send_mail(
            conn,
            notify,
            cause=event,
            to=data.email,
            template="existing_account",
            login_url=data.login_url,
            recovery_url=data.recovery_url,
        )

    return {
        SendActivationMail.TYPE: on_activation_mail,
        SendExistingAccountNotice.TYPE: on_existing_account,
    }
