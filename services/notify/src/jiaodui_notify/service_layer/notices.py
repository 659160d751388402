"""Turn a command or event into a logged, queued message and an inbox entry.

Runs in the consumer's transaction and never talks to SMTP: the pending delivery
row (and the NOTIFY that wakes the sender at commit) is all it writes, so a mail
outage never blocks a partition.
"""

from __future__ import annotations

import uuid

from jiaodui_contracts import CloudEvent, Contract
from jiaodui_runtime.db import DbConnection
from jiaodui_runtime.privacy import mask_email, mask_phone

from jiaodui_notify.domain.delivery import language_of
from jiaodui_notify.domain.notices import Notice, notice_for, redacted
from jiaodui_notify.state import Notify
from jiaodui_notify.store import deliveries, people


def recipient_key(channel: str, address: str) -> str:
    """The normalised address: caps, idempotency and the ops filter all use it."""
    if channel == "sms":
        return "".join(ch for ch in address if ch.isdigit() or ch == "+")
    return address.strip().lower()


def mask(channel: str, address: str) -> str:
    return mask_phone(address) if channel == "sms" else mask_email(address)


async def _learn(conn: DbConnection, notice: Notice) -> None:
    if notice.to is None or notice.account_id is None:
        return
    if notice.channel == "sms":
        await people.remember(conn, notice.account_id, phone=notice.to)
    else:
        lang = language_of(notice.locale)
        await people.remember(conn, notice.account_id, email=notice.to, locale=lang)


async def accept(
    conn: DbConnection, notify: Notify, *, event: CloudEvent, payload: Contract
) -> None:
    """Log and queue the message ``payload`` asks for; a redelivered event adds nothing."""
    notice = notice_for(payload, base_url=notify.settings.public_base_url)
    if notice is None:
        return
    await _learn(conn, notice)
    to, locale = notice.to, notice.locale
    if to is None and notice.account_id is not None:
        to, locale = await people.address_of(conn, notice.account_id)
    lang = language_of(locale)
    email = notice.channel == "email"
    full = notify.templates.render(notice.template, lang, notice.context, html=email)
    safe = notify.templates.render(notice.template, lang, redacted(notice.context), html=False)
    delivery_id: uuid.UUID | None = None
    if to:
        delivery_id = uuid.uuid4()
        queued = await deliveries.insert(
            conn,
            delivery_id=delivery_id,
            cause_event_id=event.id,
            cause_type=event.type,
            channel=notice.channel,
            recipient_key=recipient_key(notice.channel, to),
            recipient_masked=mask(notice.channel, to),
            account_id=notice.account_id,
            template=notice.template,
            locale=lang,
            subject=safe.subject,
            body_preview=safe.text,
            sealed=notify.sealer.seal(
                {"to": to, "subject": full.subject, "text": full.text, "html": full.html}
            ),
        )
        if not queued:
            return
    if notice.account_id is not None:
        await people.add_message(
            conn,
            account_id=notice.account_id,
            cause_event_id=event.id,
            template=notice.template,
            channel=notice.channel if to else "inbox",
            subject=safe.subject or safe.text.splitlines()[0][:80],
            body=safe.text,
            delivery_id=delivery_id,
        )
