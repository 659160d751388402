"""notify's use cases: turn commands and events into sent, logged messages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from jiaodui_contracts import CloudEvent
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.privacy import mask_email

from jiaodui_notify import store
from jiaodui_notify.adapters.mailer import Mail, SmtpMailer
from jiaodui_notify.settings import NotifySettings
from jiaodui_notify.templates import Templates


@dataclass
class Notify:
    """notify's own objects, built once by the composition root."""

    settings: NotifySettings
    mailer: SmtpMailer
    templates: Templates


async def send_mail(
    conn: DbConnection,
    notify: Notify,
    *,
    cause: CloudEvent,
    to: str,
    template: str,
    account_id: str | None = None,
    **context: str,
) -> None:
    """Send one templated mail, at most once per (cause event, recipient).

    The delivery row is written in the consumer's transaction; if the send fails
    the transaction rolls back and the consumer retries the whole event.
    """
    delivery_id = uuid.uuid4()
    inserted = await store.insert_delivery(
        conn,
        delivery_id=delivery_id,
        cause_event_id=uuid.UUID(cause.id),
        channel="email",
        recipient_key=to.lower(),
        recipient_masked=mask_email(to),
        account_id=account_id,
        template=template,
    )
    if not inserted:
        return
    subject, text = notify.templates.render(template, **context)
    await notify.mailer.send(Mail(to=to, subject=subject, text=text))
    await store.mark_sent(conn, delivery_id, subject=subject)
